package org.wgmesh.site.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConfigException;

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
}
