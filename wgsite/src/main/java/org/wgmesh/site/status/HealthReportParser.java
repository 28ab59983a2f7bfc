package org.wgmesh.site.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.json.Json;
import org.wgmesh.site.service.BadRequestException;
import org.wgmesh.site.service.RequestJson;

/**
 * Reads the body of {@code POST /v1/report} strictly: {@code {"serial": N, "check": <the wgdeploy
 * --check --json document>, "peers": [{"peer", "handshake-age", "rx-bytes", "tx-bytes",
 * "endpoint"}]}}, and on a host clients attach to {@code "clients": [{"client", "interface",
 * "handshake-age", "rx-bytes", "tx-bytes", "endpoint"}]} (issue 25). Unknown or missing fields,
 * wrong types, negative numbers, over-long texts or lists are a {@link BadRequestException} naming
 * the field by its path ({@code peers[2].rx-bytes}); nothing else is thrown.
 */
public final class HealthReportParser {
  /** More than any mesh has peers; bounds what one report makes the site keep. */
  public static final int MAX_PEERS = 1024;

  /** More than wgdeploy has checks (one per interface and daemon). */
  public static final int MAX_CHECKS = 4096;

  private static final int MAX_TEXT = 1024;
  private static final int MAX_NAME = 64;

  /** More clients than one host serves; bounds a report as {@link #MAX_PEERS} does. */
  public static final int MAX_CLIENTS = 1024;

  private static final Set<String> ROOT = Set.of("serial", "check", "peers", "clients");
  private static final Set<String> ROOT_REQUIRED = Set.of("serial", "check", "peers");
  private static final Set<String> CHECK =
      Set.of("status", "domain", "namespace", "time", "healthy", "checks", "error");
  private static final Set<String> CHECK_ITEM =
      Set.of("name", "status", "subject", "value", "hint");
  private static final Set<String> ERROR = Set.of("what", "why", "hint", "exit-code");
  private static final Set<String> PEER =
      Set.of("peer", "handshake-age", "rx-bytes", "tx-bytes", "endpoint");
  private static final Set<String> CLIENT =
      Set.of("client", "interface", "handshake-age", "rx-bytes", "tx-bytes", "endpoint");

  private HealthReportParser() {}

  /** Parses a request body (already within the service's size limit). */
  public static HealthReport parse(byte[] raw) {
    JsonNode root = RequestJson.read(raw);
    return parse(root);
  }

  /** Parses a report already read as JSON (the status file keeps them so). */
  public static HealthReport parse(JsonNode root) {
    object("body", root, ROOT, ROOT_REQUIRED);
    long serial = count("serial", root.get("serial"));
    JsonNode check = root.get("check");
    object("check", check, CHECK, Set.of("status", "domain", "time", "healthy", "checks"));
    String status = text("check.status", check.get("status"), MAX_NAME);
    if (!Set.of("healthy", "unhealthy", "error").contains(status)) {
      throw new BadRequestException("check.status", "not healthy, unhealthy or error");
    }
    text("check.domain", check.get("domain"), 253);
    if (check.has("namespace")) {
      text("check.namespace", check.get("namespace"), MAX_NAME);
    }
    Instant time;
    try {
      time = Instant.parse(text("check.time", check.get("time"), MAX_NAME));
    } catch (DateTimeException e) {
      throw new BadRequestException("check.time", "not an ISO-8601 instant");
    }
    if (!check.get("healthy").isBoolean()) {
      throw new BadRequestException("check.healthy", "not true or false");
    }
    if (check.get("healthy").booleanValue() != "healthy".equals(status)) {
      throw new BadRequestException("check.healthy", "contradicts check.status");
    }
    List<String> failed = new ArrayList<>();
    JsonNode checks = list("check.checks", check.get("checks"), MAX_CHECKS);
    for (int i = 0; i < checks.size(); i++) {
      String at = "check.checks[" + i + "]";
      JsonNode c = checks.get(i);
      object(at, c, CHECK_ITEM, CHECK_ITEM);
      String name = text(at + ".name", c.get("name"), MAX_NAME);
      String s = text(at + ".status", c.get("status"), MAX_NAME);
      if (!s.equals("ok") && !s.equals("fail")) {
        throw new BadRequestException(at + ".status", "not ok or fail");
      }
      for (String f : List.of("subject", "value", "hint")) {
        text(at + "." + f, c.get(f), MAX_TEXT);
      }
      if (s.equals("fail")) {
        failed.add(name);
      }
    }
    if (check.has("error") != "error".equals(status)) {
      throw new BadRequestException("check.error", "present exactly when check.status is error");
    }
    if (check.has("error")) {
      JsonNode e = check.get("error");
      object("check.error", e, ERROR, ERROR);
      for (String f : List.of("what", "why", "hint")) {
        text("check.error." + f, e.get(f), MAX_TEXT);
      }
      count("check.error.exit-code", e.get("exit-code"));
    }
    List<PeerState> peers = new ArrayList<>();
    JsonNode list = list("peers", root.get("peers"), MAX_PEERS);
    for (int i = 0; i < list.size(); i++) {
      String at = "peers[" + i + "]";
      JsonNode p = list.get(i);
      object(at, p, PEER, PEER);
      peers.add(
          new PeerState(
              text(at + ".peer", p.get("peer"), MAX_NAME),
              handshakeAge(at, p),
              count(at + ".rx-bytes", p.get("rx-bytes")),
              count(at + ".tx-bytes", p.get("tx-bytes")),
              endpoint(at, p)));
    }
    List<ClientState> clients = new ArrayList<>();
    JsonNode attached = root.has("clients") ? root.get("clients") : Json.array();
    list("clients", attached, MAX_CLIENTS);
    for (int i = 0; i < attached.size(); i++) {
      String at = "clients[" + i + "]";
      JsonNode c = attached.get(i);
      object(at, c, CLIENT, CLIENT);
      clients.add(
          new ClientState(
              text(at + ".client", c.get("client"), MAX_NAME),
              text(at + ".interface", c.get("interface"), MAX_NAME),
              handshakeAge(at, c),
              count(at + ".rx-bytes", c.get("rx-bytes")),
              count(at + ".tx-bytes", c.get("tx-bytes")),
              endpoint(at, c)));
    }
    return new HealthReport(serial, Json.write(check), status, time, failed, peers, clients);
  }

  /** A peer's or client's {@code handshake-age}: seconds, or null for none. */
  private static Optional<Duration> handshakeAge(String at, JsonNode entry) {
    JsonNode age = entry.get("handshake-age");
    return age.isNull()
        ? Optional.empty()
        : Optional.of(Duration.ofSeconds(count(at + ".handshake-age", age)));
  }

  /** A peer's or client's {@code endpoint}: {@code ADDRESS:PORT}, or null for none yet. */
  private static Optional<String> endpoint(String at, JsonNode entry) {
    JsonNode endpoint = entry.get("endpoint");
    return endpoint.isNull()
        ? Optional.empty()
        : Optional.of(text(at + ".endpoint", endpoint, MAX_NAME));
  }

  private static void object(String at, JsonNode node, Set<String> allowed, Set<String> required) {
    if (node == null || !node.isObject()) {
      throw new BadRequestException(at, node == null ? "missing" : "not a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        String shown = name.length() > MAX_NAME ? name.substring(0, MAX_NAME) + "..." : name;
        throw new BadRequestException(path(at, shown), "unknown field");
      }
    }
    for (String name : required) {
      if (!node.has(name)) {
        throw new BadRequestException(path(at, name), "missing");
      }
    }
  }

  /** A field's path; the root's fields go by their name alone. */
  private static String path(String at, String name) {
    return at.equals("body") ? name : at + "." + name;
  }

  private static JsonNode list(String at, JsonNode node, int max) {
    if (!node.isArray()) {
      throw new BadRequestException(at, "not a JSON array");
    }
    if (node.size() > max) {
      throw new BadRequestException(at, node.size() + " entries, at most " + max);
    }
    return node;
  }

  private static String text(String at, JsonNode node, int max) {
    if (node == null) {
      throw new BadRequestException(at, "missing");
    }
    if (!node.isTextual()) {
      throw new BadRequestException(at, "not a string");
    }
    String s = node.textValue();
    if (s.length() > max) {
      throw new BadRequestException(at, s.length() + " characters, at most " + max);
    }
    if (s.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
      throw new BadRequestException(at, "contains a control character");
    }
    return s;
  }

  private static long count(String at, JsonNode node) {
    if (node == null) {
      throw new BadRequestException(at, "missing");
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new BadRequestException(at, "not a whole number");
    }
    if (node.longValue() < 0) {
      throw new BadRequestException(at, "negative");
    }
    return node.longValue();
  }
}
