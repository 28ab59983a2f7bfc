package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.enrolment.EnrolmentDecision;
import org.wgmesh.core.enrolment.EnrolmentDecision.Reason;
import org.wgmesh.core.enrolment.TokenFile;
import org.wgmesh.core.enrolment.TokenStore;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;

/** {@code wgsite --token}, {@code --tokens}, {@code --revoke-token} (issue 23). */
class WgsiteTokenTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  static final String SECTION =
      """
      enrolment:
        listen:
        - 192.0.2.10:8443
        tls-certificate: /etc/wgmesh/enrol.crt
        tls-key: /etc/wgmesh/enrol.key
        tokens:
          expires: 2h
          uses: 3
          admit: auto
          rejoin: false
      """;

  @TempDir Path dir;
  Path yaml;
  Path tokens;

  Result run(String... args) {
    return CliRun.run(
        io -> new WgsiteCommand(io, Clock.fixed(NOW, ZoneOffset.UTC)), "", false, args);
  }

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    tokens = TokenFile.beside(yaml);
    Result r =
        run(
            "--domain",
            "mesh.example.com",
            "--locus",
            "mesh1",
            "--tunnel-prefix",
            "fd12:3456:789a::/48",
            yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
  }

  void withSection() throws Exception {
    Files.writeString(yaml, Files.readString(yaml) + SECTION);
  }

  static String tokenText(Result r) {
    Matcher m = Pattern.compile("(?m)^token: +(\\S+)$").matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    return m.group(1);
  }

  @Test
  void token_withoutEnrolmentSection_isAConfigError_andWritesNoFile() {
    Result r = run("--token", "--hostname", "web-*", yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.CONFIG.code());
    assertThat(r.err()).contains("has no enrolment: section");
    assertThat(tokens).doesNotExist();
  }

  @Test
  void token_isPrintedOnce_storedHashed_0600_andRedeemable() throws Exception {
    withSection();
    Result r =
        run(
            "--token",
            "--hostname",
            "web-*",
            "--lan",
            "10.30.0.0/16",
            "--uses",
            "2",
            yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    String text = tokenText(r);
    String secret = text.substring(text.lastIndexOf('.') + 1);
    assertThat(r.out()).contains("expires:    2026-12-05T12:00:00Z").contains("uses:       2");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(tokens)).doesNotContain(secret);
    TokenStore store = TokenFile.read(tokens);
    EnrolmentDecision d =
        store.redeem(text, "web-7", List.of(IpPrefix.parse("10.30.7.0/24", "t")), NOW).decision();
    assertThat(d).isInstanceOf(EnrolmentDecision.Accepted.class);
    Result list = run("--tokens", yaml.toString());
    assertThat(list.rc()).isZero();
    assertThat(list.out())
        .contains(store.tokens().get(0).id())
        .contains("active")
        .contains("web-*")
        .doesNotContain(secret);
    Result json = run("--tokens", "--json", yaml.toString());
    assertThat(json.rc()).as(json.err()).isZero();
    JsonNode t = Json.readTree(json.out(), "tokens").get("tokens").get(0);
    assertThat(t.get("id").asText()).isEqualTo(store.tokens().get(0).id());
    assertThat(t.get("state").asText()).isEqualTo("active");
    assertThat(t.get("uses-left").asInt()).isEqualTo(2);
    assertThat(t.get("lan-prefixes").get(0).asText()).isEqualTo("10.30.0.0/16");
    assertThat(json.out())
        .doesNotContain(secret)
        .doesNotContain(store.tokens().get(0).secretHash());
  }

  @Test
  void revoke_thenTheTokenIsRefusedAsRevoked_andListedAsRevoked() throws Exception {
    withSection();
    String text = tokenText(run("--token", "--hostname", "web-*", yaml.toString()));
    String id = text.split("\\.")[1];
    Result r = run("--revoke-token", id, yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    EnrolmentDecision d = TokenFile.read(tokens).redeem(text, "web-1", List.of(), NOW).decision();
    assertThat(((EnrolmentDecision.Refused) d).reason()).isEqualTo(Reason.REVOKED);
    assertThat(run("--tokens", yaml.toString()).out()).contains("revoked");
  }

  @Test
  void badRequests_exitWithTheirCode_andChangeNothing() throws Exception {
    withSection();
    run("--token", "--hostname", "web-*", yaml.toString());
    byte[] before = Files.readAllBytes(tokens);
    record Case(int code, String message, String... args) {}
    for (Case c :
        List.of(
            new Case(4, "no token '0123456789abcdef'", "--revoke-token", "0123456789abcdef"),
            new Case(4, "is not a token id", "--revoke-token", "web-1"),
            new Case(
                4,
                "not within the site's allowed-lan-prefixes",
                "--token",
                "--hostname",
                "x",
                "--lan",
                "203.0.113.0/24"),
            new Case(4, "--uses", "--token", "--hostname", "x", "--uses", "0"),
            new Case(4, "--expires", "--token", "--hostname", "x", "--expires", "400d"),
            new Case(4, "--hostname", "--token", "--hostname", "web_1"),
            new Case(2, "--token needs --hostname", "--token"),
            new Case(2, "go with --token", "--tokens", "--uses", "3"))) {
      String[] args = new String[c.args().length + 1];
      System.arraycopy(c.args(), 0, args, 0, c.args().length);
      args[c.args().length] = yaml.toString();
      Result r = run(args);
      assertThat(r.rc()).as(String.join(" ", c.args()) + ": " + r.err()).isEqualTo(c.code());
      assertThat(r.err()).contains(c.message());
      assertThat(Files.readAllBytes(tokens)).isEqualTo(before);
    }
  }
}
