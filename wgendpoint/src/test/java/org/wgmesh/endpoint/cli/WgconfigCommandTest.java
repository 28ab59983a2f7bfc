package org.wgmesh.endpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.Enrolment;
import org.wgmesh.endpoint.config.TestMesh;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * wgconfig in-process, reading a mesh published by the real planner into an in-memory DNS source.
 */
class WgconfigCommandTest {
  static final String D = TestMesh.DOMAIN;
  static final DomainName DN = DomainName.parse(D, "test");
  @TempDir Path dir;
  TestMesh mesh;

  record Run(int rc, String out, String err) {}

  Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(new byte[0]), out, err, false);
    int rc =
        Cli.run(
            i ->
                new WgconfigCommand(
                    i,
                    env,
                    (reporter, options) -> new Enrolment(reporter, o -> mesh.dns).enrol(options)),
            io,
            args);
    return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Run run(String... args) {
    // --root keeps the replay-protection file wgconfig writes below the test's directory.
    String[] all = new String[args.length + 4];
    all[0] = "--config-dir";
    all[1] = dir.toString();
    all[2] = "--root";
    all[3] = dir.resolve("root").toString();
    System.arraycopy(args, 0, all, 4, args.length);
    return run(Map.of(), all);
  }

  Path file() {
    return EndpointPaths.path(dir, DN);
  }

  EndpointConfig stored() {
    return EndpointFile.load(file(), DN);
  }

  @BeforeEach
  void site() {
    mesh = new TestMesh().publishEmpty();
  }

  @Test
  void firstRun_withoutFingerprint_pinsOnFirstUseLoudly() {
    Run r =
        run(
            "-i",
            "eth0",
            "-T",
            "eth1",
            "-I",
            "198.18.1.1/24",
            "-I",
            "fd00:1::1/64",
            "--public-address",
            "203.0.113.1",
            D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("created " + file());
    assertThat(r.err())
        .contains("PINNED ON FIRST USE")
        .contains(mesh.site.fingerprint())
        .contains("--site-fingerprint");
    EndpointConfig c = stored();
    assertThat(c.siteSigningKey()).isEqualTo(mesh.site.signing().publicKey());
    assertThat(c.siteBoxKey()).isEqualTo(mesh.site.box().publicKey());
    assertThat(c.locus()).isEqualTo("lab");
    assertThat(c.publicInterface().map(Object::toString)).contains("eth0");
    assertThat(c.trustAddresses()).hasSize(2);
    assertThat(c.effectiveLanPrefixes())
        .containsExactly(IpPrefix.parse("198.18.1.0/24", "t"), IpPrefix.parse("fd00:1::/64", "t"));
    assertThat(c.hostKey()).isEqualTo(dir.resolve(D + ".key"));
  }

  @Test
  void firstRun_withMatchingFingerprint_pinsWithoutWarning() {
    Run r = run("--site-fingerprint", mesh.site.fingerprint(), D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("PINNED ON FIRST USE").doesNotContain("warning");
    assertThat(stored().siteFingerprint()).isEqualTo(mesh.site.fingerprint());
  }

  @Test
  void firstRun_withWrongFingerprint_isRefusedAndWritesNothing() {
    String other = SiteKeys.generate().fingerprint();
    Run r = run("--site-fingerprint", other, D);
    assertThat(r.rc()).isEqualTo(ExitCode.RECORD.code());
    assertThat(r.err())
        .contains("error: " + D)
        .contains(mesh.site.fingerprint())
        .contains(other)
        .contains("hint:");
    assertThat(file()).doesNotExist();
  }

  @Test
  void malformedFingerprint_isABadOptionValue() {
    Run r = run("--site-fingerprint", "MD5:abc", D);
    assertThat(r.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(r.err()).contains("SHA256:");
  }

  @Test
  void rerun_sameOptions_writesNothing_changedOption_printsTheChange() throws Exception {
    assertThat(run("-i", "eth0", "-T", "eth1", D).rc()).isZero();
    String before = Files.readString(file());
    Files.setLastModifiedTime(file(), java.nio.file.attribute.FileTime.fromMillis(0));

    Run same = run("-i", "eth0", D);
    assertThat(same.rc()).isZero();
    assertThat(same.err()).contains("nothing changed").doesNotContain("PINNED");
    assertThat(same.out()).isEmpty();
    assertThat(Files.getLastModifiedTime(file()).toMillis()).isZero();

    Run changed = run("-i", "eth2", "--public-address", "203.0.113.9", "--netns", "mesh0", D);
    assertThat(changed.rc()).as(changed.err()).isZero();
    assertThat(changed.out())
        .contains("updated")
        .contains("public-interface: eth0 -> eth2")
        .contains("public-addresses: [] -> [203.0.113.9]")
        .contains("netns: (unset) -> mesh0");
    assertThat(Files.readString(file())).isNotEqualTo(before);
    assertThat(stored().trustInterface().map(Object::toString)).as("kept").contains("eth1");

    Run cleared = run("--public-address", "", D);
    assertThat(cleared.out()).contains("public-addresses: [203.0.113.9] -> []");
  }

  @Test
  void laterRun_recordSignedByAnotherSiteKey_isRefusedWithHint() throws Exception {
    assertThat(run(D).rc()).isZero();
    String before = Files.readString(file());
    TestMesh impostor = new TestMesh().publishEmpty();
    mesh.dns.put(impostor.meshRecord());
    Run r = run("-i", "eth9", D);
    assertThat(r.rc()).isEqualTo(ExitCode.RECORD.code());
    assertThat(r.err())
        .contains("signed by site key " + impostor.site.fingerprint())
        .contains("not by the pinned site key " + mesh.site.fingerprint())
        .contains("hint: nothing was changed")
        .contains("--site-fingerprint");
    assertThat(Files.readString(file())).isEqualTo(before);
  }

  @Test
  void laterRun_newKeyConfirmedByFingerprint_repins() {
    assertThat(run(D).rc()).isZero();
    TestMesh rotated = new TestMesh().publishEmpty();
    mesh.dns.put(rotated.meshRecord());
    Run r = run("--site-fingerprint", rotated.site.fingerprint(), D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("replaced").contains(rotated.site.fingerprint());
    assertThat(r.out())
        .contains(
            "site.fingerprint: " + mesh.site.fingerprint() + " -> " + rotated.site.fingerprint());
    assertThat(stored().siteSigningKey()).isEqualTo(rotated.site.signing().publicKey());
  }

  @Test
  void tamperedMeshRecord_isRefused() {
    mesh.dns.put(TestMesh.tampered(mesh.meshRecord()));
    Run r = run(D);
    assertThat(r.rc()).isEqualTo(ExitCode.RECORD.code());
    assertThat(file()).doesNotExist();
  }

  @Test
  void noMeshRecord_isARecordErrorWithHint() {
    mesh.dns.remove(D);
    Run r = run(D);
    assertThat(r.rc()).isEqualTo(ExitCode.RECORD.code());
    assertThat(r.err()).contains("no mesh record").contains("wgpub");
  }

  @Test
  void dnsDown_isADnsError() {
    mesh.dns.failWith(
        D, new DnsException("TXT " + D, "no answer within 5 s (timeout)", "check the server"));
    Run r = run(D);
    assertThat(r.rc()).isEqualTo(ExitCode.DNS.code());
    assertThat(r.err()).contains("timeout");
    assertThat(file()).doesNotExist();
  }

  @Test
  void badAddressOption_isRefusedBeforeAnythingIsWritten() {
    Run r = run("-I", "198.18.1.1", D);
    assertThat(r.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(r.err()).contains("-I/--trust-address");
    assertThat(file()).doesNotExist();
  }

  @Test
  void badInterfaceOrNamespaceOption_isABadOptionValue_exit4() {
    Object[][] cases = {
      {new String[] {"-i", "eth0/x"}, "-i/--public-interface"},
      {new String[] {"-T", "a-name-that-is-far-too-long"}, "-T/--trust-interface"},
      {new String[] {"--netns", "bad/ns"}, "--netns"},
      {new String[] {"--allow-ssh-from-net", "maybe"}, "--allow-ssh-from-net"},
      {new String[] {"--mtu", "100"}, "--mtu: 100 is out of range 1280..9000"},
      {new String[] {"--mtu", "auto"}, "--mtu: 'auto' is not a whole number"},
      {new String[] {"--keepalive", "x"}, "--keepalive: 'x' is not a whole number"},
      {new String[] {"--bfd", "turbo"}, "--bfd: 'turbo' is not one of normal, fast"},
      {new String[] {"--router-on-mesh", "maybe"}, "--router-on-mesh"},
      {new String[] {"--report-url", "http://192.0.2.10:8443"}, "--report-url 'http://"},
      {new String[] {"--report-url", "https://192.0.2.10/v1/x"}, "has a path"},
    };
    for (Object[] c : cases) {
      String[] opts = (String[]) c[0];
      String[] args = java.util.Arrays.copyOf(opts, opts.length + 1);
      args[opts.length] = D;
      Run r = run(args);
      assertThat(r.rc()).as("%s: %s", c[1], r.err()).isEqualTo(ExitCode.INPUT.code());
      assertThat(r.err()).as("%s", c[1]).contains((String) c[1]);
      assertThat(file()).doesNotExist();
    }
  }

  @Test
  void zoneFile_enrolsOfflineFromTheFragmentWgpubWrites() throws Exception {
    Path zone = dir.resolve("mesh.zone");
    new org.wgmesh.site.publish.zonefile.ZoneFilePublisher(zone)
        .upsert(java.util.List.of(mesh.meshRecord()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(new byte[0]), out, err, false);
    int rc =
        Cli.run(
            WgconfigCommand::new,
            io,
            "--config-dir",
            dir.toString(),
            "--root",
            dir.resolve("root").toString(),
            "--zone-file",
            zone.toString(),
            "--site-fingerprint",
            mesh.site.fingerprint(),
            D);
    assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(stored().zoneFile()).contains(zone.toAbsolutePath());
    assertThat(stored().resolver()).isEmpty();
  }

  @Test
  void lanPrefixOutsideTheMeshsAllowedPrefixes_isWarnedAbout() {
    Run r = run("-I", "192.0.2.1/24", D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err())
        .contains(
            "warning: LAN prefix 192.0.2.0/24 is outside the mesh's allowed LAN prefixes (198.18.0.0/15, fd00::/8)");
    Run fixed = run("--lan-prefix", "198.19.7.0/24", D);
    assertThat(fixed.err()).doesNotContain("outside");
  }

  @Test
  void configDir_fromEnvironment() {
    Run r =
        run(
            Map.of("WGMESH_CONFIG_DIR", dir.resolve("env").toString()),
            "--root",
            dir.resolve("root").toString(),
            D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(EndpointPaths.path(dir.resolve("env"), DN)).exists();
  }

  @Test
  void templateDir_setCheckedAndClearedWithEmptyValue() throws Exception {
    assertThat(run(D).rc()).isZero();
    Path templates = Files.createDirectories(dir.resolve("templates"));

    Run missing = run("--template-dir", dir.resolve("nowhere").toString(), D);
    assertThat(missing.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(missing.err()).contains("is not a directory").contains("hint:");
    assertThat(stored().templateDir()).isEmpty();

    Run set = run("--template-dir", templates.toString(), D);
    assertThat(set.rc()).as(set.err()).isZero();
    assertThat(set.out()).contains("template-dir: (unset) -> " + templates);
    assertThat(stored().templateDir()).contains(templates);

    Run cleared = run("--template-dir", "", D);
    assertThat(cleared.out()).contains("template-dir: " + templates + " -> (unset)");
    assertThat(stored().templateDir()).isEmpty();
  }

  @Test
  void allowSshFromNet_defaultTrue_setFalse_otherValuesRefused() {
    assertThat(run(D).rc()).isZero();
    assertThat(stored().allowSshFromNet()).isTrue();

    Run off = run("--allow-ssh-from-net", "false", D);
    assertThat(off.rc()).as(off.err()).isZero();
    assertThat(off.out()).contains("allow-ssh-from-net: true -> false");
    assertThat(stored().allowSshFromNet()).isFalse();

    assertThat(run("--allow-ssh-from-net", "maybe", D).rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(stored().allowSshFromNet()).isFalse();
  }

  @Test
  void tuning_setShownAndBackToTheSite() {
    assertThat(run(D).rc()).isZero();
    assertThat(stored().tuning()).isEqualTo(org.wgmesh.endpoint.settings.EndpointTuning.DEFAULT);
    Run set =
        run("--mtu", "1380", "--keepalive", "10", "--bfd", "fast", "--router-on-mesh", "false", D);
    assertThat(set.rc()).as(set.err()).isZero();
    assertThat(set.out())
        .contains(
            "mtu: (unset) -> 1380",
            "keepalive: (unset) -> 10",
            "bfd: (unset) -> fast",
            "router-on-mesh: (unset) -> false");
    assertThat(stored().tuning().mtu()).hasValue(1380);
    assertThat(stored().tuning().keepalive()).hasValue(10);
    assertThat(stored().tuning().bfd()).hasValue(org.wgmesh.core.model.BfdProfile.FAST);
    assertThat(stored().tuning().routerOnMesh()).isFalse();
    Run back =
        run("--mtu", "site", "--keepalive", "site", "--bfd", "site", "--router-on-mesh", "true", D);
    assertThat(back.rc()).as(back.err()).isZero();
    assertThat(stored().tuning()).isEqualTo(org.wgmesh.endpoint.settings.EndpointTuning.DEFAULT);
  }

  @Test
  void reportSettings_setShownAndCleared() {
    assertThat(run(D).rc()).isZero();
    Run set =
        run(
            "--report-url",
            "https://192.0.2.10:8443",
            "--report-ca",
            "/etc/wgmesh/site-ca.pem",
            "--report-credential",
            "/etc/wgmesh/mesh.report",
            D);
    assertThat(set.rc()).as(set.err()).isZero();
    assertThat(set.out()).contains("report-url: (unset) -> https://192.0.2.10:8443");
    assertThat(stored().reportUrl()).hasValue("https://192.0.2.10:8443");
    assertThat(stored().reportCa()).hasValue(Path.of("/etc/wgmesh/site-ca.pem"));
    assertThat(stored().reportCredential()).hasValue(Path.of("/etc/wgmesh/mesh.report"));
    Run half = run("--report-cert", "/etc/wgmesh/dev.pem", D);
    assertThat(half.rc()).isNotZero();
    assertThat(half.err()).contains("report-cert and report-key go together");
    Run cleared = run("--report-url", "", "--report-ca", "", "--report-credential", "", D);
    assertThat(cleared.rc()).as(cleared.err()).isZero();
    assertThat(stored().reportUrl()).isEmpty();
    assertThat(stored().reportCa()).isEmpty();
    assertThat(stored().reportCredential()).isEmpty();
  }
}
