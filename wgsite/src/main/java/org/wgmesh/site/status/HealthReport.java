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
 * @param clients what it saw of each client attached to the host (issue 25); empty for most hosts
 */
public record HealthReport(
    long serial,
    String check,
    String checkStatus,
    Instant checkTime,
    List<String> failedChecks,
    List<PeerState> peers,
    List<ClientState> clients) {
  public HealthReport {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(checkStatus, "checkStatus");
    Objects.requireNonNull(checkTime, "checkTime");
    failedChecks = List.copyOf(failedChecks);
    peers = List.copyOf(peers);
    clients = List.copyOf(clients);
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
      wireGuard(o, p.handshakeAge(), p.rxBytes(), p.txBytes(), p.endpoint());
    }
    // Only where clients attach: a report without them reads as it did before issue 25.
    if (!clients.isEmpty()) {
      ArrayNode attached = root.putArray("clients");
      for (ClientState c : clients) {
        ObjectNode o = attached.addObject();
        o.put("client", c.client());
        o.put("interface", c.iface());
        wireGuard(o, c.handshakeAge(), c.rxBytes(), c.txBytes(), c.endpoint());
      }
    }
    return root;
  }

  /** The fields {@code wg show} gives of a peer or a client, as the report has them. */
  static void wireGuard(
      ObjectNode o,
      Optional<Duration> handshakeAge,
      long rxBytes,
      long txBytes,
      Optional<String> endpoint) {
    if (handshakeAge.isPresent()) {
      o.put("handshake-age", handshakeAge.get().toSeconds());
    } else {
      o.putNull("handshake-age");
    }
    o.put("rx-bytes", rxBytes);
    o.put("tx-bytes", txBytes);
    if (endpoint.isPresent()) {
      o.put("endpoint", endpoint.get());
    } else {
      o.putNull("endpoint");
    }
  }
}
