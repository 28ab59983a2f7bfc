package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;

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
}
