package org.wgmesh.endpoint.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wgmesh.endpoint.deploy.health.HealthJudgeTableTest.ACCEPTED;
import static org.wgmesh.endpoint.deploy.health.HealthJudgeTableTest.LAYOUT;
import static org.wgmesh.endpoint.deploy.health.HealthJudgeTableTest.NOW;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.state.Manifest;

/**
 * {@code wgdeploy --check} with a client attached (issue 25): its interface is listed with its last
 * handshake, which is shown but never judged (a laptop is often away); a missing or down interface,
 * or one without its peer, fails. The metrics carry the client's name.
 */
class ClientHealthTest {
  static final Manifest WITH_ANNA =
      HealthJudgeTableTest.deployed(
          p -> {
            p.setProperty("client.wgc1", "anna");
            p.setProperty("port.wgc1", "61001");
          });

  private static Probed host(boolean up, Long handshake) {
    return HealthJudgeTableTest.healthy(
        (Consumer<Probed.Builder>)
            b -> {
              Map<String, LinkInfo> links = new HashMap<>(b.links);
              links.put("wgc1", new LinkInfo("wgc1", up, Set.of(), 1420));
              b.links = links;
              Map<String, Long> hs = new HashMap<>(b.handshakes);
              if (handshake != null) {
                hs.put("wgc1", handshake);
              }
              b.handshakes = hs;
              Map<String, Probed.Transfer> t = new HashMap<>(b.transfer);
              t.put("wgc1", new Probed.Transfer(500, 700));
              b.transfer = t;
            });
  }

  private static HealthReport judge(Probed host) {
    return HealthJudge.judge(LAYOUT, WITH_ANNA, host, ACCEPTED, Duration.ofSeconds(180));
  }

  @Test
  void clientNeverConnected_isListedAndHealthy() {
    HealthReport r = judge(host(true, 0L));
    assertThat(r.healthy()).as(String.join("\n", r.lines(false))).isTrue();
    assertThat(r.lines(false))
        .contains(
            "ok   wgc1 (client anna): link up, no handshake yet (the client has not connected)");
  }

  @Test
  void clientHandshakeHoursOld_isShownNotJudged() {
    HealthReport r = judge(host(true, NOW - 7200));
    assertThat(r.healthy()).isTrue();
    assertThat(r.lines(false)).contains("ok   wgc1 (client anna): link up, handshake 7200 s ago");
  }

  @Test
  void clientInterfaceDownOrWithoutPeer_fails() {
    assertThat(judge(host(false, 0L)).lines(true))
        .anyMatch(l -> l.startsWith("FAIL wgc1 (client anna): link down"));
    assertThat(judge(host(true, null)).lines(true))
        .anyMatch(l -> l.startsWith("FAIL wgc1 (client anna): no peer"));
    HealthReport missing = judge(HealthJudgeTableTest.healthy());
    assertThat(missing.healthy()).isFalse();
    assertThat(missing.lines(true))
        .anyMatch(l -> l.startsWith("FAIL wgc1 (client anna): link missing"));
  }

  @Test
  void metrics_clientLinesWithItsName() {
    String text = Metrics.check(judge(host(true, NOW - 30)));
    String labels = "{domain=\"mesh.example.com\",interface=\"wgc1\",client=\"anna\"}";
    assertThat(text)
        .contains("wgmesh_client_up" + labels + " 1")
        .contains("wgmesh_client_handshake_age_seconds" + labels + " 30")
        .contains("wgmesh_client_receive_bytes_total" + labels + " 500")
        .contains("wgmesh_client_transmit_bytes_total" + labels + " 700");
    assertThat(Metrics.check(judge(host(true, 0L))))
        .doesNotContain("wgmesh_client_handshake_age_seconds{");
  }
}
