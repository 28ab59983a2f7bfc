package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wgmesh.core.json.Json;
import org.wgmesh.site.service.BadRequestException;

class HealthReportParserTest {
  static HealthReport parse(String text) {
    return HealthReportParser.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void goodReport_isRead_andWrittenBackTheSame() {
    HealthReport r =
        parse(Reports.body(42, false, Reports.peer("b", "12"), Reports.peer("c", "null")));
    assertThat(r.serial()).isEqualTo(42);
    assertThat(r.checkStatus()).isEqualTo("unhealthy");
    assertThat(r.checkTime()).isEqualTo(Instant.parse("2026-12-05T02:00:00Z"));
    assertThat(r.failedChecks()).containsExactly("bird");
    assertThat(r.peers()).hasSize(2);
    assertThat(r.peers().get(0).handshakeAge()).contains(Duration.ofSeconds(12));
    assertThat(r.peers().get(1).handshakeAge()).isEmpty();
    assertThat(r.peers().get(0).endpoint()).isEqualTo(Optional.of("198.51.100.7:51002"));
    assertThat(r.linksUp()).isEqualTo(1);
    assertThat(r.oldestHandshake()).contains(Duration.ofSeconds(12));
    assertThat(HealthReportParser.parse(r.json())).isEqualTo(r);
  }

  @Test
  void clients_areRead_shownNotJudged_andWrittenBackTheSame() {
    HealthReport r =
        parse(
            Reports.withClients(
                Reports.body(42, true, Reports.peer("b", "12")),
                Reports.client("anna", "wgc1", "30"),
                Reports.client("bob", "wgc2", "null")));
    assertThat(r.clients())
        .containsExactly(
            new ClientState(
                "anna",
                "wgc1",
                Optional.of(Duration.ofSeconds(30)),
                500,
                700,
                Optional.of("203.0.113.77:41641")),
            new ClientState("bob", "wgc2", Optional.empty(), 500, 700, Optional.empty()));
    assertThat(r.clients().get(0).connected()).isTrue();
    assertThat(r.clients().get(1).connected()).isFalse();
    assertThat(HealthReportParser.parse(r.json())).isEqualTo(r);
    // Without clients the report reads and writes as before issue 25: no "clients" field.
    HealthReport plain = parse(Reports.body(42, true, Reports.peer("b", "12")));
    assertThat(plain.clients()).isEmpty();
    assertThat(plain.json().has("clients")).isFalse();
  }

  /** A client entry's mistakes are named by their path, as a peer's. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"client\":\"anna\"|\"client\":7|clients[0].client|not a string",
        "\"interface\":\"wgc1\",|\"iface\":\"wgc1\",|clients[0].iface|unknown field",
        "\"interface\":\"wgc1\",||clients[0].interface|missing",
        "\"rx-bytes\":500|\"rx-bytes\":-1|clients[0].rx-bytes|negative",
        "\"handshake-age\":30|\"handshake-age\":true|clients[0].handshake-age|not a whole number",
      })
  void clientMistake_isNamed(String from, String to, String field, String why) {
    assertThatThrownBy(
            () -> parse(Reports.withClients(Reports.body(1, true)).replace("[]}", "{}}")))
        .isInstanceOf(BadRequestException.class)
        .extracting(e -> ((BadRequestException) e).field())
        .isEqualTo("clients");
    assertNamed(
        Reports.withClients(Reports.body(42, true), Reports.client("anna", "wgc1", "30")),
        from,
        to,
        field,
        why);
  }

  @Test
  void checkErrorDocument_isAccepted() {
    String check =
        "{\"status\":\"error\",\"domain\":\"mesh.example.com\",\"time\":\"2026-12-05T02:00:00Z\","
            + "\"healthy\":false,\"checks\":[],\"error\":{\"what\":\"endpoint file\","
            + "\"why\":\"missing\",\"hint\":\"\",\"exit-code\":3}}";
    HealthReport r = parse("{\"serial\":0,\"check\":" + check + ",\"peers\":[]}");
    assertThat(r.checkStatus()).isEqualTo("error");
  }

  /** Each mistake is named by its path; the text is the good body with one change. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"serial\":42|\"serial\":-1|serial|negative",
        "\"serial\":42|\"serial\":4.5|serial|not a whole number",
        "\"serial\":42|\"serial\":\"42\"|serial|not a whole number",
        "\"serial\":42,|\"serial\":42,\"extra\":1,|extra|unknown field",
        "\"serial\":42,||serial|missing",
        "\"status\":\"unhealthy\"|\"status\":\"fine\"|check.status|not healthy, unhealthy or error",
        "\"healthy\":false|\"healthy\":true|check.healthy|contradicts check.status",
        "\"healthy\":false|\"healthy\":\"no\"|check.healthy|not true or false",
        "2026-12-05T02:00:00Z|yesterday|check.time|not an ISO-8601 instant",
        "\"name\":\"bird\"|\"name\":7|check.checks[1].name|not a string",
        "\"status\":\"fail\"|\"status\":\"bad\"|check.checks[1].status|not ok or fail",
        "\"value\":\"up\",|\"value\":\"up\",\"more\":1,|check.checks[0].more|unknown field",
        "\"rx-bytes\":1200|\"rx-bytes\":-5|peers[0].rx-bytes|negative",
        "\"handshake-age\":12|\"handshake-age\":\"12\"|peers[0].handshake-age|not a whole number",
        "\"peer\":\"b\"|\"peer\":\"b\\u0007\"|peers[0].peer|contains a control character",
        ",\"tx-bytes\":3400|,\"tx\":3400|peers[0].tx|unknown field",
      })
  void mistake_isNamed(String from, String to, String field, String why) {
    assertNamed(Reports.body(42, false, Reports.peer("b", "12")), from, to, field, why);
  }

  /** The body {@code good} with {@code from} changed to {@code to} is refused, naming field. */
  static void assertNamed(String good, String from, String to, String field, String why) {
    String bad =
        good.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to == null ? "" : to));
    assertThat(bad).isNotEqualTo(good);
    assertThatThrownBy(() -> parse(bad))
        .isInstanceOf(BadRequestException.class)
        .satisfies(
            e -> {
              assertThat(((BadRequestException) e).field()).isEqualTo(field);
              assertThat(((BadRequestException) e).why()).contains(why);
            });
  }

  @Test
  void notJsonOrNotUtf8OrNotAnObject_isTheBody() {
    for (String text : new String[] {"{", "[]", "{} {}"}) {
      assertThatThrownBy(() -> parse(text))
          .isInstanceOf(BadRequestException.class)
          .extracting(e -> ((BadRequestException) e).field())
          .isEqualTo("body");
    }
    assertThatThrownBy(() -> HealthReportParser.parse(new byte[] {'{', (byte) 0xff, '}'}))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void tooManyPeers_isRefused() {
    String[] peers = new String[HealthReportParser.MAX_PEERS + 1];
    Arrays.fill(peers, Reports.peer("b", "1"));
    assertThatThrownBy(() -> parse(Reports.body(1, true, peers)))
        .isInstanceOf(BadRequestException.class)
        .extracting(e -> ((BadRequestException) e).field())
        .isEqualTo("peers");
  }

  @Test
  void storedForm_isCompactJson() {
    HealthReport r = parse(Reports.body(1, true));
    assertThat(Json.readTree(r.check(), "check").get("domain").asText())
        .isEqualTo("mesh.example.com");
  }
}
