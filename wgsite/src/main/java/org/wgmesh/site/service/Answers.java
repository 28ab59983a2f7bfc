package org.wgmesh.site.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.wgmesh.core.json.Json;

/**
 * The JSON bodies the service answers with, one line each. Errors are {@code {"error": <status
 * name>, "field": <field>, "message": <why>}} (field only for a 400 about the body), decisions
 * {@code {"decision": "admitted", "reason": ..., "siteFingerprint": ...}} (and {@code
 * "reportCredential"} for a host admitted with a join token).
 */
public final class Answers {
  private Answers() {}

  /** The answer to a request the decider decided. */
  public static String decision(Decision decision) {
    ObjectNode o = Json.object().put("decision", decision.outcome().wire());
    o.put("reason", decision.reason());
    decision.siteFingerprint().ifPresent(f -> o.put("siteFingerprint", f));
    decision.reportCredential().ifPresent(c -> o.put("reportCredential", c));
    return Json.write(o);
  }

  /** A 400 about the body, naming the field. */
  public static String badRequest(BadRequestException e) {
    return Json.write(
        Json.object().put("error", "bad request").put("field", e.field()).put("message", e.why()));
  }

  /** Any other error: {@code error} is a short name of the status, {@code message} says why. */
  public static String error(String error, String message) {
    return Json.write(Json.object().put("error", error).put("message", message));
  }

  /** {@code POST /v1/report} stored: {@code {"stored": <hostname>}}. */
  public static String stored(String hostname) {
    return Json.write(Json.object().put("stored", hostname));
  }

  /** {@code GET /v1/nudge}: the site's serial, {@code {"serial": N}}. */
  public static String nudge(long serial) {
    return Json.write(Json.object().put("serial", serial));
  }

  /** {@code GET /v1/health}: the service is up and answering. */
  public static String health() {
    return Json.write(Json.object().put("status", "ok"));
  }
}
