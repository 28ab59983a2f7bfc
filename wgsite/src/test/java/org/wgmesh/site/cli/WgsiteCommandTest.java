package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.site.SiteKeyStore;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;

class WgsiteCommandTest {
  static final String DOMAIN = "mesh.example.com";

  @TempDir Path dir;
  Path yaml;

  Result run(String stdin, boolean interactive, String... args) {
    return CliRun.run(WgsiteCommand::new, stdin, interactive, args);
  }

  Result run(String... args) {
    return run("", false, args);
  }

  @BeforeEach
  void setUp() {
    yaml = dir.resolve("wgmesh.yaml");
  }

  void create() {
    Result r =
        run(
            "--domain",
            DOMAIN,
            "--locus",
            "mesh1",
            "--tunnel-prefix",
            "fd12:3456:789a::/48",
            yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
  }

  record HostKey(X25519PrivateKey key, UUID uuid, String name) {}

  HostKey newHost(String name) {
    return new HostKey(X25519PrivateKey.generate(), UUID.randomUUID(), name);
  }

  String blob(HostKey h, String... lans) {
    return blob(h, h.key(), DOMAIN, lans);
  }

  String blob(HostKey h, X25519PrivateKey key, String domain, String... lans) {
    Site site = SiteFile.load(yaml);
    Registration r =
        Registration.builder()
            .uuid(h.uuid())
            .hostname(h.name())
            .publicKey(key.publicKey())
            .endpoints(
                List.of(IpAddress.parse("198.51.100.9", "t"), IpAddress.parse("2001:db8::9", "t")))
            .lanPrefixes(java.util.Arrays.stream(lans).map(l -> IpPrefix.parse(l, "t")).toList())
            .created(Instant.parse("2026-11-22T08:00:00Z"))
            .build();
    return RegistrationBlob.seal(r, key, site.keys().box().publicKey(), domain);
  }

  /** {@code blobs.txt} in the test directory, one line each (for {@code wgsite -i @FILE}). */
  Path blobFile(String... lines) throws Exception {
    return Files.writeString(dir.resolve("blobs.txt"), String.join("\n", lines) + "\n");
  }

  byte[] bytes() throws Exception {
    return Files.readAllBytes(yaml);
  }

  @Test
  void create_newFile_writesDefaultsKeysAndReport() throws Exception {
    Result r = run("--domain", DOMAIN, "--locus", "mesh1", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    Site site = SiteFile.load(yaml);
    assertThat(site.settings().tunnelPrefix().toString())
        .matches("fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/48");
    assertThat(site.settings().portbase()).isEqualTo(51000);
    assertThat(site.asnRange().toString()).isEqualTo("64512:65534");
    assertThat(site.publishTarget())
        .isEqualTo("zonefile:" + dir.toAbsolutePath().resolve(DOMAIN + ".zone"));
    assertThat(r.out())
        .contains("fingerprint:     " + site.keys().fingerprint())
        .matches("(?s).*SHA256:[A-Za-z0-9+/]{43}.*");
    assertThat(r.err()).contains("created");
    for (Path k : List.of(dir.resolve("wgmesh.sign.key"), dir.resolve("wgmesh.box.key"))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(k)))
          .isEqualTo("rw-------");
    }
    // Created under the site file's lock, which stays (empty, owner only) for later runs.
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("wgmesh.yaml.lock"))))
        .isEqualTo("rw-------");
  }

  @Test
  void create_explicitOptions_areStored() {
    Result r =
        run(
            "--domain",
            DOMAIN,
            "--locus",
            "mesh1",
            "--asn-range",
            "64512:64999",
            "--tunnel-prefix",
            "fd00:1:2::/48",
            "--portbase",
            "40000",
            "--publish",
            "rfc2136://127.0.0.1:53",
            yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    Site site = SiteFile.load(yaml);
    assertThat(site.asnRange().toString()).isEqualTo("64512:64999");
    assertThat(site.settings().tunnelPrefix().toString()).isEqualTo("fd00:1:2::/48");
    assertThat(site.settings().portbase()).isEqualTo(40000);
    assertThat(site.publishTarget()).isEqualTo("rfc2136://127.0.0.1:53");
  }

  @Test
  void create_badTunnelPrefix_createsNothing() {
    Result r =
        run(
            "--domain",
            DOMAIN,
            "--locus",
            "mesh1",
            "--tunnel-prefix",
            "fd00::/64",
            yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(r.err()).startsWith("error: --tunnel-prefix: must be an IPv6 /48");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void run_missingFileWithoutDomain_isUsageErrorWithHint() {
    Result r = run(yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err())
        .contains("error: " + yaml + ": the site file does not exist")
        .contains("hint: to create a site, give --domain and --locus");
  }

  @Test
  void run_existingFile_validatesWithoutChangingIt() throws Exception {
    create();
    byte[] before = bytes();
    Result r = run(yaml.toString());
    assertThat(r.rc()).isZero();
    assertThat(r.out()).contains("status:          valid").contains("site:            " + DOMAIN);
    assertThat(bytes()).isEqualTo(before);
    Result again = run("--domain", DOMAIN, "--locus", "mesh1", yaml.toString());
    assertThat(again.rc()).isZero();
    Result differs = run("--domain", "other.example.com", "--locus", "mesh1", yaml.toString());
    assertThat(differs.rc()).isEqualTo(ExitCode.CONFLICT.code());
    assertThat(differs.err()).contains("--domain other.example.com (file: mesh.example.com)");
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void linkSettings_setShownAndBackToDefaults_andBadValuesChangeNothing() throws Exception {
    create();
    byte[] before = bytes();
    assertThat(run(yaml.toString()).out())
        .contains(
            "links:           mtu auto (1420 over IPv4, 1400 over IPv6), keepalive 25 s, bfd normal");
    Result set =
        run("--mtu", "1380", "--keepalive", "15", "--bfd", "fast", "--yes", yaml.toString());
    assertThat(set.rc()).as(set.err()).isZero();
    assertThat(set.out()).contains("links:           mtu 1380, keepalive 15 s, bfd fast");
    assertThat(Files.readString(yaml)).contains("mtu: 1380\nkeepalive: 15\nbfd: fast\n");
    for (String[] bad :
        new String[][] {
          {"--mtu", "1000", "--mtu: 1000 is out of range 1280..9000"},
          {"--mtu", "x", "--mtu: 'x' is not a whole number"},
          {"--keepalive", "-1", "--keepalive: '-1' is not a whole number"},
          {"--bfd", "slow", "--bfd: 'slow' is not one of normal, fast"}
        }) {
      byte[] now = bytes();
      Result r = run(bad[0], bad[1], "--yes", yaml.toString());
      assertThat(r.rc()).as(bad[1]).isEqualTo(ExitCode.INPUT.code());
      assertThat(r.err()).contains("error: " + bad[2]);
      assertThat(bytes()).isEqualTo(now);
    }
    assertThat(run("--mtu", "1380", "--list", yaml.toString()).rc())
        .isEqualTo(ExitCode.USAGE.code());
    Result back =
        run("--mtu", "auto", "--keepalive", "25", "--bfd", "normal", "--yes", yaml.toString());
    assertThat(back.rc()).isZero();
    // The defaults again: the file as created (apart from the backup).
    assertThat(bytes()).isEqualTo(before);
  }

  /** The lab creates its site with a BFD profile: the settings come with the creation. */
  @Test
  void create_withLinkSettings_storesThemWithoutAQuestion() throws Exception {
    Result r =
        run(
            "--domain",
            DOMAIN,
            "--locus",
            "mesh1",
            "--bfd",
            "fast",
            "--mtu",
            "1380",
            yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("links:           mtu 1380, keepalive 25 s, bfd fast");
    assertThat(Files.readString(yaml)).contains("mtu: 1380\nbfd: fast\n");
    // The same again changes nothing; another value on the existing file needs a yes.
    assertThat(run("--domain", DOMAIN, "--locus", "mesh1", "--bfd", "fast", yaml.toString()).rc())
        .isZero();
    byte[] before = bytes();
    Result ask = run("--domain", DOMAIN, "--locus", "mesh1", "--bfd", "normal", yaml.toString());
    assertThat(ask.rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void run_invalidFile_namesLineAndKeepsFile() throws Exception {
    create();
    Files.writeString(
        yaml, Files.readString(yaml).replace("locus: mesh1", "locus: mesh1\ncolour: blue"));
    byte[] before = bytes();
    Result r = run(yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.CONFIG.code());
    assertThat(r.err())
        .contains("error: " + yaml + ": Property 'colour' at line 6: unknown key")
        .contains("hint: allowed here:");
    assertThat(r.out()).isEmpty();
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void import_withYes_admitsHostWithFirstNumberAsnAndPort() throws Exception {
    create();
    HostKey h = newHost("router1");
    Result r = run("-i", blob(h, "10.1.0.0/24"), "--yes", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("host:       router1 (new host)")
        .contains("uuid:       " + h.uuid())
        .contains("key:        " + h.key().publicKey().fingerprint())
        .contains("endpoints:  198.51.100.9, 2001:db8::9")
        .contains("LANs:       10.1.0.0/24")
        .contains("number:     1 (port 51001, AS 64512)");
    HostEntry e = SiteFile.load(yaml).hosts().get(0);
    assertThat(e.uuid()).isEqualTo(h.uuid());
    assertThat(e.number()).isEqualTo(1);
    assertThat(e.asn()).isEqualTo(64512);
    assertThat(dir.resolve("wgmesh.yaml.bak")).exists();
  }

  @Test
  void import_sharedLansAndNatHost_intoAHubAndSpokeSite() throws Exception {
    create();
    HostKey hub = newHost("hub1");
    assertThat(run("-i", blob(hub), "--yes", yaml.toString()).rc()).isZero();
    Files.writeString(
        yaml,
        Files.readString(yaml)
            .replace(
                "topology: full-mesh\n", "topology:\n  policy: hub-and-spoke\n  hubs: [hub1]\n"));
    HostKey spoke = newHost("spoke1");
    Site site = SiteFile.load(yaml);
    Registration r =
        Registration.builder()
            .uuid(spoke.uuid())
            .hostname(spoke.name())
            .publicKey(spoke.key().publicKey())
            .endpoints(List.of())
            .lanPrefixes(List.of())
            .created(Instant.parse("2026-11-22T08:00:00Z"))
            .sharedLans(List.of(IpPrefix.parseInterface("192.168.77.2/24", "t")))
            .build();
    String b = RegistrationBlob.seal(r, spoke.key(), site.keys().box().publicKey(), DOMAIN);
    Result res = run("-i", b, "--yes", yaml.toString());
    assertThat(res.rc()).as(res.err()).isZero();
    assertThat(res.err()).contains("shared LAN: 192.168.77.2/24");
    String text = Files.readString(yaml);
    assertThat(text)
        .contains("topology:\n  policy: hub-and-spoke\n  hubs:\n  - hub1\n")
        .contains("  shared-lans:\n  - 192.168.77.2/24\n");
    assertThat(SiteFile.load(yaml).hosts().get(1).sharedLans()).hasSize(1);
    Result report = run(yaml.toString());
    assertThat(report.rc()).as(report.err()).isZero();
    assertThat(report.out() + report.err())
        .contains("topology:        hub-and-spoke, hubs hub1 (1), every spoke to every hub");
  }

  @Test
  void import_promptAnsweredYes_admits() {
    create();
    Result r = run("y\n", true, "-i", blob(newHost("router1")), yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("Admit 1 host into mesh.example.com? [y/N]");
    assertThat(SiteFile.load(yaml).hosts()).hasSize(1);
  }

  @Test
  void import_promptAnsweredNo_isDeclinedAndChangesNothing() throws Exception {
    create();
    byte[] before = bytes();
    Result r = run("n\n", true, "-i", blob(newHost("router1")), yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.DECLINED.code());
    assertThat(r.err()).contains("not confirmed; nothing changed");
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void import_noTerminalNoYes_refusesWithHint() throws Exception {
    create();
    byte[] before = bytes();
    Result r = run("y\n", false, "-i", blob(newHost("router1")), yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err())
        .contains("error: confirmation: no terminal to ask on and --yes not given")
        .contains("hint: check the details above, then run again with --yes");
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void import_sameUuidSameKey_changesNothingAndSaysSo() throws Exception {
    create();
    HostKey h = newHost("router1");
    String b = blob(h);
    assertThat(run("-i", b, "--yes", yaml.toString()).rc()).isZero();
    byte[] before = bytes();
    Result r = run("-i", b, yaml.toString());
    assertThat(r.rc()).isZero();
    assertThat(r.err())
        .contains("already admitted with the same key and details")
        .contains("nothing changed");
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void import_sameUuidOtherKey_isConflictUnlessReplace() throws Exception {
    create();
    HostKey h = newHost("router1");
    run("-i", blob(h, "10.1.0.0/24"), "--yes", yaml.toString());
    run("-i", blob(newHost("router2")), "--yes", yaml.toString());
    X25519PrivateKey rotated = X25519PrivateKey.generate();
    String b = blob(h, rotated, DOMAIN, "10.1.0.0/24");
    byte[] before = bytes();
    Result r = run("-i", b, "--yes", yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.CONFLICT.code());
    assertThat(r.err())
        .contains("already admitted with key")
        .contains("hint: if the host's key was changed on purpose, run again with --replace");
    assertThat(bytes()).isEqualTo(before);

    Result ok = run("-i", b, "--yes", "--replace", yaml.toString());
    assertThat(ok.rc()).as(ok.err()).isZero();
    HostEntry e = SiteFile.load(yaml).host(h.uuid()).orElseThrow();
    assertThat(e.publicKey()).isEqualTo(rotated.publicKey());
    assertThat(e.number()).isEqualTo(1);
    assertThat(e.asn()).isEqualTo(64512);
  }

  @Test
  void import_sameKeyNewDetails_needsReplaceToUpdate() throws Exception {
    create();
    HostKey h = newHost("router1");
    run("-i", blob(h, "10.1.0.0/24"), "--yes", yaml.toString());
    byte[] before = bytes();
    String moved = blob(h, "10.1.0.0/24", "10.9.0.0/24");
    Result r = run("-i", moved, yaml.toString());
    assertThat(r.rc()).isZero();
    assertThat(r.err())
        .contains("its hostname, addresses or HPKE key differ (use --replace to update them)")
        .contains("nothing changed");
    assertThat(bytes()).isEqualTo(before);
    Result u = run("-i", moved, "--replace", "--yes", yaml.toString());
    assertThat(u.rc()).as(u.err()).isZero();
    assertThat(u.err()).contains("(updates host number 1)");
    HostEntry e = SiteFile.load(yaml).host(h.uuid()).orElseThrow();
    assertThat(e.lanPrefixes()).hasSize(2);
    assertThat(e.number()).isEqualTo(1);
  }

  @Test
  void import_unreachableEndpoint_isRefused() throws Exception {
    create();
    byte[] before = bytes();
    HostKey h = newHost("router1");
    Site site = SiteFile.load(yaml);
    Registration r =
        Registration.builder()
            .uuid(h.uuid())
            .hostname(h.name())
            .publicKey(h.key().publicKey())
            .endpoints(List.of(IpAddress.parse("127.0.0.1", "t")))
            .lanPrefixes(List.of())
            .created(Instant.now())
            .build();
    String b = RegistrationBlob.seal(r, h.key(), site.keys().box().publicKey(), DOMAIN);
    Result res = run("-i", b, "--yes", yaml.toString());
    assertThat(res.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(res.err()).contains("endpoints[0]: 127.0.0.1 cannot be reached by peers");
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void import_missingSiteFile_isAFileError() {
    Result r = run("-i", "abc", "--yes", yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.IO.code());
    assertThat(r.err()).contains("does not exist");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void import_badBlobs_changeNothing() throws Exception {
    create();
    run("-i", blob(newHost("router1"), "10.1.0.0/24"), "--yes", yaml.toString());
    byte[] before = bytes();
    HostKey other = newHost("router2");
    String foreign = blob(other, other.key(), "other.example.org");
    String notOurs =
        RegistrationBlob.seal(
            Registration.builder()
                .uuid(other.uuid())
                .hostname("router2")
                .publicKey(other.key().publicKey())
                .endpoints(List.of())
                .lanPrefixes(List.of())
                .created(Instant.now())
                .build(),
            other.key(),
            X25519PrivateKey.generate().publicKey(),
            DOMAIN);
    String good = blob(other);
    // A character inside the sealed part (the last one may carry unused bits).
    int at = good.length() - 10;
    String tampered =
        good.substring(0, at) + (good.charAt(at) == 'A' ? 'B' : 'A') + good.substring(at + 1);
    Object[][] cases = {
      {"garbage!", ExitCode.INPUT, "not base64url"},
      {
        foreign,
        ExitCode.INPUT,
        "the blob is for site 'other.example.org', this site is 'mesh.example.com'"
      },
      {notOurs, ExitCode.INPUT, "does not decrypt with this site's key"},
      {tampered, ExitCode.INPUT, "registration blob"},
      {good.substring(0, 40), ExitCode.INPUT, "truncated"},
      {
        blob(other, "203.0.113.0/24"),
        ExitCode.INPUT,
        "LAN prefixes[0]: 203.0.113.0/24 is not inside the site's allowed-lan-prefixes"
      },
      {
        blob(other, "10.1.0.0/16"),
        ExitCode.CONFLICT,
        "10.1.0.0/16 overlaps 10.1.0.0/24 of host router1"
      },
      {
        blob(new HostKey(other.key(), other.uuid(), "router1")),
        ExitCode.CONFLICT,
        "hostname router1 already belongs to host router1"
      },
    };
    for (Object[] c : cases) {
      Result r = run("-i", (String) c[0], "--yes", yaml.toString());
      assertThat(r.rc()).as("%s: %s", c[2], r.err()).isEqualTo(((ExitCode) c[1]).code());
      assertThat(r.err()).as("%s", c[2]).startsWith("error: ").contains((String) c[2]);
      assertThat(bytes()).as("%s", c[2]).isEqualTo(before);
    }
  }

  @Test
  void import_fileWithTwoBlobsOfOneHostname_namesBothBlobs_notAPlannedNumber() throws Exception {
    create();
    run("-i", blob(newHost("router1"), "10.1.0.0/24"), "--yes", yaml.toString());
    byte[] before = bytes();
    Path blobs =
        blobFile(
            "# rack 2", blob(newHost("r7"), "10.7.0.0/24"), blob(newHost("r7"), "10.8.0.0/24"));
    Result r = run("-i", "@" + blobs, "--yes", yaml.toString());
    assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.CONFLICT.code());
    assertThat(r.err())
        .contains(blobs + " line 3: host r7")
        .contains("hostname r7 already belongs to host r7 of the blob at " + blobs + " line 2")
        .doesNotContain("number 2");
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void import_blobFileOverTheSizeLimit_isRefusedUnread() throws Exception {
    create();
    byte[] before = bytes();
    Path blobs = dir.resolve("huge.txt");
    org.wgmesh.core.testing.SparseFiles.of(blobs, org.wgmesh.site.BlobSource.MAX_FILE_BYTES + 1);
    Result r = run("-i", "@" + blobs, "--yes", yaml.toString());
    assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.INPUT.code());
    assertThat(r.err())
        .startsWith("error: " + blobs + ": the file is 16.0 MiB, over the blob-file size limit")
        .doesNotContain("Exception");
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void import_blobWithTerminalEscapes_isEchoedEscaped() throws Exception {
    create();
    Path blobs = dir.resolve("esc.txt");
    Files.writeString(blobs, "\u001b]0;owned\u0007\u001b[2Jgarbage\n");
    for (String arg : List.of("\u001b[31mgarbage\u009b1m", "@" + blobs)) {
      Result r = run("-i", arg, "--yes", yaml.toString());
      assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.INPUT.code());
      assertThat(r.err())
          .doesNotContain("\u001b")
          .doesNotContain("\u0007")
          .doesNotContain("\u009b");
    }
  }

  @Test
  void import_sameKeyAsAnotherHost_isConflict() throws Exception {
    create();
    HostKey h = newHost("router1");
    run("-i", blob(h), "--yes", yaml.toString());
    byte[] before = bytes();
    HostKey clone = new HostKey(h.key(), UUID.randomUUID(), "router9");
    Result r = run("-i", blob(clone), "--yes", yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.CONFLICT.code());
    assertThat(r.err()).contains("already belongs to host router1");
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void import_fileOfBlobs_isAllOrNothing() throws Exception {
    create();
    Path blobs =
        blobFile(
            "# hosts of rack 1",
            "",
            blob(newHost("r1"), "10.1.0.0/24"),
            "  " + blob(newHost("r2"), "10.2.0.0/24"));
    Result ok = run("-i", "@" + blobs, "--yes", yaml.toString());
    assertThat(ok.rc()).as(ok.err()).isZero();
    assertThat(SiteFile.load(yaml).hosts())
        .extracting(HostEntry::hostname)
        .containsExactly("r1", "r2");

    byte[] before = bytes();
    Files.writeString(blobs, blob(newHost("r3")) + "\n# comment\nnot-a-blob\n");
    Result bad = run("-i", "@" + blobs, "--yes", yaml.toString());
    assertThat(bad.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(bad.err()).contains(blobs + " line 3: registration blob");
    assertThat(bytes()).isEqualTo(before);

    Files.writeString(
        blobs,
        blob(newHost("r4"), "10.4.0.0/24") + "\n" + blob(newHost("r5"), "10.4.0.0/25") + "\n");
    Result overlap = run("-i", "@" + blobs, "--yes", yaml.toString());
    assertThat(overlap.rc()).isEqualTo(ExitCode.CONFLICT.code());
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void list_tableAndJson_showHosts() {
    create();
    HostKey h = newHost("router1");
    run("-i", blob(h, "10.1.0.0/24"), "--yes", yaml.toString());
    Result t = run("--list", yaml.toString());
    assertThat(t.rc()).isZero();
    assertThat(t.out().lines().toList())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("NUMBER  HOSTNAME");
    assertThat(t.out())
        .contains(
            "1       router1   "
                + h.uuid()
                + "  64512  51001  198.51.100.9,2001:db8::9  10.1.0.0/24  -");
    assertThat(t.out().lines().findFirst().orElseThrow()).endsWith("LANS         OBSERVED");
    Result j = run("--list", "--json", yaml.toString());
    assertThat(j.rc()).isZero();
    assertThat(j.out())
        .startsWith("{\"domain\":\"mesh.example.com\"")
        .contains(
            "\"hosts\":[{\"number\":1,\"hostname\":\"router1\",\"uuid\":\""
                + h.uuid()
                + "\",\"asn\":64512,\"port\":51001")
        .contains("\"lan_prefixes\":[\"10.1.0.0/24\"]")
        .contains("\"retired\":[]");
    JsonNode doc = Json.readTree(j.out(), "wgsite --list --json output");
    assertThat(doc.fieldNames())
        .toIterable()
        .containsExactly("domain", "locus", "fingerprint", "hosts", "retired");
    assertThat(doc.path("hosts").get(0).fieldNames())
        .toIterable()
        .containsExactly(
            "number",
            "hostname",
            "uuid",
            "asn",
            "port",
            "public_key",
            "key_fingerprint",
            "endpoints",
            "lan_prefixes",
            "observed");
    assertThat(doc.path("hosts").get(0).path("observed").isNull()).isTrue();
    assertThat(doc.path("hosts").get(0).path("endpoints").toString())
        .isEqualTo("[\"198.51.100.9\",\"2001:db8::9\"]");
  }

  @Test
  void remove_byHostname_retiresNumberUntilPublished() throws Exception {
    create();
    run("-i", blob(newHost("router1")), "--yes", yaml.toString());
    run("-i", blob(newHost("router2")), "--yes", yaml.toString());
    Result r = run("--remove", "router1", "--yes", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    Site s = SiteFile.load(yaml);
    assertThat(s.hosts()).extracting(HostEntry::hostname).containsExactly("router2");
    assertThat(s.retired()).extracting(rh -> rh.number()).containsExactly(1);
    run("-i", blob(newHost("router3")), "--yes", yaml.toString());
    assertThat(SiteFile.load(yaml).hostNamed("router3").orElseThrow().number()).isEqualTo(3);
  }

  @Test
  void remove_byUuidDeclinedOrUnknown_changesNothing() throws Exception {
    create();
    HostKey h = newHost("router1");
    run("-i", blob(h), "--yes", yaml.toString());
    byte[] before = bytes();
    Result no = run("no\n", true, "--remove", h.uuid().toString(), yaml.toString());
    assertThat(no.rc()).isEqualTo(ExitCode.DECLINED.code());
    Result unknown = run("--remove", "router7", "--yes", yaml.toString());
    assertThat(unknown.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(unknown.err())
        .contains("error: --remove router7: no host with this uuid or hostname");
    assertThat(bytes()).isEqualTo(before);
    Result yes = run("y\n", true, "--remove", h.uuid().toString(), yaml.toString());
    assertThat(yes.rc()).isZero();
    assertThat(SiteFile.load(yaml).hosts()).isEmpty();
  }

  @Test
  void options_misused_areUsageErrors() {
    create();
    assertThat(run("--json", yaml.toString()).rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(run("--replace", yaml.toString()).rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(run("--list", "--domain", DOMAIN, yaml.toString()).rc())
        .isEqualTo(ExitCode.USAGE.code());
    Result both = run("--list", "--remove", "x", yaml.toString());
    assertThat(both.rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(both.err()).startsWith("error: ").contains("hint: see 'wgsite --help'");
    assertThat(run("--bogus", yaml.toString()).rc()).isEqualTo(ExitCode.USAGE.code());
  }

  @Test
  void optionValues_thatDoNotConvert_areBadOptionValues_exit4() {
    Path other = dir.resolve("other.yaml");
    Result r = run("--domain", DOMAIN, "--locus", "m", "--portbase", "lots", other.toString());
    assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.INPUT.code());
    assertThat(r.err()).contains("--portbase").contains("lots");
    assertThat(other).doesNotExist();
  }

  @Test
  void help_exitCodeList_matchesExitCodeTable() {
    String help = run("--help").out();
    String list = help.substring(help.indexOf("Exit codes"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^\\s+(\\d+)\\s+(.+)$").matcher(list);
    int n = 0;
    while (m.find()) {
      int code = Integer.parseInt(m.group(1));
      ExitCode c =
          java.util.Arrays.stream(ExitCode.values())
              .filter(e -> e.code() == code)
              .findFirst()
              .orElseThrow();
      assertThat(m.group(2)).as("exit code %d", code).startsWith(c.meaning());
      n++;
    }
    assertThat(n).isEqualTo(8);
  }

  @Test
  void helpAndVersion_goToStdout() {
    Result h = run("--help");
    assertThat(h.rc()).isZero();
    assertThat(h.out())
        .contains("Usage: wgsite")
        .contains("--import")
        .contains("--remove")
        .contains("-q, --quiet");
    Result v = run("--version");
    assertThat(v.rc()).isZero();
    assertThat(v.out()).startsWith("wgmesh ");
  }

  @Test
  void verbose_addsDetailOnStderr() {
    create();
    Result r = run("-v", yaml.toString());
    assertThat(r.rc()).isZero();
    assertThat(r.err()).contains("loaded " + yaml + ": 0 hosts, 0 retired");
    assertThat(r.out()).doesNotContain("loaded");
  }

  @Test
  void quiet_prompt_stillShowsWhatIsApproved() {
    create();
    HostKey h = newHost("router1");
    Result r = run("y\n", true, "-q", "-i", blob(h), yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("uuid:       " + h.uuid())
        .contains("[y/N]")
        .doesNotContain("saved");
    Result yes = run("-q", "--yes", "--remove", "router1", yaml.toString());
    assertThat(yes.rc()).isZero();
    assertThat(yes.err()).isEmpty();
  }

  @Test
  void quiet_suppressesInfoButNotData() {
    Result r = run("-q", "--domain", DOMAIN, "--locus", "mesh1", yaml.toString());
    assertThat(r.rc()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("fingerprint:");
  }

  @Test
  void rollSiteKey_makesTheNextKey_recordsTheRoll_andASecondRollIsAConflict() throws Exception {
    create();
    String fp = SiteFile.load(yaml).keys().fingerprint();
    Result r = run("--yes", "--roll-site-key", "--overlap", "10d", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    Site site = SiteFile.load(yaml);
    assertThat(site.keys().fingerprint()).isEqualTo(fp);
    var roll = site.keyPolicy().roll().orElseThrow();
    assertThat(r.out())
        .contains("fingerprint:     " + fp)
        .contains("next key:        " + roll.nextSigning().publicKey().fingerprint());
    assertThat(r.err()).contains("site-key roll started");
    Path nextFile = SiteKeyStore.beside(yaml).nextSigning();
    assertThat(java.nio.file.Files.getPosixFilePermissions(nextFile))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(java.nio.file.Files.readString(yaml))
        .contains("next-signing-public: " + roll.nextSigning().publicKey().toBase64())
        .contains("roll-at: ");
    String before = java.nio.file.Files.readString(yaml);
    Result again = run("--yes", "--roll-site-key", yaml.toString());
    assertThat(again.rc()).isEqualTo(ExitCode.CONFLICT.code());
    assertThat(again.err()).contains("already under way");
    assertThat(java.nio.file.Files.readString(yaml)).isEqualTo(before);
  }

  @Test
  void rollSiteKey_overlapShorterThanTheRecordLifetime_orOverlapAlone_isRefused() throws Exception {
    create();
    String before = java.nio.file.Files.readString(yaml);
    Result shortOverlap = run("--yes", "--roll-site-key", "--overlap", "2d", yaml.toString());
    assertThat(shortOverlap.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(shortOverlap.err()).contains("at least the record lifetime");
    Result alone = run("--overlap", "14d", yaml.toString());
    assertThat(alone.rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(java.nio.file.Files.readString(yaml)).isEqualTo(before);
    assertThat(SiteKeyStore.beside(yaml).nextSigning()).doesNotExist();
  }

  @Test
  void import_duringARoll_opensBlobsSealedToTheCurrentOrTheNextBoxKey() throws Exception {
    create();
    assertThat(run("--yes", "--roll-site-key", yaml.toString()).rc()).isZero();
    var roll = SiteFile.load(yaml).keyPolicy().roll().orElseThrow();
    HostKey a = newHost("router1");
    assertThat(run("-i", blob(a, "10.1.0.0/24"), "--yes", yaml.toString()).rc()).isZero();
    HostKey b = newHost("router2");
    Registration r =
        Registration.builder()
            .uuid(b.uuid())
            .hostname(b.name())
            .publicKey(b.key().publicKey())
            .endpoints(List.of(IpAddress.parse("198.51.100.10", "t")))
            .lanPrefixes(List.of(IpPrefix.parse("10.2.0.0/24", "t")))
            .created(Instant.parse("2026-11-22T08:00:00Z"))
            .build();
    String toNext = RegistrationBlob.seal(r, b.key(), roll.nextBox().publicKey(), DOMAIN);
    Result imported = run("-i", toNext, "--yes", yaml.toString());
    assertThat(imported.rc()).as(imported.err()).isZero();
    assertThat(SiteFile.load(yaml).hosts()).hasSize(2);
  }

  String rotation(HostKey h, X25519PrivateKey endorsedBy, X25519PrivateKey next) {
    Site site = SiteFile.load(yaml);
    return org.wgmesh.core.registration.KeyRotation.endorse(
        blob(h, next, DOMAIN, "10.1.0.0/24"),
        endorsedBy,
        next.publicKey(),
        site.keys().box().publicKey(),
        DOMAIN);
  }

  @Test
  void import_rotationBlob_replacesTheKeyWithoutReplaceOrPrompt_numberAndAsnStay()
      throws Exception {
    create();
    HostKey h = newHost("router1");
    assertThat(run("-i", blob(h, "10.1.0.0/24"), "--yes", yaml.toString()).rc()).isZero();
    HostEntry before = SiteFile.load(yaml).host(h.uuid()).orElseThrow();
    X25519PrivateKey next = X25519PrivateKey.generate();
    // Not interactive and no --yes: a prompt would fail; a rotation needs none.
    Result r = run("-i", rotation(h, h.key(), next), yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("REPLACES the key").contains("no confirmation needed");
    HostEntry after = SiteFile.load(yaml).host(h.uuid()).orElseThrow();
    assertThat(after.publicKey()).isEqualTo(next.publicKey());
    assertThat(after.number()).isEqualTo(before.number());
    assertThat(after.asn()).isEqualTo(before.asn());
  }

  @Test
  void import_rotationBlobEndorsedByTheWrongOldKey_isRefusedAndChangesNothing() throws Exception {
    create();
    HostKey h = newHost("router1");
    assertThat(run("-i", blob(h, "10.1.0.0/24"), "--yes", yaml.toString()).rc()).isZero();
    byte[] before = bytes();
    X25519PrivateKey next = X25519PrivateKey.generate();
    Result wrong = run("-i", rotation(h, X25519PrivateKey.generate(), next), yaml.toString());
    assertThat(wrong.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(wrong.err()).contains("rotation blob: old key").contains("is admitted with");
    // A tampered endorsement does not open at all.
    String good = rotation(h, h.key(), next);
    // A character of the endorsement's tag (the last one may carry unused bits).
    int at = good.length() - 10;
    String tampered =
        good.substring(0, at) + (good.charAt(at) == 'A' ? 'B' : 'A') + good.substring(at + 1);
    Result bad = run("-i", tampered, yaml.toString());
    assertThat(bad.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(bad.err()).contains("rotation blob");
    assertThat(bytes()).isEqualTo(before);
  }

  @Test
  void import_rotationBlob_changesTheKeyAlone_notTheLansOrTheName() throws Exception {
    create();
    HostKey h = newHost("router1");
    assertThat(run("-i", blob(h, "10.1.0.0/24"), "--yes", yaml.toString()).rc()).isZero();
    HostEntry before = SiteFile.load(yaml).host(h.uuid()).orElseThrow();
    X25519PrivateKey next = X25519PrivateKey.generate();
    Site site = SiteFile.load(yaml);
    // The rotation's registration claims another LAN: the site takes only its key.
    String claimsMore =
        org.wgmesh.core.registration.KeyRotation.endorse(
            blob(h, next, DOMAIN, "10.99.0.0/24"),
            h.key(),
            next.publicKey(),
            site.keys().box().publicKey(),
            DOMAIN);
    Result r = run("-i", claimsMore, yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    HostEntry after = SiteFile.load(yaml).host(h.uuid()).orElseThrow();
    assertThat(after.publicKey()).isEqualTo(next.publicKey());
    assertThat(after.lanPrefixes()).isEqualTo(before.lanPrefixes());
    assertThat(after.hostname()).isEqualTo(before.hostname());
    assertThat(after.endpoints()).isEqualTo(before.endpoints());
    assertThat(after.sharedLans()).isEqualTo(before.sharedLans());
  }

  String blobWithHpke(HostKey h, X25519PrivateKey key, X25519PrivateKey hpke) {
    Site site = SiteFile.load(yaml);
    Registration r =
        Registration.builder()
            .uuid(h.uuid())
            .hostname(h.name())
            .publicKey(key.publicKey())
            .endpoints(List.of(IpAddress.parse("198.51.100.9", "t")))
            .lanPrefixes(List.of(IpPrefix.parse("10.1.0.0/24", "t")))
            .created(Instant.parse("2026-12-01T08:00:00Z"))
            .sharedLans(List.of())
            .hpkePublic(hpke.publicKey())
            .build();
    return RegistrationBlob.seal(r, key, site.keys().box().publicKey(), DOMAIN);
  }

  @Test
  void import_blobWithHpkeKey_storesHpkePublic_andPlainBlobsWriteNone() throws Exception {
    create();
    HostKey plain = newHost("router1");
    assertThat(run("-i", blob(plain, "10.3.0.0/24"), "--yes", yaml.toString()).rc()).isZero();
    assertThat(Files.readString(yaml)).doesNotContain("hpke-public");
    HostKey h = newHost("router2");
    X25519PrivateKey hpke = X25519PrivateKey.generate();
    Result r = run("-i", blobWithHpke(h, h.key(), hpke), "--yes", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("HPKE key:   " + hpke.publicKey().fingerprint());
    assertThat(SiteFile.load(yaml).host(h.uuid()).orElseThrow().hpkePublic())
        .contains(hpke.publicKey());
    assertThat(Files.readString(yaml)).contains("hpke-public: " + hpke.publicKey().toBase64());
    assertThat(SiteFile.load(yaml).host(plain.uuid()).orElseThrow().hpkePublic()).isEmpty();
  }

  @Test
  void import_rotationBlobWithHpkeKey_movesAHostRegisteredWithoutOneOver_withoutPrompt()
      throws Exception {
    create();
    HostKey h = newHost("router1");
    assertThat(run("-i", blob(h, "10.1.0.0/24"), "--yes", yaml.toString()).rc()).isZero();
    assertThat(SiteFile.load(yaml).host(h.uuid()).orElseThrow().hpkePublic()).isEmpty();
    X25519PrivateKey next = X25519PrivateKey.generate();
    X25519PrivateKey hpke = X25519PrivateKey.generate();
    Site site = SiteFile.load(yaml);
    String rotation =
        org.wgmesh.core.registration.KeyRotation.endorse(
            blobWithHpke(h, next, hpke),
            h.key(),
            next.publicKey(),
            site.keys().box().publicKey(),
            DOMAIN);
    Result r = run("-i", rotation, yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("no confirmation needed");
    HostEntry after = SiteFile.load(yaml).host(h.uuid()).orElseThrow();
    assertThat(after.publicKey()).isEqualTo(next.publicKey());
    assertThat(after.hpkePublic()).contains(hpke.publicKey());
  }

  @Test
  void import_reRegistrationWithHpkeKey_sameWireGuardKey_needsReplace() throws Exception {
    create();
    HostKey h = newHost("router1");
    assertThat(run("-i", blob(h, "10.1.0.0/24"), "--yes", yaml.toString()).rc()).isZero();
    X25519PrivateKey hpke = X25519PrivateKey.generate();
    String again = blobWithHpke(h, h.key(), hpke);
    Result plain = run("-i", again, "--yes", yaml.toString());
    assertThat(plain.rc()).as(plain.err()).isZero();
    assertThat(plain.err()).contains("HPKE key differ");
    assertThat(SiteFile.load(yaml).host(h.uuid()).orElseThrow().hpkePublic()).isEmpty();
    Result replaced = run("-i", again, "--replace", "--yes", yaml.toString());
    assertThat(replaced.rc()).as(replaced.err()).isZero();
    assertThat(SiteFile.load(yaml).host(h.uuid()).orElseThrow().hpkePublic())
        .contains(hpke.publicKey());
  }

  /** A site imported from the original wgmesh: its site file names the original's key. */
  X25519PrivateKey imported() throws Exception {
    Path draftFile = dir.resolve("draft.yaml");
    Result r =
        run(
            "--domain",
            DOMAIN,
            "--locus",
            "mesh1",
            "--publish",
            "zonefile:/x",
            draftFile.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    X25519PrivateKey original =
        X25519PrivateKey.parse(
            java.nio.file.Files.readString(org.wgmesh.core.testing.OriginalFixtures.siteKey()),
            "fixture");
    SiteFile.createImported(yaml, SiteFile.load(draftFile), original);
    return original;
  }

  @Test
  void forgetOriginal_declined_changesNothing_thenYesDropsTheLineAndTheKeyFile() throws Exception {
    X25519PrivateKey original = imported();
    Path keyFile = SiteKeyStore.beside(yaml).original();
    String fingerprint = original.publicKey().fingerprint();
    Result report = run(yaml.toString());
    assertThat(report.out())
        .contains("original key:    " + fingerprint + " (opens blobs of the original wgmesh)");
    String before = java.nio.file.Files.readString(yaml);

    Result no = run("n\n", true, "--forget-original", yaml.toString());
    assertThat(no.rc()).isEqualTo(ExitCode.DECLINED.code());
    assertThat(no.err()).contains("original key: " + fingerprint).contains(keyFile.toString());
    assertThat(java.nio.file.Files.readString(yaml)).isEqualTo(before);
    assertThat(keyFile).exists();
    Result noTerminal = run("--forget-original", yaml.toString());
    assertThat(noTerminal.rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(keyFile).exists();

    Result yes = run("--forget-original", "--yes", yaml.toString());
    assertThat(yes.rc()).as(yes.err()).isZero();
    assertThat(yes.err()).contains("forgot the original key");
    assertThat(yes.out()).contains("fingerprint:").doesNotContain("original key:");
    assertThat(keyFile).doesNotExist();
    assertThat(java.nio.file.Files.readString(yaml)).doesNotContain("original-public");
    assertThat(SiteFile.load(yaml).originalKey()).isEmpty();
    assertThat(run(yaml.toString()).out()).doesNotContain("original key:");

    Result again = run("--forget-original", "--yes", yaml.toString());
    assertThat(again.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(again.err()).contains("names no original wgmesh key");
  }

  @Test
  void forgetOriginal_cutShortAfterTheSiteFile_isFinishedByTheNextRun() throws Exception {
    imported();
    Path keyFile = SiteKeyStore.beside(yaml).original();
    String keyText = java.nio.file.Files.readString(keyFile);
    assertThat(run("--forget-original", "--yes", yaml.toString()).rc()).isZero();
    // As if the run had stopped before deleting the key file.
    java.nio.file.Files.writeString(keyFile, keyText);
    Result r = run("--forget-original", "--yes", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("(already gone from the site file)");
    assertThat(keyFile).doesNotExist();
  }

  @Test
  void forgetOriginal_withAnotherAction_isAUsageError() throws Exception {
    imported();
    Result r = run("--forget-original", "--list", yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(SiteKeyStore.beside(yaml).original()).exists();
  }
}
