package org.wgmesh.site.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.json.Json;

/**
 * One host's health report, as {@code POST /v1/report} takes it ({@link HealthReportParser}) and
 * the status file keeps it.
 *
 * @param serial the mesh record serial deployed on the host
 * @param check the {@code wgdeploy --check --json} document, validated and re-written compactly
 * @param checkStatus {@code healthy}, {@code unhealthy} or {@code error}
 * @param checkTime when the check ran (the host's clock)
 * @param failedChecks names of the checks that failed
 * @param peers what {@code wg show} saw of each peer
 */
public record HealthReport(
    long serial,
    String check,
    String checkStatus,
    Instant checkTime,
    List<String> failedChecks,
    List<PeerState> peers) {
  public HealthReport {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(checkStatus, "checkStatus");
    Objects.requireNonNull(checkTime, "checkTime");
    failedChecks = List.copyOf(failedChecks);
    peers = List.copyOf(peers);
  }

  /** The number of peers whose link is up ({@link PeerState#up()}). */
  public long linksUp() {
    return peers.stream().filter(PeerState::up).count();
  }

  /** The oldest latest-handshake among peers that had one. */
  public Optional<Duration> oldestHandshake() {
    return peers.stream().flatMap(p -> p.handshakeAge().stream()).max(Duration::compareTo);
  }

  /** The report as the request body it came from (the parser reads this back unchanged). */
  public ObjectNode json() {
    ObjectNode root = Json.object();
    root.put("serial", serial);
    root.set("check", Json.readTree(check, "check"));
    ArrayNode list = root.putArray("peers");
    for (PeerState p : peers) {
      ObjectNode o = list.addObject();
      o.put("peer", p.peer());
      if (p.handshakeAge().isPresent()) {
        o.put("handshake-age", p.handshakeAge().get().toSeconds());
      } else {
        o.putNull("handshake-age");
      }
      o.put("rx-bytes", p.rxBytes());
      o.put("tx-bytes", p.txBytes());
      if (p.endpoint().isPresent()) {
        o.put("endpoint", p.endpoint().get());
      } else {
        o.putNull("endpoint");
      }
    }
    return root;
  }
}
