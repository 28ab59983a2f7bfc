package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.core.testing.OriginalFixtures;
import org.wgmesh.site.original.OriginalFixtureSite;

/**
 * {@code wgsite -i} of the original wgmesh's registration blobs (issue 26), on a site holding the
 * fixture's hosts and the original's site key: the blob of an imported host changes nothing, a host
 * left out of the import is admitted with the number and AS it had, and every refusal leaves the
 * directory as it was.
 */
class SiteAdminOriginalBlobTest {
  static final String ORIGIN =
      "origin:     from an original wgmesh blob: no domain or time in it, checked by the original"
          + " site key";

  @TempDir Path dir;
  Path yaml;

  @BeforeEach
  void setUp() {
    yaml = dir.resolve("mesh1.yaml");
  }

  Result run(String stdin, boolean interactive, String... args) {
    return CliRun.run(WgsiteCommand::new, stdin, interactive, args);
  }

  Result run(String... args) {
    return run("", false, args);
  }

  @Test
  void blobsOfImportedHosts_areUnchanged_onTheCommandLineAndAsTheFixtureFile() throws Exception {
    OriginalFixtureSite.create(yaml, Set.of());
    List<String> before = listing();
    for (int n = 1; n <= OriginalFixtures.NODES; n++) {
      for (String arg :
          List.of(OriginalFixtures.blobText(n), "@" + OriginalFixtures.blob(n).toString())) {
        Result r = run("-i", arg, yaml.toString());
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err())
            .contains("host:       " + OriginalFixtures.nodeName(n) + " (unchanged)")
            .contains(ORIGIN)
            .contains(String.format("number:     %d (port %d, AS %d)", n, 9000 + n, 64511 + n))
            .contains("already admitted with the same key and details")
            .contains("nothing changed in " + yaml)
            .doesNotContain("created:");
      }
    }
    assertThat(listing()).isEqualTo(before);
  }

  @Test
  void hostLeftOutOfTheImport_isNew_withTheNumberAndAsItHadInTheOriginal() throws Exception {
    OriginalFixtureSite.create(yaml, Set.of("node005"));
    Path blobFile = OriginalFixtures.blob(5);

    Result r = run("-i", "@" + blobFile, "--lan", "10.0.5.0/24", "--yes", yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("host:       node005 (new host)").contains(ORIGIN);
    HostEntry h = SiteFile.load(yaml).hostNamed("node005").orElseThrow();
    assertThat(h.number()).isEqualTo(5);
    assertThat(h.asn()).isEqualTo(64516);
    assertThat(h.lanPrefixes()).containsExactly(IpPrefix.parse("10.0.5.0/24", "t"));
    assertThat(h.endpoints())
        .containsExactly(IpAddress.parse("198.18.0.5", "t"), IpAddress.parse("2001:db8::5", "t"));
    assertThat(h.hpkePublic()).isEmpty();
    assertThat(SiteFile.load(yaml).originalKey()).isPresent();

    // Again without --lan: the admitted LANs fill the gap, so nothing changes.
    List<String> admitted = listing();
    Result again = run("-i", "@" + blobFile, yaml.toString());
    assertThat(again.rc()).as(again.err()).isZero();
    assertThat(again.err()).contains("node005 (unchanged)").contains("nothing changed");
    // Other LANs need --replace, as for a wgmesh blob.
    Result otherLan = run("-i", "@" + blobFile, "--lan", "10.0.6.0/24", yaml.toString());
    assertThat(otherLan.rc()).as(otherLan.err()).isZero();
    assertThat(otherLan.err()).contains("(use --replace to update them)");
    assertThat(listing()).isEqualTo(admitted);
    Result replaced =
        run("-i", "@" + blobFile, "--lan", "10.0.6.0/24", "--replace", "--yes", yaml.toString());
    assertThat(replaced.rc()).as(replaced.err()).isZero();
    assertThat(replaced.err()).contains("node005 (updates host number 5)");
    assertThat(SiteFile.load(yaml).hostNamed("node005").orElseThrow().lanPrefixes())
        .containsExactly(IpPrefix.parse("10.0.6.0/24", "t"));
  }

  @Test
  void knownHost_keepsItsLansSharedLansAndHpkeKey_soItsBlobIsUnchanged() throws Exception {
    Site site = OriginalFixtureSite.create(yaml, Set.of());
    HostEntry h = site.hostNamed("node003").orElseThrow();
    HostEntry richer =
        h.toBuilder()
            .lanPrefixes(List.of(IpPrefix.parse("10.0.3.0/24", "t")))
            .sharedLans(List.of(IpPrefix.parseInterface("192.168.7.3/24", "t")))
            .hpkePublic(org.wgmesh.core.crypto.X25519PrivateKey.generate().publicKey())
            .build();
    SiteFile.save(site.withHost(richer), yaml);
    List<String> before = listing();

    Result r = run("-i", "@" + OriginalFixtures.blob(3), yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("node003 (unchanged)")
        .contains("LANs:       10.0.3.0/24")
        .contains("shared LAN: 192.168.7.3/24")
        .contains("HPKE key:   " + richer.hpkePublic().orElseThrow().fingerprint());
    assertThat(listing()).isEqualTo(before);
    assertThat(SiteFile.load(yaml).hostNamed("node003")).contains(richer);
  }

  @Test
  void declinedAtThePrompt_changesNothing() throws Exception {
    OriginalFixtureSite.create(yaml, Set.of("node003"));
    List<String> before = listing();
    Result no = run("n\n", true, "-i", OriginalFixtures.blobText(3), yaml.toString());
    assertThat(no.rc()).isEqualTo(ExitCode.DECLINED.code());
    assertThat(no.err()).contains(ORIGIN).contains("node003 (new host)");
    assertThat(listing()).isEqualTo(before);
  }

  @Test
  void siteWithoutTheOriginalKey_refusesWithAHint() throws Exception {
    Site site = OriginalFixtureSite.create(yaml, Set.of("node002"));
    SiteFile.forgetOriginal(site, yaml);
    List<String> before = listing();
    Result r = run("-i", OriginalFixtures.blobText(2), "--yes", yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(r.err())
        .contains("registration blob (original): this site has no original site key")
        .contains("--import-original");
    assertThat(listing()).isEqualTo(before);
  }

  @Test
  void tamperedBlob_orAnotherSitesKey_isRefusedWithExit4_andChangesNothing() throws Exception {
    OriginalFixtureSite.create(yaml, Set.of("node004"));
    String tampered = flipCiphertextByte(OriginalFixtures.blobText(4));
    Path file = dir.resolve("node004.blob");
    Files.writeString(
        file, "# Transmit the following b64 string, and use \"wgsite host\"\n" + tampered + "\n");

    List<String> before = listing();
    Result line = run("-i", tampered, "--yes", yaml.toString());
    Result fromFile = run("-i", "@" + file, "--yes", yaml.toString());

    assertThat(line.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(line.err())
        .contains(
            "registration blob (original): message: does not decrypt with the original site key"
                + " (tampered, or sealed to another site)");
    assertThat(fromFile.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(fromFile.err())
        .contains(file + " line 2: registration blob (original): message: does not decrypt");
    Result notJson =
        run(
            "-i",
            Base64.getEncoder().encodeToString("{\"publickey\"".getBytes(StandardCharsets.UTF_8)),
            "--yes",
            yaml.toString());
    assertThat(notJson.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(notJson.err()).contains("registration blob (original): not JSON");
    assertThat(listing()).isEqualTo(before);
  }

  @Test
  void lan_onlyWithOneOriginalBlob() throws Exception {
    OriginalFixtureSite.create(yaml, Set.of("node001", "node002"));
    Path two = dir.resolve("two.blobs");
    Files.writeString(
        two, OriginalFixtures.blobText(1) + "\n" + OriginalFixtures.blobText(2) + "\n");
    List<String> before = listing();
    Result twoBlobs = run("-i", "@" + two, "--lan", "10.0.1.0/24", "--yes", yaml.toString());
    assertThat(twoBlobs.rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(twoBlobs.err())
        .contains("--lan goes with -i only for a single blob of the original");
    Result wgmesh = run("-i", "V0dNUgEAAAA", "--lan", "10.0.1.0/24", "--yes", yaml.toString());
    assertThat(wgmesh.rc()).isEqualTo(ExitCode.USAGE.code());
    Result alone = run("--lan", "10.0.1.0/24", yaml.toString());
    assertThat(alone.rc()).isEqualTo(ExitCode.USAGE.code());
    Result badLan =
        run("-i", OriginalFixtures.blobText(1), "--lan", "10.0.1.1/33", yaml.toString());
    assertThat(badLan.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(listing()).isEqualTo(before);
    // Both original blobs in one file, without --lan: admitted together, all or nothing.
    Result both = run("-i", "@" + two, "--yes", yaml.toString());
    assertThat(both.rc()).as(both.err()).isZero();
    assertThat(SiteFile.load(yaml).hostNamed("node001").orElseThrow().number()).isEqualTo(1);
    assertThat(SiteFile.load(yaml).hostNamed("node002").orElseThrow().number()).isEqualTo(2);
  }

  /** The blob with one byte of its NaCl box's ciphertext flipped, re-encoded as the original. */
  static String flipCiphertextByte(String blob) {
    String json = new String(Base64.getDecoder().decode(blob), StandardCharsets.UTF_8);
    int start = json.indexOf("\"message\": \"") + 12;
    int end = json.indexOf('"', start);
    byte[] box = Base64.getDecoder().decode(json.substring(start, end));
    box[box.length - 5] ^= 0x01;
    String changed =
        json.substring(0, start) + Base64.getEncoder().encodeToString(box) + json.substring(end);
    return Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Names, sizes, modes and modification times of the directory's files, but the lock file (left in
   * place by design, empty).
   */
  private List<String> listing() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> !p.equals(SiteFile.lockPath(yaml)))
          .sorted()
          .map(
              p -> {
                try {
                  return p.getFileName()
                      + " "
                      + Files.size(p)
                      + " "
                      + java.nio.file.attribute.PosixFilePermissions.toString(
                          Files.getPosixFilePermissions(p))
                      + " "
                      + Files.getLastModifiedTime(p).toMillis();
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .toList();
    }
  }
}
