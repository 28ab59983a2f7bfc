package org.wgmesh.endpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
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
import org.wgmesh.core.original.OriginalNode;
import org.wgmesh.core.original.OriginalYaml;
import org.wgmesh.core.testing.FileSnapshot;
import org.wgmesh.core.testing.OriginalFixtures;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.OriginalTestSite;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * {@code wgconfig --import-original} (issue 26, step 7) in-process against the original fixture
 * site, imported in the test ({@link OriginalTestSite}) and published by the real {@code wgpub}
 * service into a zone file that wgconfig reads with {@code --zone-file}. The node files and keys
 * are copies of the fixtures.
 */
class WgconfigImportOriginalTest {
  static final String D = OriginalTestSite.DOMAIN;
  static final DomainName DN = DomainName.parse(D, "test");

  /** Hosts 1 to 5 imported on the site. */
  static OriginalTestSite admitted;

  /** Hosts 2 to 5 only: node001 not imported yet. */
  static OriginalTestSite without1;

  @TempDir static Path sites;
  @TempDir Path dir;
  Path fx;
  Path etc;
  Path root;

  record Run(int rc, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeAll
  static void publishSites() throws Exception {
    admitted = OriginalTestSite.publish(sites.resolve("admitted"), OriginalTestSite.upTo(5));
    without1 =
        OriginalTestSite.publish(sites.resolve("without1"), h -> h.octet() >= 2 && h.octet() <= 5);
  }

  @BeforeEach
  void copies() {
    fx = OriginalFixtures.copyTo(dir.resolve("fx"));
    etc = dir.resolve("etc");
    root = dir.resolve("root");
  }

  Path node(int n) {
    return fx.resolve("nodes/" + OriginalFixtures.nodeName(n) + "/node_mesh1.yaml");
  }

  Path key(int n) {
    return node(n).resolveSibling("node_mesh1.key");
  }

  Path pub(int n) {
    return node(n).resolveSibling("node_mesh1.pub");
  }

  /** wgconfig with the config directory, root, zone file and fingerprint of {@code site}. */
  Run run(OriginalTestSite site, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--config-dir",
                etc.toString(),
                "--root",
                root.toString(),
                "--zone-file",
                site.zone.toString(),
                "--site-fingerprint",
                site.fingerprint()));
    all.addAll(Arrays.asList(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(new byte[0]), out, err, false);
    int rc = Cli.run(WgconfigCommand::new, io, all.toArray(String[]::new));
    return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Run importNode(OriginalTestSite site, int n, String... more) {
    List<String> args = new ArrayList<>(List.of("--import-original", node(n).toString()));
    args.addAll(Arrays.asList(more));
    args.add(D);
    return run(site, args.toArray(String[]::new));
  }

  Path endpointFile() {
    return EndpointPaths.path(etc, DN);
  }

  Path hostKey() {
    return EndpointPaths.defaultHostKey(etc, DN);
  }

  EndpointConfig stored() {
    return EndpointFile.load(endpointFile(), DN);
  }

  FileSnapshot snapshot() {
    return FileSnapshot.of(etc, root, fx);
  }

  static OriginalNode fixture(int n) {
    return OriginalYaml.readNode(OriginalFixtures.nodeFile(n));
  }

  @Test
  void import_keepsUuidHostnameInterfacesAddressesAndTheKeyByteForByte() throws Exception {
    Run r = importNode(admitted, 1);

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("created " + endpointFile())
        .contains("imported host key " + hostKey() + " from " + key(1) + " (mode 0600)")
        .contains("the site has admitted this host (number 1): no wghost needed, run wgdeploy");
    EndpointConfig c = stored();
    assertThat(c.uuid()).isEqualTo(fixture(1).uuid());
    assertThat(c.hostname()).contains("node001");
    assertThat(c.publicInterface().map(Object::toString)).contains("eth0");
    assertThat(c.publicAddresses())
        .containsExactly(IpAddress.parse("198.18.0.1", "t"), IpAddress.parse("2001:db8::1", "t"));
    assertThat(c.trustInterface().map(Object::toString)).contains("eth1");
    assertThat(c.trustAddresses()).containsExactly(IpPrefix.parseInterface("10.0.1.1/24", "t"));
    assertThat(c.effectiveLanPrefixes()).containsExactly(IpPrefix.parse("10.0.1.0/24", "t"));
    assertThat(c.locus()).isEqualTo("mesh1");
    assertThat(c.hostKey()).isEqualTo(hostKey());
    assertThat(Files.readAllBytes(hostKey()))
        .isEqualTo(Files.readAllBytes(OriginalFixtures.nodeKey(1)));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKey())))
        .isEqualTo("rw-------");
    assertThat(r.all()).doesNotContain(Files.readString(OriginalFixtures.nodeKey(1)));
  }

  @Test
  void import_worldReadableOriginalKey_isReadWithAWarning() throws Exception {
    Files.setPosixFilePermissions(key(1), PosixFilePermissions.fromString("rw-r--r--"));
    Run r = importNode(admitted, 1);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("warning: " + key(1) + " can be read by group or others")
        .contains("0600");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKey())))
        .isEqualTo("rw-------");
  }

  @Test
  void secondRun_changesNothing() {
    assertThat(importNode(admitted, 1).rc()).isZero();
    FileSnapshot before = snapshot();

    Run again = importNode(admitted, 1);

    assertThat(again.rc()).as(again.err()).isZero();
    assertThat(again.err())
        .contains(endpointFile() + ": nothing changed")
        .contains(hostKey() + ": host key unchanged")
        .doesNotContain("can be read by group");
    assertThat(again.out())
        .doesNotContain("created")
        .doesNotContain("imported")
        .contains("the site has admitted this host");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void optionsOverrideTheNodeFile() {
    Run r =
        importNode(
            admitted,
            1,
            "-i",
            "pub0",
            "-T",
            "lan0",
            "-I",
            "10.0.1.254/24",
            "--public-address",
            "198.18.0.1",
            "--hostname",
            "h1");
    assertThat(r.rc()).as(r.err()).isZero();
    EndpointConfig c = stored();
    assertThat(c.publicInterface().map(Object::toString)).contains("pub0");
    assertThat(c.trustInterface().map(Object::toString)).contains("lan0");
    assertThat(c.trustAddresses()).containsExactly(IpPrefix.parseInterface("10.0.1.254/24", "t"));
    assertThat(c.publicAddresses()).containsExactly(IpAddress.parse("198.18.0.1", "t"));
    assertThat(c.hostname()).contains("h1");
    assertThat(c.uuid()).isEqualTo(fixture(1).uuid());
  }

  @Test
  void originalKeyOption_takesTheKeyFromThatFile() throws Exception {
    Path elsewhere = dir.resolve("keys/n1.key");
    Files.createDirectories(elsewhere.getParent());
    Files.copy(key(1), elsewhere);
    Files.delete(key(1));
    Run r = importNode(admitted, 1, "--original-key", elsewhere.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("imported host key " + hostKey() + " from " + elsewhere);
    assertThat(Files.readAllBytes(hostKey()))
        .isEqualTo(Files.readAllBytes(OriginalFixtures.nodeKey(1)));
  }

  @Test
  void originalKeyOption_withoutImport_isAUsageError() {
    Run r = run(admitted, "--original-key", key(1).toString(), D);
    assertThat(r.rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("--original-key").contains("--import-original");
    assertThat(etc).doesNotExist();
  }

  @Test
  void noKeyFile_isRefusedNamingBothPlaces() throws Exception {
    Files.delete(key(1));
    FileSnapshot before = snapshot();
    Run r = importNode(admitted, 1);
    assertThat(r.rc()).isEqualTo(ExitCode.IO.code());
    assertThat(r.err())
        .contains("/etc/wgmesh/node_mesh1.key")
        .contains("secret_key_file")
        .contains(key(1).toString())
        .contains("--original-key");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void notYetOnTheSite_warnsAndStillEnrols() {
    Run r = importNode(without1, 1);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("warning: this host is not imported/published on the site yet")
        .contains("wgsite --import-original")
        .contains("no wghost needed");
    assertThat(r.out()).doesNotContain("admitted");
    assertThat(hostKey()).exists();
  }

  @Test
  void anotherKeyAlreadyThere_isAConflictAndNothingIsWritten() {
    X25519PrivateKey other = X25519PrivateKey.generate();
    KeyFiles.createSecret(hostKey(), other.toBase64());
    FileSnapshot before = snapshot();

    Run r = importNode(admitted, 1);

    assertThat(r.rc()).isEqualTo(ExitCode.CONFLICT.code());
    assertThat(r.err())
        .contains(hostKey().toString())
        .contains("holds another host key")
        .contains(other.publicKey().toBase64())
        .doesNotContain(other.toBase64());
    assertThat(snapshot()).isEqualTo(before);
    assertThat(endpointFile()).doesNotExist();
  }

  @Test
  void endpointOfAnotherUuid_isAConflictAndNothingIsWritten() {
    assertThat(run(admitted, D).rc()).isZero();
    FileSnapshot before = snapshot();

    Run r = importNode(admitted, 1);

    assertThat(r.rc()).isEqualTo(ExitCode.CONFLICT.code());
    assertThat(r.err())
        .contains(endpointFile().toString())
        .contains("Property 'uuid'")
        .contains(fixture(1).uuid().toString());
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void mangledNodeFileOrKey_isRefusedNamingFileAndFieldAndNothingIsWritten() throws Exception {
    record Case(String name, Path file, UnaryOperator<String> edit, String... expected) {}
    String otherPub = X25519PrivateKey.generate().publicKey().toBase64();
    List<Case> cases =
        List.of(
            new Case(
                "unknown key",
                node(1),
                t -> t.replace("  cmdfping:", "  extra: 1\n  cmdfping:"),
                node(1).toString(),
                "extra"),
            new Case(
                "missing uuid",
                node(1),
                t -> t.replaceAll("(?m)^  uuid: .*\n", ""),
                node(1).toString(),
                "uuid"),
            new Case(
                "a .pub of another key", pub(1), t -> otherPub, pub(1).toString(), "public key"),
            new Case(
                "one key bit flipped",
                key(1),
                WgconfigImportOriginalTest::flipOneBit,
                pub(1).toString(),
                key(1).toString()),
            new Case(
                "public_key_encoded of another key",
                node(1),
                t -> t.replace("public_key_encoded: ''", "public_key_encoded: " + otherPub),
                node(1).toString(),
                "local.public_key_encoded"),
            new Case(
                "a trust address without its length",
                node(1),
                t -> t.replace("10.0.1.1/24", "10.0.1.1"),
                node(1).toString(),
                "Property 'local.trust_address'"),
            new Case(
                "a bad interface name",
                node(1),
                t -> t.replace("public_iface: eth0", "public_iface: eth0/x"),
                node(1).toString(),
                "Property 'local.public_iface'"));
    for (Case c : cases) {
      byte[] original = Files.readAllBytes(c.file());
      String edited = c.edit().apply(new String(original, StandardCharsets.UTF_8));
      assertThat(edited).as(c.name()).isNotEqualTo(new String(original, StandardCharsets.UTF_8));
      Files.writeString(c.file(), edited);
      FileSnapshot before = snapshot();

      Run r = importNode(admitted, 1);

      assertThat(r.rc()).as("%s: %s", c.name(), r.err()).isEqualTo(ExitCode.CONFIG.code());
      assertThat(r.err()).as(c.name()).contains(c.expected());
      assertThat(snapshot()).as(c.name()).isEqualTo(before);
      assertThat(etc).as(c.name()).doesNotExist();
      Files.write(c.file(), original);
    }
  }

  /**
   * A key file with bit 0 of its second byte flipped: not a bit X25519 clamps (bits 0-2 of the
   * first byte, 6-7 of the last), so the public key changes.
   */
  static String flipOneBit(String base64) {
    byte[] raw = Base64.getDecoder().decode(base64.strip());
    raw[1] ^= 1;
    return Base64.getEncoder().encodeToString(raw);
  }
}
