package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SiteStatusTest {
  static final Instant NOW = Instant.parse("2026-12-05T03:00:00Z");
  static final Duration STALE = SiteStatus.DEFAULT_STALE_AFTER;

  static Optional<StatusFile.Received> received(Duration ago, String body) {
    return Optional.of(
        new StatusFile.Received(
            NOW.minus(ago), HealthReportParser.parse(body.getBytes(StandardCharsets.UTF_8))));
  }

  static HostStatus judge(String host, Optional<StatusFile.Received> r) {
    return HostStatus.judge(host, r, NOW, STALE);
  }

  final HostStatus healthy =
      judge(
          "web-1",
          received(
              Duration.ofSeconds(30),
              Reports.body(7, true, Reports.peer("b", "20"), Reports.peer("c", "95"))));
  final HostStatus linkDown =
      judge(
          "web-2",
          received(
              Duration.ofMinutes(2),
              Reports.body(7, true, Reports.peer("a", "20"), Reports.peer("c", "null"))));
  final HostStatus checkFailed =
      judge("web-3", received(Duration.ofMinutes(1), Reports.body(6, false)));
  final HostStatus stale = judge("web-4", received(Duration.ofMinutes(11), Reports.body(7, true)));
  final HostStatus never = judge("web-5", Optional.empty());
  final SiteStatus status =
      new SiteStatus(NOW, STALE, List.of(healthy, linkDown, checkFailed, stale, never));

  @Test
  void health_followsCheckLinksAndAge() {
    assertThat(healthy.health()).isEqualTo(HostStatus.Health.HEALTHY);
    assertThat(linkDown.health()).isEqualTo(HostStatus.Health.UNHEALTHY);
    assertThat(checkFailed.health()).isEqualTo(HostStatus.Health.UNHEALTHY);
    assertThat(stale.health()).isEqualTo(HostStatus.Health.STALE);
    assertThat(never.health()).isEqualTo(HostStatus.Health.NEVER);
    // The stale age is the caller's: 15 minutes makes web-4 current again.
    assertThat(HostStatus.judge("web-4", stale.latest(), NOW, Duration.ofMinutes(15)).health())
        .isEqualTo(HostStatus.Health.HEALTHY);
    // A handshake older than 3 minutes is a link down.
    assertThat(
            judge("web-6", received(Duration.ZERO, Reports.body(7, true, Reports.peer("a", "181"))))
                .health())
        .isEqualTo(HostStatus.Health.UNHEALTHY);
  }

  @Test
  void table_showsSerialLinksHandshakeReportAgeAndHealth() {
    List<String> lines = status.table().lines().toList();
    assertThat(lines.get(0)).contains("HOST", "SERIAL", "LINKS", "HANDSHAKE", "LAST REPORT");
    assertThat(lines.get(1)).contains("web-1", " 7 ", "2/2", "95s", "30s ago", "healthy");
    assertThat(lines.get(2)).contains("web-2", "1/2", "20s", "2m ago", "unhealthy");
    assertThat(lines.get(4)).contains("web-4", "11m ago", "stale");
    assertThat(lines.get(5)).matches("web-5\\s+-\\s+-\\s+-\\s+-\\s+never");
  }

  @Test
  void json_hasTheSameFacts() {
    JsonNode hosts = status.json().get("hosts");
    assertThat(status.json().get("stale-after").asLong()).isEqualTo(600);
    JsonNode web1 = hosts.get(0);
    assertThat(web1.get("host").asText()).isEqualTo("web-1");
    assertThat(web1.get("health").asText()).isEqualTo("healthy");
    assertThat(web1.get("serial").asLong()).isEqualTo(7);
    assertThat(web1.get("links-up").asLong()).isEqualTo(2);
    assertThat(web1.get("oldest-handshake").asLong()).isEqualTo(95);
    assertThat(web1.get("report-age").asLong()).isEqualTo(30);
    assertThat(hosts.get(2).get("failed-checks").get(0).asText()).isEqualTo("bird");
    assertThat(hosts.get(4).has("serial")).isFalse();
    assertThat(hosts.get(4).get("health").asText()).isEqualTo("never");
  }

  @Test
  void clients_areListedAfterTheTable_andInTheJson_neverJudged() {
    HostStatus gw =
        judge(
            "gw-1",
            received(
                Duration.ofSeconds(30),
                Reports.withClients(
                    Reports.body(7, true, Reports.peer("b", "20")),
                    Reports.client("anna", "wgc1", "30"),
                    Reports.client("bob", "wgc2", "null"))));
    assertThat(gw.health()).isEqualTo(HostStatus.Health.HEALTHY);
    SiteStatus withClients = new SiteStatus(NOW, STALE, List.of(gw, never));
    assertThat(withClients.table())
        .endsWith(
            "\nclient anna on gw-1 (wgc1): handshake 30s ago from 203.0.113.77:41641\n"
                + "client bob on gw-1 (wgc2): never connected\n");
    assertThat(status.table()).doesNotContain("client ");
    JsonNode clients = withClients.json().get("hosts").get(0).get("clients");
    assertThat(clients).hasSize(2);
    assertThat(clients.get(0).get("client").asText()).isEqualTo("anna");
    assertThat(clients.get(0).get("connected").asBoolean()).isTrue();
    assertThat(clients.get(0).get("handshake-age").asLong()).isEqualTo(30);
    assertThat(clients.get(0).get("endpoint").asText()).isEqualTo("203.0.113.77:41641");
    assertThat(clients.get(1).get("connected").asBoolean()).isFalse();
    assertThat(clients.get(1).get("handshake-age").isNull()).isTrue();
    assertThat(status.json().get("hosts").get(0).has("clients")).isFalse();
  }

  @Test
  void metrics_countReportingStaleUnhealthy() {
    assertThat(status.metrics())
        .contains("wgmesh_site_hosts 5\n")
        .contains("wgmesh_site_hosts_reporting 3\n")
        .contains("wgmesh_site_hosts_stale 1\n")
        .contains("wgmesh_site_hosts_never_reported 1\n")
        .contains("wgmesh_site_hosts_unhealthy 2\n")
        .contains("# TYPE wgmesh_site_hosts_stale gauge");
  }
}
