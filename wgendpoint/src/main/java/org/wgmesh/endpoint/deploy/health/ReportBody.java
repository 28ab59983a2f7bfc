package org.wgmesh.endpoint.deploy.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.OptionalLong;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.json.Json;

/**
 * The body of a health report to the site's service ({@code POST /v1/report}, docs/enrolment.md
 * "Status"): {@code {"serial": N, "check": <the wgdeploy --check --json document>, "peers":
 * [{"peer", "handshake-age", "rx-bytes", "tx-bytes", "endpoint"}]}}, on a host clients attach to
 * also {@code "clients": [{"client", "interface", "handshake-age", "rx-bytes", "tx-bytes",
 * "endpoint"}]} (issue 25): the form the site's {@code HealthReportParser} reads. {@code
 * handshake-age} (seconds at the check's time) and {@code endpoint} are {@code null} when WireGuard
 * has none.
 */
public final class ReportBody {
  private ReportBody() {}

  /** The report of a check that ran. */
  public static String of(HealthReport report) {
    ObjectNode root = Json.object();
    root.put("serial", report.record().serial());
    root.set("check", Json.readTree(report.json(), "the check"));
    ArrayNode peers = root.putArray("peers");
    for (HealthReport.LinkStatus l : report.links()) {
      ObjectNode p = peers.addObject();
      p.put("peer", l.peer());
      wireGuard(p, report, l.lastHandshake(), l.receiveBytes(), l.transmitBytes(), l.endpoint());
    }
    // Only where clients attach, so that a host without any sends what it sent before issue 25
    // (a site of an older release refuses a field it does not know: upgrade the site first).
    if (!report.clients().isEmpty()) {
      ArrayNode clients = root.putArray("clients");
      for (HealthReport.ClientStatus c : report.clients()) {
        ObjectNode o = clients.addObject();
        o.put("client", c.client());
        o.put("interface", c.iface());
        wireGuard(o, report, c.lastHandshake(), c.receiveBytes(), c.transmitBytes(), c.endpoint());
      }
    }
    return Json.write(root);
  }

  /** What WireGuard showed of a peer or a client: handshake age, bytes, endpoint. */
  private static void wireGuard(
      ObjectNode o,
      HealthReport report,
      OptionalLong lastHandshake,
      long rxBytes,
      long txBytes,
      String endpoint) {
    if (lastHandshake.isPresent()) {
      // A clock a little behind the peer's handshake time gives no negative age.
      o.put("handshake-age", Math.max(0, report.at().getEpochSecond() - lastHandshake.getAsLong()));
    } else {
      o.putNull("handshake-age");
    }
    o.put("rx-bytes", rxBytes);
    o.put("tx-bytes", txBytes);
    if (endpoint.isEmpty()) {
      o.putNull("endpoint");
    } else {
      o.put("endpoint", endpoint);
    }
  }

  /** The report of a check that could not run: status {@code error}, serial 0, no peers. */
  public static String error(String domain, Instant at, WgmeshException e) {
    ObjectNode root = Json.object();
    root.put("serial", 0);
    root.set("check", Json.readTree(HealthReport.errorJson(domain, at, e), "the check"));
    root.putArray("peers");
    return Json.write(root);
  }
}
