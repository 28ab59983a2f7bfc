package org.wgmesh.site.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.site.publish.target.Publisher;
import org.wgmesh.site.publish.zonefile.ZoneFilePublisher;

class PublishersTest {
  @TempDir Path dir;

  @Test
  void fromUri_zonefile_resolvesAgainstTheSiteDirectory() {
    Publisher p = Publishers.fromUri("zonefile:records/mesh.zone", dir, Map.of());
    assertThat(p).isInstanceOf(ZoneFilePublisher.class);
    assertThat(p.describe()).isEqualTo("zonefile:" + dir.resolve("records/mesh.zone"));
  }

  @Test
  void fromUri_unknownScheme_listsTheValidOnes() {
    assertThatThrownBy(() -> Publishers.fromUri("ftp://x", dir, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown scheme 'ftp'")
        .satisfies(
            e ->
                assertThat(((ConfigException) e).hint())
                    .hasValueSatisfying(
                        h ->
                            assertThat(h)
                                .contains("zonefile:PATH")
                                .contains("rfc2136://")
                                .contains("route53:ZONE_ID")));
  }

  @Test
  void fromUri_rfc2136WithSecretFile_readsIt() throws Exception {
    Path secret = dir.resolve("tsig.key");
    Files.writeString(
        secret,
        "key:\n  - id: upd.key\n    algorithm: hmac-sha256\n    secret: c2VjcmV0c2VjcmV0c2VjcmV0\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));

    Publisher p =
        Publishers.fromUri(
            "rfc2136://127.0.0.1:5353?zone=example.test&tsig=upd.key&secret-file=tsig.key",
            dir,
            Map.of());

    assertThat(p.describe()).isEqualTo("rfc2136://127.0.0.1:5353?zone=example.test");
  }

  @Test
  void fromUri_secretFileReadableByOthers_isRefused() throws Exception {
    Path secret = dir.resolve("tsig.key");
    Files.writeString(secret, "c2VjcmV0\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(
            () ->
                Publishers.fromUri(
                    "rfc2136://127.0.0.1:5353?tsig=k&secret-file=tsig.key", dir, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("readable by others")
        .satisfies(e -> assertThat(((ConfigException) e).hint()).hasValue("chmod 600 " + secret));
  }

  @Test
  void fromUri_rfc2136TsigWithoutSecret_saysWhereToPutIt() {
    assertThatThrownBy(() -> Publishers.fromUri("rfc2136://[::1]:53?tsig=k", dir, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("has no secret");
    assertThat(
            Publishers.fromUri(
                    "rfc2136://[::1]:53?tsig=k", dir, Map.of("WGMESH_TSIG_SECRET", "c2VjcmV0"))
                .describe())
        .isEqualTo("rfc2136://[0:0:0:0:0:0:0:1]:53");
  }

  @Test
  void fromUri_badParameters_areNamed() {
    assertThatThrownBy(() -> Publishers.fromUri("rfc2136://h:53?secret=abc", dir, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown parameter 'secret'");
    assertThatThrownBy(() -> Publishers.fromUri("route53:not a zone", dir, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a hosted zone id");
    assertThatThrownBy(() -> Publishers.fromUri("route53:Z1?wait=maybe", dir, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("wait must be true or false");
  }

  @Test
  void fromUri_route53_acceptsTheHostedZonePrefix() {
    try (Publisher p =
        Publishers.fromUri("route53:/hostedzone/Z0123ABC?wait=false", dir, Map.of())) {
      assertThat(p.describe()).isEqualTo("route53:Z0123ABC");
    }
  }

  /** Each malformed target URI, and the words its message must hold (naming the parameter). */
  static Stream<Arguments> malformedTargets() {
    return Stream.of(
        // any scheme
        Arguments.of("no-scheme-here", "no scheme"),
        Arguments.of("route53:Z1?%zz=1", "not URL-encoded correctly"),
        Arguments.of("route53:Z1?wait", "parameter 'wait' is not KEY=VALUE"),
        Arguments.of("route53:Z1?wait=true&wait=false", "parameter 'wait' is given twice"),
        // zonefile
        Arguments.of("zonefile:", "no path"),
        Arguments.of("zonefile:mesh.zone?wait=false", "unknown parameter 'wait'"),
        Arguments.of("zonefile:a\u0000b", "is not a file path"),
        // rfc2136
        Arguments.of("rfc2136://127.0.0.1:99999?zone=example.test", "bad port"),
        Arguments.of("rfc2136://127.0.0.1:0", "bad port"),
        Arguments.of("rfc2136://127.0.0.1:53/x", "bad port or path"),
        Arguments.of("rfc2136://h:abc", "no server host"),
        Arguments.of("rfc2136://exa mple:53", "bad host and port"),
        Arguments.of("rfc2136://h:53?timeout=abc", "timeout must be a number of seconds"),
        Arguments.of("rfc2136://h:53?timeout=0", "timeout must be a number of seconds"),
        Arguments.of("rfc2136://h:53?timeout=-5", "timeout must be a number of seconds"),
        Arguments.of("rfc2136://h:53?zone=a..b", "zone 'a..b' is not a DNS name"),
        Arguments.of("rfc2136://h:53?tsig=a..b", "tsig 'a..b' is not a DNS name"),
        Arguments.of("rfc2136://h:53?tsig=k&algorithm=md6", "unknown TSIG algorithm 'md6'"),
        Arguments.of("rfc2136://h:53?tsig=k&secret-file=a\u0000b", "secret-file 'a"),
        Arguments.of("rfc2136://h:53?port=53", "unknown parameter 'port'"),
        // route53
        Arguments.of("route53:Z1?endpoint=http://[bad", "endpoint 'http://[bad' is not a URL"),
        Arguments.of("route53:Z1?endpoint=ftp://h", "endpoint 'ftp://h' is not an http"),
        Arguments.of("route53:Z1?endpoint=localhost:8080", "endpoint 'localhost:8080' is not an"),
        Arguments.of(
            "route53:Z1?endpoint=http://h:99999", "endpoint 'http://h:99999' needs a host"),
        Arguments.of("route53:Z1?endpoint=http://h:x", "endpoint 'http://h:x' needs a host"),
        Arguments.of("route53:Z1?endpoint=https:///p", "endpoint 'https:///p' needs a host"),
        Arguments.of("route53:Z1?timeout=1m", "timeout must be a number of seconds"),
        Arguments.of("route53:Z1?timeout=0", "timeout must be a number of seconds"),
        Arguments.of("route53:Z1?attempt-timeout=x", "attempt-timeout must be a number of seconds"),
        Arguments.of("route53:Z1?timeout=5&attempt-timeout=10", "attempt-timeout (10 s) is longer"),
        Arguments.of("route53:Z1?retries=-1", "retries must be a whole number from 0 to 20"),
        Arguments.of("route53:Z1?retries=99999999999", "retries must be a whole number"),
        Arguments.of("route53:Z1?wait=yes", "wait must be true or false"),
        Arguments.of("route53:Z1?region=us-east-1", "unknown parameter 'region'"));
  }

  @ParameterizedTest
  @MethodSource("malformedTargets")
  void fromUri_malformed_isAConfigurationErrorNamingWhatIsWrong(String uri, String message) {
    assertThatThrownBy(() -> Publishers.fromUri(uri, dir, Map.of()).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ConfigException) e).exitCode()).isEqualTo(ExitCode.CONFIG));
  }
}
