package org.wgmesh.endpoint.deploy.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.json.Json;

/**
 * The body of a health report to the site's service ({@code POST /v1/report}, docs/enrolment.md
 * "Status"): {@code {"serial": N, "check": <the wgdeploy --check --json document>, "peers":
 * [{"peer", "handshake-age", "rx-bytes", "tx-bytes", "endpoint"}]}}, the form the site's {@code
 * HealthReportParser} reads. {@code handshake-age} (seconds at the check's time) and {@code
 * endpoint} are {@code null} when WireGuard has none.
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
      if (l.lastHandshake().isPresent()) {
        // A clock a little behind the peer's handshake time gives no negative age.
        p.put(
            "handshake-age",
            Math.max(0, report.at().getEpochSecond() - l.lastHandshake().getAsLong()));
      } else {
        p.putNull("handshake-age");
      }
      p.put("rx-bytes", l.receiveBytes());
      p.put("tx-bytes", l.transmitBytes());
      if (l.endpoint().isEmpty()) {
        p.putNull("endpoint");
      } else {
        p.put("endpoint", l.endpoint());
      }
    }
    return Json.write(root);
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
