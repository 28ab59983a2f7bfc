package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.core.site.ClientSettings;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteClients;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.core.testing.FileSnapshot;

/** wgsite's client commands (issue 25): add, export (config and QR), list, remove, refusals. */
class WgsiteClientTest {
  static final String DOMAIN = "mesh.example.com";
  static final String TUNNEL = "fd12:3456:789a::/48";

  @TempDir Path dir;
  Path yaml;

  Result run(String... args) {
    return CliRun.run(WgsiteCommand::new, "", false, args);
  }

  Result ok(String... args) {
    Result r = run(args);
    assertThat(r.rc()).as(r.err()).isZero();
    return r;
  }

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    ok("--domain", DOMAIN, "--locus", "mesh1", "--tunnel-prefix", TUNNEL, yaml.toString());
    admit("gw-paris", true, "10.1.0.0/24", "fd00:1::/48");
    admit("gw-berlin", true, "10.2.0.0/24");
    admit("spoke", false, "10.3.0.0/24");
    Site site = SiteFile.load(yaml);
    // An IPv4 pool of two addresses (198.51.100.1 and .2), to see it fill.
    SiteFile.save(
        site.withClients(
            new SiteClients(
                true,
                new ClientSettings(
                    Optional.of(IpPrefix.parse("198.51.100.0/30", "t")),
                    Optional.empty(),
                    OptionalInt.empty(),
                    25,
                    List.of(IpAddress.parse("10.1.0.53", "t"))),
                List.of())),
        yaml);
  }

  void admit(String name, boolean isPublic, String... lans) {
    X25519PrivateKey key = X25519PrivateKey.generate();
    Site site = SiteFile.load(yaml);
    Registration r =
        Registration.builder()
            .uuid(UUID.randomUUID())
            .hostname(name)
            .publicKey(key.publicKey())
            .endpoints(
                isPublic
                    ? List.of(IpAddress.parse("203.0.113." + (name.length() + 1), "t"))
                    : List.of())
            .lanPrefixes(Arrays.stream(lans).map(l -> IpPrefix.parse(l, "t")).toList())
            .created(Instant.parse("2026-11-22T08:00:00Z"))
            .build();
    String blob = RegistrationBlob.seal(r, key, site.keys().box().publicKey(), DOMAIN);
    ok("--yes", "-i", blob, yaml.toString());
  }

  static String newKey() {
    return X25519PrivateKey.generate().publicKey().toBase64();
  }

  @Test
  void addClient_withKey_storesItWithTheFirstNumberAddressesAndPort() {
    String key = newKey();
    Result r =
        ok(
            "--yes",
            "--add-client",
            "anna-laptop",
            "--attach",
            "gw-paris,gw-berlin",
            "--key",
            key,
            yaml.toString());
    assertThat(r.out())
        .contains("client:     anna-laptop (number 1)")
        .contains("addresses:  198.51.100.1, fd12:3456:789a:0:2::1")
        .contains("hosts:      gw-paris, gw-berlin (primary first)")
        .contains("port:       61001");
    ClientEntry c = SiteFile.load(yaml).clientEntries().get(0);
    assertThat(c.publicKey().toBase64()).isEqualTo(key);
    assertThat(c.attachedTo()).hasSize(2);
    assertThat(c.port()).isEqualTo(61001);
    // The second client gets number 2 and the second address of each pool.
    ok("--yes", "--add-client", "bob", "--attach", "gw-berlin", "--key", newKey(), yaml.toString());
    assertThat(SiteFile.load(yaml).clientEntries().get(1).addresses())
        .containsExactly(
            IpAddress.parse("198.51.100.2", "t"), IpAddress.parse("fd12:3456:789a:0:2::2", "t"));
  }

  @Test
  void addClient_generateKey_printsTheConfigAloneOnce_andStoresOnlyThePublicKey() throws Exception {
    Path png = dir.resolve("anna.png");
    Result r =
        ok(
            "--yes",
            "--add-client",
            "anna",
            "--attach",
            "gw-paris",
            "--generate-key",
            "--qr",
            "--qr-png",
            png.toString(),
            yaml.toString());
    assertThat(r.out())
        .startsWith("# wgmesh client anna (client 1) of " + DOMAIN + "\n[Interface]\n");
    assertThat(r.out()).doesNotContain("client:").doesNotContain("\u2588");
    assertThat(r.err()).contains("client:     anna (number 1)").contains("\u2588");
    String privateKey = privateKeyIn(r.out());
    X25519PrivateKey key = X25519PrivateKey.parse(privateKey, "t");
    assertThat(SiteFile.load(yaml).clientEntries().get(0).publicKey()).isEqualTo(key.publicKey());
    // Never stored, never logged.
    assertThat(r.err()).doesNotContain(privateKey);
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(png)).toList()) {
        assertThat(Files.readString(f, StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain(privateKey);
      }
    }
    // The PNG (0600) decodes to the identical config.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(png)))
        .isEqualTo("rw-------");
    assertThat(decodeQr(Files.readAllBytes(png))).isEqualTo(r.out());
  }

  @Test
  void clientConfig_isAWgQuickConfig_primaryCarriesTheMesh_secondaryItsOwn() throws Exception {
    ok(
        "--yes",
        "--add-client",
        "anna",
        "--attach",
        "gw-paris,gw-berlin",
        "--key",
        newKey(),
        yaml.toString());
    Result r = ok("--client-config", "anna", yaml.toString());
    assertThat(r.err()).contains("placeholder");
    String config = r.out();
    assertThat(config)
        .contains("PrivateKey = <REPLACE WITH THE CLIENT'S PRIVATE KEY")
        .contains("Address = 198.51.100.1/32, fd12:3456:789a:0:2::1/128\n")
        .contains("DNS = 10.1.0.53\n");
    Site site = SiteFile.load(yaml);
    String[] peers = config.split("\\[Peer\\]\n");
    assertThat(peers).hasSize(3);
    assertThat(peers[1])
        .contains("PublicKey = " + site.hostNamed("gw-paris").orElseThrow().publicKey().toBase64())
        .contains("Endpoint = 203.0.113.9:61001\n")
        .contains(
            "AllowedIPs = 10.1.0.0/24, fd00:1::/48, 10.3.0.0/24, fd12:3456:789a::/48,"
                + " 198.51.100.0/30, fd12:3456:789a:0:2::/80\n")
        .contains("PersistentKeepalive = 25\n");
    int berlin = site.hostNamed("gw-berlin").orElseThrow().number();
    assertThat(peers[2])
        .contains("Endpoint = 203.0.113.10:61001\n")
        .contains("AllowedIPs = 10.2.0.0/24, fd12:3456:789a:0:1::" + berlin + "/128\n");
    if (Files.isExecutable(Path.of("/usr/bin/wg-quick"))) {
      wgQuickStrips(
          config.replace(
              configPrivateKeyPlaceholder(config), X25519PrivateKey.generate().toBase64()));
    }
  }

  @Test
  void clientConfig_withThePrivateKeyFile_fillsItIn_andRefusesAnotherKey() throws Exception {
    X25519PrivateKey key = X25519PrivateKey.generate();
    ok(
        "--yes",
        "--add-client",
        "anna",
        "--attach",
        "gw-paris",
        "--key",
        key.publicKey().toBase64(),
        yaml.toString());
    Path keyFile = dir.resolve("anna.key");
    Files.writeString(keyFile, key.toBase64() + "\n");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    Result r =
        ok(
            "--client-config",
            "anna",
            "--private-key-file",
            keyFile.toString(),
            "--qr",
            yaml.toString());
    assertThat(privateKeyIn(r.out())).isEqualTo(key.toBase64());
    assertThat(r.err()).doesNotContain("placeholder").contains("\u2580");
    Files.writeString(keyFile, X25519PrivateKey.generate().toBase64() + "\n");
    Result wrong =
        run("--client-config", "anna", "--private-key-file", keyFile.toString(), yaml.toString());
    assertThat(wrong.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(wrong.err()).contains("is not client anna's");
    assertThat(wrong.out()).isEmpty();
  }

  @Test
  void refusals_nameWhatIsWrong_withTheirExitCode_andChangeNothing() throws Exception {
    String taken = newKey();
    ok("--yes", "--add-client", "anna", "--attach", "gw-paris", "--key", taken, yaml.toString());
    String hostKey = SiteFile.load(yaml).hostNamed("gw-paris").orElseThrow().publicKey().toBase64();
    FileSnapshot before = FileSnapshot.of(dir);
    refused(
        ExitCode.INPUT,
        "--key: ",
        "--add-client",
        "bob",
        "--attach",
        "gw-paris",
        "--key",
        "bm90IGEga2V5");
    refused(
        ExitCode.CONFLICT,
        "is the key of client anna",
        "--add-client",
        "bob",
        "--attach",
        "gw-paris",
        "--key",
        taken);
    refused(
        ExitCode.CONFLICT,
        "is the WireGuard key of host gw-paris",
        "--add-client",
        "bob",
        "--attach",
        "gw-paris",
        "--key",
        hostKey);
    refused(
        ExitCode.CONFLICT,
        "a client is named anna already",
        "--add-client",
        "anna",
        "--attach",
        "gw-paris",
        "--key",
        newKey());
    refused(
        ExitCode.CONFLICT,
        "a host is named gw-berlin",
        "--add-client",
        "gw-berlin",
        "--attach",
        "gw-paris",
        "--key",
        newKey());
    refused(
        ExitCode.INPUT,
        "not a DNS label",
        "--add-client",
        "bob_1",
        "--attach",
        "gw-paris",
        "--key",
        newKey());
    refused(
        ExitCode.INPUT,
        "outside the client pool 198.51.100.0/30",
        "--add-client",
        "bob",
        "--attach",
        "gw-paris",
        "--key",
        newKey(),
        "--address",
        "192.0.2.7");
    refused(
        ExitCode.INPUT,
        "outside the client pool fd12:3456:789a:0:2::/80",
        "--add-client",
        "bob",
        "--attach",
        "gw-paris",
        "--key",
        newKey(),
        "--address",
        "fd12:3456:789a:0:1::5");
    refused(
        ExitCode.CONFLICT,
        "another client has this address",
        "--add-client",
        "bob",
        "--attach",
        "gw-paris",
        "--key",
        newKey(),
        "--address",
        "198.51.100.1");
    refused(
        ExitCode.INPUT,
        "--attach nowhere: no host of this name",
        "--add-client",
        "bob",
        "--attach",
        "nowhere",
        "--key",
        newKey());
    refused(
        ExitCode.INPUT,
        "has no public endpoint",
        "--add-client",
        "bob",
        "--attach",
        "gw-paris,spoke",
        "--key",
        newKey());
    refused(
        ExitCode.USAGE,
        "either --key PUBKEY or --generate-key",
        "--add-client",
        "bob",
        "--attach",
        "gw-paris");
    refused(
        ExitCode.USAGE,
        "confirmation",
        "--add-client",
        "bob",
        "--attach",
        "gw-paris",
        "--key",
        newKey());
    refused(ExitCode.INPUT, "no client of this name", "--remove-client", "nobody", "--yes");
    // A QR code PNG that could not be written: refused before the client is added (its private
    // key would otherwise be made for a client whose command failed).
    Path notADirectory = dir.resolve("wgmesh.yaml").resolve("bob.png");
    for (Path png : List.of(notADirectory, dir)) {
      refused(
          ExitCode.IO,
          "cannot be written|is a directory",
          "--yes",
          "--add-client",
          "bob",
          "--attach",
          "gw-paris",
          "--generate-key",
          "--qr-png",
          png.toString());
    }
    assertThat(FileSnapshot.of(dir)).isEqualTo(before);
    // A dry run shows the client and writes nothing either.
    Result dry =
        ok(
            "--dry-run",
            "--add-client",
            "bob",
            "--attach",
            "gw-paris",
            "--key",
            newKey(),
            yaml.toString());
    assertThat(dry.out()).contains("client:     bob (number 2)");
    assertThat(FileSnapshot.of(dir)).isEqualTo(before);
    // The IPv4 pool holds two: the third client finds it full.
    ok("--yes", "--add-client", "bob", "--attach", "gw-paris", "--key", newKey(), yaml.toString());
    FileSnapshot full = FileSnapshot.of(dir);
    refused(
        ExitCode.CONFLICT,
        "client pool 198.51.100.0/30: is full",
        "--yes",
        "--add-client",
        "carol",
        "--attach",
        "gw-paris",
        "--key",
        newKey());
    assertThat(FileSnapshot.of(dir)).isEqualTo(full);
  }

  @Test
  void aConfigTooLongForAQrCode_refusesTheClient_beforeAnythingIsWritten() throws Exception {
    for (String big : List.of("ab", "ac")) {
      String[] lans = new String[64];
      for (int i = 0; i < lans.length; i++) {
        lans[i] = "fd00:" + big + ":" + Integer.toHexString(i + 1) + "::/48";
      }
      admit("gw-" + big, true, lans);
    }
    // Admitting hosts kept the clients section (its IPv4 pool).
    assertThat(SiteFile.load(yaml).clients().settings().pool4()).isPresent();
    FileSnapshot before = FileSnapshot.of(dir);
    Result r =
        run(
            "--yes",
            "--add-client",
            "anna",
            "--attach",
            "gw-paris",
            "--generate-key",
            "--qr",
            yaml.toString());
    assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.INPUT.code());
    assertThat(r.err()).contains("does not fit a QR code");
    assertThat(r.out()).isEmpty();
    assertThat(FileSnapshot.of(dir)).isEqualTo(before);
    // Without --qr the same client is added, and its config is printed.
    Result ok =
        ok(
            "--yes",
            "--add-client",
            "anna",
            "--attach",
            "gw-paris",
            "--generate-key",
            yaml.toString());
    assertThat(ok.out()).contains("fd00:ac:40::/48", "Address = 198.51.100.1/32");
  }

  void refused(ExitCode code, String message, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(yaml.toString());
    Result r = run(all.toArray(String[]::new));
    assertThat(r.rc()).as(r.err()).isEqualTo(code.code());
    assertThat(r.err()).containsPattern(message);
    assertThat(r.out()).doesNotContain("[Interface]");
  }

  @Test
  void list_andRemoveClient() throws Exception {
    ok(
        "--yes",
        "--add-client",
        "anna",
        "--attach",
        "gw-paris,gw-berlin",
        "--key",
        newKey(),
        yaml.toString());
    Result table = ok("--list", yaml.toString());
    assertThat(table.out())
        .contains("CLIENT")
        .containsPattern("1\\s+anna\\s+61001\\s+198.51.100.1,");
    JsonNode json = Json.readTree(ok("--list", "--json", yaml.toString()).out(), "t");
    JsonNode c = json.get("clients").get(0);
    assertThat(c.get("name").asText()).isEqualTo("anna");
    assertThat(c.get("port").asInt()).isEqualTo(61001);
    assertThat(c.get("attach").toString()).isEqualTo("[\"gw-paris\",\"gw-berlin\"]");
    // Its hosts stay while it names them.
    Result host = run("--yes", "--remove", "gw-berlin", yaml.toString());
    assertThat(host.rc()).isEqualTo(ExitCode.CONFLICT.code());
    assertThat(host.err()).contains("client anna attaches to gw-berlin");
    Result removed = ok("--yes", "--remove-client", "anna", yaml.toString());
    assertThat(removed.err()).contains("removed client anna");
    assertThat(SiteFile.load(yaml).clientEntries()).isEmpty();
    assertThat(SiteFile.load(yaml).clients().present()).isTrue();
  }

  @Test
  void aSiteWithoutClients_listsAsBefore() throws Exception {
    Site site = SiteFile.load(yaml);
    SiteFile.save(site.withClients(SiteClients.NONE), yaml);
    assertThat(ok("--list", yaml.toString()).out()).doesNotContain("CLIENT");
    assertThat(ok("--list", "--json", yaml.toString()).out()).doesNotContain("clients");
  }

  static String privateKeyIn(String config) {
    Matcher m = Pattern.compile("PrivateKey = (\\S+)\n").matcher(config);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  static String configPrivateKeyPlaceholder(String config) {
    Matcher m = Pattern.compile("PrivateKey = (.+)\n").matcher(config);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  static String decodeQr(byte[] png) throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    int[] pixels =
        image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    BinaryBitmap bitmap =
        new BinaryBitmap(
            new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)));
    return new QRCodeReader()
        .decode(
            bitmap,
            Map.of(DecodeHintType.CHARACTER_SET, "UTF-8", DecodeHintType.PURE_BARCODE, false))
        .getText();
  }

  /** {@code wg-quick strip} accepts the config (it needs the file named like an interface). */
  void wgQuickStrips(String config) throws Exception {
    Path conf = dir.resolve("wgc1.conf");
    Files.writeString(conf, config);
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
    Process p =
        new ProcessBuilder("/usr/bin/wg-quick", "strip", conf.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("[Interface]").doesNotContain("Address =").contains("[Peer]");
  }
}
