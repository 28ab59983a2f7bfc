package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.site.status.StatusDocument.LinkHealth;

class StatusDocumentTest {
  static final Optional<Boolean> UP = Optional.of(true);
  static final Optional<Boolean> DOWN = Optional.of(false);
  static final Optional<Boolean> SILENT = Optional.empty();

  @Test
  void linkHealth_isUnhealthyWhenEitherEndSeesItDown_unknownWhenNeitherSaysAnything() {
    assertThat(StatusDocument.health(UP, UP)).isEqualTo(LinkHealth.HEALTHY);
    assertThat(StatusDocument.health(UP, SILENT)).isEqualTo(LinkHealth.HEALTHY);
    assertThat(StatusDocument.health(SILENT, UP)).isEqualTo(LinkHealth.HEALTHY);
    assertThat(StatusDocument.health(UP, DOWN)).isEqualTo(LinkHealth.UNHEALTHY);
    assertThat(StatusDocument.health(DOWN, UP)).isEqualTo(LinkHealth.UNHEALTHY);
    assertThat(StatusDocument.health(DOWN, SILENT)).isEqualTo(LinkHealth.UNHEALTHY);
    assertThat(StatusDocument.health(SILENT, SILENT)).isEqualTo(LinkHealth.UNKNOWN);
  }

  static HealthReport report(List<String> failed, PeerState... peers) {
    return new HealthReport(
        7,
        failed.isEmpty() ? "healthy" : "unhealthy",
        "ok",
        Instant.parse("2026-12-05T10:00:00Z"),
        failed,
        List.of(peers),
        List.of());
  }

  static PeerState peer(String name, long handshakeSeconds) {
    return new PeerState(
        name, Optional.of(Duration.ofSeconds(handshakeSeconds)), 0, 0, Optional.empty());
  }

  @Test
  void aLinkTheHostsCheckFailed_isDown_evenWithARecentHandshake() {
    HealthReport cut = report(List.of("link.wg4"), peer("h4", 20), peer("h5", 20));
    assertThat(StatusDocument.seen(cut, "h4", 4)).isEqualTo(DOWN);
    assertThat(StatusDocument.seen(cut, "h5", 5)).isEqualTo(UP);
    HealthReport old = report(List.of(), peer("h4", 900));
    assertThat(StatusDocument.seen(old, "h4", 4)).isEqualTo(DOWN);
    assertThat(StatusDocument.seen(old, "h6", 6)).isEqualTo(SILENT);
    assertThat(StatusDocument.seen(report(List.of("link.wg44")), "h4", 4)).isEqualTo(SILENT);
  }
}
