package org.wgmesh.site.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.wgmesh.core.enrolment.JoinToken;
import org.wgmesh.core.enrolment.JoinTokens;
import org.wgmesh.core.json.Json;

/** How {@code wgsite} prints join tokens: the new one once, the list without secrets. */
final class TokenOutput {
  private TokenOutput() {}

  static void created(JoinTokens.Minted m, PrintWriter out) {
    JoinToken t = m.token();
    out.println("id:         " + t.id());
    out.println("expires:    " + t.expires());
    out.println("uses:       " + t.usesLeft());
    out.println("hostnames:  " + t.hostnames());
    out.println("lans:       " + lans(t));
    out.println("admit:      " + t.admit().text());
    out.println("# The token is shown only now: wgmesh keeps its SHA-256, not the token.");
    out.println("token:      " + m.text());
    out.flush();
  }

  static void table(List<JoinToken> tokens, Instant now, PrintWriter out) {
    String f = "%-16s  %-9s  %-20s  %4s  %-20s  %s%n";
    out.printf(f, "ID", "STATE", "EXPIRES", "USES", "HOSTNAMES", "LANS");
    for (JoinToken t : tokens) {
      out.printf(f, t.id(), state(t, now), t.expires(), t.usesLeft(), t.hostnames(), lans(t));
    }
    out.flush();
  }

  /** The tokens as JSON, for scripts: what the table shows (never a secret or its hash). */
  static void json(List<JoinToken> tokens, Instant now, PrintWriter out) {
    ObjectNode root = Json.object();
    ArrayNode list = root.putArray("tokens");
    for (JoinToken t : tokens) {
      ObjectNode o =
          list.addObject()
              .put("id", t.id())
              .put("state", state(t, now))
              .put("expires", t.expires().toString())
              .put("uses-left", t.usesLeft())
              .put("hostnames", t.hostnames().toString())
              .put("admit", t.admit().text());
      ArrayNode lans = o.putArray("lan-prefixes");
      t.lanPrefixes().forEach(p -> lans.add(p.toString()));
    }
    out.print(Json.pretty(root) + "\n");
    out.flush();
  }

  static void revoked(JoinToken t, PrintWriter out) {
    out.println("revoked:    " + t.id() + " (" + t.hostnames() + ")");
    out.flush();
  }

  private static String state(JoinToken t, Instant now) {
    if (t.revoked()) {
      return "revoked";
    }
    if (!now.isBefore(t.expires())) {
      return "expired";
    }
    return t.usesLeft() <= 0 ? "used up" : "active";
  }

  private static String lans(JoinToken t) {
    return t.lanPrefixes().isEmpty()
        ? "-"
        : t.lanPrefixes().stream().map(Object::toString).collect(Collectors.joining(","));
  }
}
