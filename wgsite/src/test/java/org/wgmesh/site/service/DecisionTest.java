package org.wgmesh.site.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DecisionTest {
  @Test
  void onlyAnAdmission_carriesTheSiteFingerprint() {
    assertThat(Decision.admitted("ok", "SHA256:x").siteFingerprint()).contains("SHA256:x");
    assertThat(Decision.queued("waits").siteFingerprint()).isEmpty();
    assertThatThrownBy(
            () ->
                new Decision(
                    Decision.Outcome.REFUSED, "no", Optional.of("SHA256:x"), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Decision(Decision.Outcome.ADMITTED, "ok", Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyDecision_hasAReason() {
    assertThatThrownBy(() -> Decision.refused(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void answers_areTheApiJson() {
    assertThat(Answers.decision(Decision.refused("revoked: serial 0x1f").withSubject("CN=web-1")))
        .isEqualTo("{\"decision\":\"refused\",\"reason\":\"revoked: serial 0x1f\"}");
    assertThat(Answers.badRequest(new BadRequestException("token", "must be a string, not number")))
        .isEqualTo(
            "{\"error\":\"bad request\",\"field\":\"token\",\"message\":\"must be a string, not"
                + " number\"}");
  }
}
