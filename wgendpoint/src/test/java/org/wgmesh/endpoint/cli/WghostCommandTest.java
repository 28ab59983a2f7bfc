package org.wgmesh.endpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.crypto.KeyFiles;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.EnrolOptions;
import org.wgmesh.endpoint.config.Enrolment;
import org.wgmesh.endpoint.config.HostRegistration;
import org.wgmesh.endpoint.config.TestMesh;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.InterfaceName;

class WghostCommandTest {
  static final String D = TestMesh.DOMAIN;
  static final DomainName DN = DomainName.parse(D, "test");
  @TempDir Path dir;
  TestMesh mesh;
  String systemHostname = "Router-7";

  record Run(int rc, String out, String err) {}

  Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(new byte[0]), out, err, false);
    int rc =
        Cli.run(
            i ->
                new WghostCommand(
                    i,
                    Map.of(),
                    reporter ->
                        new HostRegistration(
                            reporter,
                            Clock.fixed(Instant.parse("2026-11-22T08:00:00Z"), ZoneOffset.UTC),
                            () -> systemHostname)),
            io,
            args);
    return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void enrol() {
    mesh = new TestMesh().publishEmpty();
    new Enrolment(org.wgmesh.core.cli.Reporter.silent(), o -> mesh.dns)
        .enrol(
            EnrolOptions.of(DN, dir)
                .with(b -> b.roots = org.wgmesh.endpoint.settings.Roots.under(dir.resolve("root")))
                .with(
                    b ->
                        b.publicInterface = java.util.Optional.of(InterfaceName.parse("eth0", "t")))
                .with(
                    b -> b.trustInterface = java.util.Optional.of(InterfaceName.parse("eth1", "t")))
                .with(
                    b -> b.trustAddresses = List.of(IpPrefix.parseInterface("198.18.7.1/24", "t")))
                .with(b -> b.publicAddresses = List.of(IpAddress.parse("203.0.113.7", "t"))));
  }

  Path keyFile() {
    return dir.resolve(D + ".key");
  }

  @Test
  void firstRun_createsKey0600_andPrintsOnlyTheBlob_whichTheSiteOpens() throws Exception {
    Run r = run("--config-dir", dir.toString(), D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(keyFile()).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())))
        .isEqualTo("rw-------");
    assertThat(r.out().lines().toList()).hasSize(1);
    String blob = r.out().strip();
    assertThat(blob).matches("[A-Za-z0-9_-]+");
    assertThat(r.err())
        .contains("created host key")
        .contains("router-7")
        .contains("198.18.7.0/24")
        .doesNotContain(blob);

    Registration reg = RegistrationBlob.open(blob, mesh.site.box(), D);
    EndpointConfig c = EndpointFile.load(EndpointPaths.path(dir, DN), DN);
    X25519PrivateKey key = X25519PrivateKey.parse(KeyFiles.readSecret(keyFile()), "k");
    assertThat(reg.publicKey()).isEqualTo(key.publicKey());
    assertThat(reg.uuid()).isEqualTo(c.uuid());
    assertThat(reg.hostname()).isEqualTo("router-7");
    assertThat(reg.endpoints()).containsExactly(IpAddress.parse("203.0.113.7", "t"));
    assertThat(reg.lanPrefixes()).containsExactly(IpPrefix.parse("198.18.7.0/24", "t"));
    assertThat(r.err()).doesNotContain(key.toBase64());
  }

  @Test
  void sharedLan_addressesAndTrust_goIntoTheBlob() throws Exception {
    Run r =
        run(
            "--config-dir",
            dir.toString(),
            "--shared-lan",
            "192.168.77.7/24",
            "--shared-lan",
            "trust",
            D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("shared LAN:   192.168.77.7/24, 198.18.7.1/24");
    Registration reg = RegistrationBlob.open(r.out().strip(), mesh.site.box(), D);
    assertThat(reg.sharedLans()).hasToString("[192.168.77.7/24, 198.18.7.1/24]");
    Run bad = run("--config-dir", dir.toString(), "--shared-lan", "192.168.77.0/24", D);
    assertThat(bad.rc()).isNotZero();
    assertThat(bad.err()).contains("--shared-lan").contains("is a network");
  }

  @Test
  void secondRun_keepsTheKey() throws Exception {
    Run first = run("--config-dir", dir.toString(), D);
    String keyText = Files.readString(keyFile());
    Run second = run("--config-dir", dir.toString(), D);
    assertThat(second.rc()).isZero();
    assertThat(second.err()).doesNotContain("created host key");
    assertThat(Files.readString(keyFile())).isEqualTo(keyText);
    assertThat(RegistrationBlob.open(second.out().strip(), mesh.site.box(), D).publicKey())
        .isEqualTo(RegistrationBlob.open(first.out().strip(), mesh.site.box(), D).publicKey());
  }

  @Test
  void keyReadableByOthers_isRefused() throws Exception {
    run("--config-dir", dir.toString(), D);
    Files.setPosixFilePermissions(keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
    Run r = run("--config-dir", dir.toString(), D);
    assertThat(r.rc()).isEqualTo(ExitCode.IO.code());
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("chmod 600");
  }

  @Test
  void notEnrolled_saysToRunWgconfig() {
    Run r = run("--config-dir", dir.resolve("empty").toString(), D);
    assertThat(r.rc()).isEqualTo(ExitCode.IO.code());
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("hint: enrol this host first: wgconfig");
  }

  @Test
  void unusableSystemHostname_asksForOne() {
    systemHostname = "under_score";
    Run r = run("--config-dir", dir.toString(), D);
    assertThat(r.rc()).isEqualTo(ExitCode.CONFIG.code());
    assertThat(r.err()).contains("wgconfig --hostname");
  }

  @Test
  void rotateKey_makesTheNextKey_printsABlobEndorsedByTheCurrentOne_andKeepsTheCurrentKey()
      throws Exception {
    assertThat(run("--config-dir", dir.toString(), D).rc()).isZero();
    String current = Files.readString(keyFile());
    Run r = run("--config-dir", dir.toString(), "--rotate-key", D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).hasSize(1);
    Path next = dir.resolve(D + ".key.next");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(next)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(keyFile())).isEqualTo(current);
    var opened = org.wgmesh.core.registration.KeyRotation.open(r.out().strip(), mesh.site.box(), D);
    assertThat(RegistrationBlob.open(opened.registrationBlob(), mesh.site.box(), D).publicKey())
        .isEqualTo(opened.newKey());
    // Again: the same next key.
    Run again = run("--config-dir", dir.toString(), "--rotate-key", D);
    assertThat(
            org.wgmesh.core.registration.KeyRotation.open(again.out().strip(), mesh.site.box(), D)
                .newKey())
        .isEqualTo(opened.newKey());
  }

  Path hpkeFile() {
    return dir.resolve(D + ".hpke.key");
  }

  @Test
  void firstRun_createsASeparateHpkeKey0600_whoseOnlyPublicHalfIsInTheBlob() throws Exception {
    Run r = run("--config-dir", dir.toString(), D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hpkeFile())))
        .isEqualTo("rw-------");
    X25519PrivateKey hpke = X25519PrivateKey.parse(KeyFiles.readSecret(hpkeFile()), "k");
    X25519PrivateKey key = X25519PrivateKey.parse(KeyFiles.readSecret(keyFile()), "k");
    Registration reg = RegistrationBlob.open(r.out().strip(), mesh.site.box(), D);
    assertThat(reg.hpkePublic()).contains(hpke.publicKey()).isNotEqualTo(key.publicKey());
    assertThat(r.err())
        .contains("created HPKE key")
        .contains(hpke.publicKey().fingerprint())
        .doesNotContain(hpke.toBase64());
    assertThat(r.out()).doesNotContain(hpke.toBase64());
    // Again: the same HPKE key, not created again.
    Run again = run("--config-dir", dir.toString(), D);
    assertThat(again.err()).doesNotContain("created HPKE key");
    assertThat(RegistrationBlob.open(again.out().strip(), mesh.site.box(), D).hpkePublic())
        .contains(hpke.publicKey());
  }

  @Test
  void rotateKey_hostRegisteredBeforeItHadAnHpkeKey_getsOne_andTheRotationCarriesIt()
      throws Exception {
    // A host from before: its WireGuard key only.
    KeyFiles.createSecret(keyFile(), X25519PrivateKey.generate().toBase64());
    assertThat(hpkeFile()).doesNotExist();
    Run r = run("--config-dir", dir.toString(), "--rotate-key", D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("created HPKE key");
    X25519PrivateKey hpke = X25519PrivateKey.parse(KeyFiles.readSecret(hpkeFile()), "k");
    var opened = org.wgmesh.core.registration.KeyRotation.open(r.out().strip(), mesh.site.box(), D);
    Registration reg = RegistrationBlob.open(opened.registrationBlob(), mesh.site.box(), D);
    assertThat(reg.hpkePublic()).contains(hpke.publicKey());
    assertThat(r.err()).doesNotContain(hpke.toBase64());
  }
}
