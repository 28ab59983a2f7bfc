package org.wgmesh.endpoint.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wgmesh.core.error.RecordException;

class ServiceAnswerTest {
  static final String FP = "SHA256:" + "A".repeat(43);

  static ServiceAnswer parse(String json) {
    return ServiceAnswer.parse(json.getBytes(StandardCharsets.UTF_8), "https://192.0.2.10:8443");
  }

  @Test
  void theThreeDecisions() {
    ServiceAnswer a =
        parse("{\"decision\":\"admitted\",\"reason\":\"ok\",\"siteFingerprint\":\"" + FP + "\"}");
    assertThat(a.decision()).isEqualTo(ServiceAnswer.Decision.ADMITTED);
    assertThat(a.siteFingerprint()).contains(FP);
    assertThat(parse("{\"decision\":\"queued\",\"reason\":\"wait\"}").siteFingerprint()).isEmpty();
    assertThat(parse("{\"decision\":\"refused\",\"reason\":\"used up\",\"later\":1}").reason())
        .isEqualTo("used up");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[]",
        "{\"decision\":\"admitted\",\"reason\":\"ok\"}",
        "{\"decision\":\"admitted\",\"reason\":\"ok\",\"siteFingerprint\":\"SHA256:short\"}",
        "{\"decision\":\"maybe\",\"reason\":\"x\"}",
        "{\"decision\":\"queued\"}",
        "{\"decision\":\"queued\",\"reason\":7}",
        "{\"decision\":\"queued\",\"reason\":\"x\"} trailing",
        "<html>not json</html>"
      })
  void malformedAnswers_areRecordErrorsNamingTheService(String body) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("https://192.0.2.10:8443")
        .hasMessageContaining("answer is malformed");
  }

  @Test
  void notUtf8_isMalformed() {
    byte[] body = {'{', '"', (byte) 0xff, '"', '}'};
    assertThatThrownBy(() -> ServiceAnswer.parse(body, "s"))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void controlCharactersInTheReason_areEscaped_andLongOnesCut() {
    ServiceAnswer a = parse("{\"decision\":\"queued\",\"reason\":\"a\\u001b[2Jb\"}");
    assertThat(a.reason()).isEqualTo("a\\x1b[2Jb");
    String longReason = "x".repeat(2000);
    assertThat(parse("{\"decision\":\"queued\",\"reason\":\"" + longReason + "\"}").reason())
        .hasSize(ServiceAnswer.MAX_REASON + 3);
  }
}
