package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.net.IpAddress;

class SiteFileTest {
  @TempDir Path dir;
  Path yaml;
  String good;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    SiteFixtures.twoHosts(yaml);
    good = Files.readString(yaml);
  }

  @Test
  void load_savedSite_roundTrips() {
    Site s = SiteFile.load(yaml);
    assertThat(s.hosts()).extracting(h -> h.number()).containsExactly(1, 2);
    assertThat(s.retired()).extracting(RetiredHost::number).containsExactly(3);
    assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.recordLifetime()).isEqualTo(Duration.ofDays(7));
    assertThat(s.publishTarget()).isEqualTo("zonefile:/tmp/x.zone");
    assertThat(SiteCodec.render(s)).isEqualTo(good);
  }

  @Test
  void create_writesKeysBesideWithMode0600AndPublicKeysInYaml() throws Exception {
    SiteKeyStore kp = SiteKeyStore.beside(yaml);
    assertThat(kp.signing().getFileName().toString()).isEqualTo("wgmesh.sign.key");
    assertThat(kp.box().getFileName().toString()).isEqualTo("wgmesh.box.key");
    for (Path p : List.of(kp.signing(), kp.box())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .isEqualTo("rw-------");
      String secret = Files.readString(p).strip();
      assertThat(good).doesNotContain(secret);
    }
    Site s = SiteFile.load(yaml);
    assertThat(good).contains(s.keys().signing().publicKey().toBase64());
  }

  @Test
  void create_existingKeyFile_isRefused() {
    Path other = dir.resolve("other.yaml");
    Site s = SiteFile.load(yaml);
    org.wgmesh.core.crypto.KeyFiles.createSecret(
        dir.resolve("other.box.key"), X25519PrivateKey.generate().toBase64());
    assertThatThrownBy(() -> SiteFile.create(other, s.settings(), s.asnRange(), "zonefile:/x"))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("other.box.key");
    assertThat(other).doesNotExist();
    assertThat(dir.resolve("other.sign.key")).doesNotExist();
  }

  @Test
  void save_manyHostsWithoutLans_writesNoAliases_andLoadsAgain() throws Exception {
    Site s = SiteFile.load(yaml);
    for (int n = 4; n <= 20; n++) {
      s = s.withHost(SiteFixtures.host(n, null));
    }
    SiteFile.save(s, yaml);
    String text = Files.readString(yaml);
    assertThat(text).doesNotContain("&id").doesNotContain("*id");
    assertThat(SiteFile.load(yaml).hosts()).hasSize(19);
  }

  @Test
  void save_keepsBackupOfPreviousVersion() throws Exception {
    Site s = SiteFile.load(yaml);
    assertThat(SiteFile.save(s, yaml)).isFalse();
    Site changed = s.withoutRetired(List.of(3));
    assertThat(SiteFile.save(changed, yaml)).isTrue();
    assertThat(Files.readString(dir.resolve("wgmesh.yaml.bak"))).isEqualTo(good);
    assertThat(SiteFile.load(yaml).retired()).isEmpty();
  }

  @Test
  void lock_heldByAnotherRun_isConflictAfterWait() throws Exception {
    // Another process is the same to LockFile as another holder in this JVM (LockFileTest covers
    // both).
    try (var held = SiteFile.lock(yaml, Duration.ZERO)) {
      assertThatThrownBy(() -> SiteFile.lock(yaml, Duration.ofMillis(200)))
          .isInstanceOf(org.wgmesh.core.error.ConflictException.class)
          .hasMessageContaining("another wgsite or wgpub is changing this site file");
    }
    try (var l = SiteFile.lock(yaml, Duration.ofSeconds(5))) {
      assertThat(l.path()).isEqualTo(dir.resolve("wgmesh.yaml.lock"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(l.path())))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void load_mismatchingKeyFile_namesKeyFileAndLine() throws Exception {
    Path box = SiteKeyStore.beside(yaml).box();
    Files.delete(box);
    org.wgmesh.core.crypto.KeyFiles.createSecret(box, X25519PrivateKey.generate().toBase64());
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "Property 'site-keys.box-public' at line 21: does not match the private key in")
        .hasMessageContaining("wgmesh.box.key");
  }

  @Test
  void load_domainInAnyCaseWithTrailingDot_isTheCanonicalName() throws Exception {
    Files.writeString(
        yaml,
        Files.readString(yaml)
            .replace("domain: mesh.example.com\n", "domain: Mesh.Example.COM.\n"));

    assertThat(SiteFile.load(yaml).settings().domain()).isEqualTo("mesh.example.com");
  }

  @Test
  void load_missingKeyFile_isAFileError() throws Exception {
    Files.delete(SiteKeyStore.beside(yaml).signing());
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("wgmesh.sign.key");
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of(
            "unknown top key",
            "ttl: 300\n",
            "ttl: 300\ncolour: blue\n",
            "Property 'colour' at line 18: unknown key"),
        Arguments.of(
            "unknown host key",
            "  hostname: router2\n",
            "  hostname: router2\n  colour: blue\n",
            "Property 'hosts[1].colour' at line 34: unknown key"),
        Arguments.of(
            "missing domain", "domain: mesh.example.com\n", "", "missing required key 'domain'"),
        Arguments.of(
            "bad domain",
            "domain: mesh.example.com",
            "domain: mesh_example",
            "Property 'domain' at line 4"),
        Arguments.of("bad locus", "locus: mesh1", "locus: Mesh One", "Property 'locus' at line 5"),
        Arguments.of(
            "tunnel not /48",
            "tunnel-prefix: fd12:3456:789a::/48",
            "tunnel-prefix: fd12:3456::/32",
            "Property 'tunnel-prefix' at line 6: must be an IPv6 /48"),
        Arguments.of(
            "tunnel host bits",
            "tunnel-prefix: fd12:3456:789a::/48",
            "tunnel-prefix: fd12:3456:789a::1/48",
            "Property 'tunnel-prefix' at line 6: 'fd12:3456:789a::1/48' has host bits set"),
        Arguments.of(
            "tunnel multicast",
            "tunnel-prefix: fd12:3456:789a::/48",
            "tunnel-prefix: ff05:1:2::/48",
            "Property 'tunnel-prefix' at line 6: ff05:1:2::/48 is multicast"),
        Arguments.of(
            "tunnel link-local",
            "tunnel-prefix: fd12:3456:789a::/48",
            "tunnel-prefix: fe80::/48",
            "Property 'tunnel-prefix' at line 6: fe80::/48 is link-local"),
        Arguments.of(
            "tunnel loopback",
            "tunnel-prefix: fd12:3456:789a::/48",
            "tunnel-prefix: ::/48",
            "Property 'tunnel-prefix' at line 6: ::/48 is the loopback and unspecified"),
        Arguments.of(
            "tunnel v4",
            "tunnel-prefix: fd12:3456:789a::/48",
            "tunnel-prefix: 10.0.0.0/8",
            "Property 'tunnel-prefix' at line 6"),
        Arguments.of(
            "portbase text",
            "portbase: 51000",
            "portbase: lots",
            "Property 'portbase' at line 7: 'lots' is not a whole number"),
        Arguments.of(
            "portbase too high",
            "portbase: 51000",
            "portbase: 65534",
            "Property 'hosts[1].number' at line 34: port 65534 + 2 is above 65535"),
        Arguments.of(
            "asn range not private",
            "asn-range: 64512:65534",
            "asn-range: 100:200",
            "Property 'asn-range' at line 8"),
        Arguments.of(
            "asn spans overlap",
            "asn-range: 64512:65534",
            "asn-range: 64512:64600,64550:64700",
            "Property 'asn-range' at line 8: spans in"),
        Arguments.of(
            "allowed overlap",
            "- 172.16.0.0/12\n",
            "- 10.1.0.0/16\n",
            "Property 'allowed-lan-prefixes[1]' at line 11: 10.1.0.0/16 overlaps 10.0.0.0/8 (line 10)"),
        Arguments.of(
            "bad topology",
            "topology: full-mesh",
            "topology: star",
            "Property 'topology' at line 15: unknown topology"),
        Arguments.of(
            "mtu too small",
            "topology: full-mesh",
            "topology: full-mesh\nmtu: 1000",
            "Property 'mtu' at line 16: 1000 is out of range 1280..9000"),
        Arguments.of(
            "mtu not a number",
            "topology: full-mesh",
            "topology: full-mesh\nmtu: big",
            "Property 'mtu' at line 16: 'big' is not a whole number"),
        Arguments.of(
            "keepalive too long",
            "topology: full-mesh",
            "topology: full-mesh\nkeepalive: 7200",
            "Property 'keepalive' at line 16: 7200 is out of range 0..3600"),
        Arguments.of(
            "unknown bfd profile",
            "topology: full-mesh",
            "topology: full-mesh\nbfd: slow",
            "Property 'bfd' at line 16: 'slow' is not one of normal, fast"),
        Arguments.of(
            "bad publish",
            "publish: zonefile:/tmp/x.zone",
            "publish: /tmp/x.zone",
            "Property 'publish' at line 16: '/tmp/x.zone' is not a URI"),
        Arguments.of(
            "bad ttl",
            "ttl: 300",
            "ttl: 5 minutes",
            "Property 'ttl' at line 17: '5 minutes' is not a duration"),
        Arguments.of(
            "ttl out of range",
            "ttl: 300",
            "ttl: 2d",
            "Property 'ttl' at line 17: 2d is out of range"),
        Arguments.of(
            "lifetime too short",
            "record-lifetime: 7d",
            "record-lifetime: 10m",
            "Property 'record-lifetime' at line 18"),
        Arguments.of(
            "bad public key",
            "box-public: ",
            "box-public: AAAA",
            "Property 'site-keys.box-public' at line 21"),
        Arguments.of(
            "bad uuid",
            "uuid: 6f1c0000-0000-4000-8000-000000000002",
            "uuid: not-a-uuid",
            "Property 'hosts[1].uuid' at line 32: 'not-a-uuid' is not a UUID"),
        Arguments.of(
            "duplicate uuid",
            "uuid: 6f1c0000-0000-4000-8000-000000000002",
            "uuid: 6f1c0000-0000-4000-8000-000000000001",
            "Property 'hosts[1].uuid' at line 32: duplicate uuid 6f1c0000-0000-4000-8000-000000000001, already used by Property 'hosts[0].uuid' at line 23"),
        Arguments.of(
            "duplicate hostname",
            "hostname: router2",
            "hostname: router1",
            "Property 'hosts[1].hostname' at line 33: duplicate hostname router1, already used by Property 'hosts[0].hostname' at line 24"),
        Arguments.of(
            "bad hostname",
            "hostname: router2",
            "hostname: router_2",
            "Property 'hosts[1].hostname' at line 33"),
        Arguments.of(
            "duplicate number",
            "number: 2",
            "number: 1",
            "Property 'hosts[1].number' at line 34: duplicate number 1 (port 51001), already used by Property 'hosts[0].number' at line 25"),
        Arguments.of(
            "number zero",
            "number: 2",
            "number: 0",
            "Property 'hosts[1].number' at line 34: 0 is out of range 1..65535"),
        Arguments.of(
            "duplicate asn",
            "asn: 64513",
            "asn: 64512",
            "Property 'hosts[1].asn' at line 35: duplicate AS 64512, already used by Property 'hosts[0].asn' at line 26"),
        Arguments.of(
            "asn outside range",
            "asn: 64513",
            "asn: 4200000000",
            "Property 'hosts[1].asn' at line 35: AS 4200000000 is outside asn-range 64512:65534"),
        Arguments.of(
            "asn not private",
            "asn: 64513",
            "asn: 3320",
            "Property 'hosts[1].asn' at line 35: 3320 is not a private AS number"),
        Arguments.of(
            "bad endpoint",
            "- 198.51.100.2\n",
            "- router.example.com\n",
            "Property 'hosts[1].endpoints[0]' at line 38"),
        Arguments.of(
            "lan overlap",
            "- 10.2.0.0/24",
            "- 10.1.0.128/25",
            "Property 'hosts[1].lan-prefixes[0]' at line 40: 10.1.0.128/25 overlaps 10.1.0.0/24 (Property 'hosts[0].lan-prefixes[0]' at line 31)"),
        Arguments.of(
            "lan outside allowed",
            "- 10.2.0.0/24",
            "- 203.0.113.0/24",
            "Property 'hosts[1].lan-prefixes[0]' at line 40: 203.0.113.0/24 is not inside allowed-lan-prefixes"),
        Arguments.of(
            "lan in tunnel",
            "- 10.2.0.0/24",
            "- fd12:3456:789a:1::/64",
            "Property 'hosts[1].lan-prefixes[0]' at line 40: fd12:3456:789a:1::/64 overlaps the tunnel prefix"),
        Arguments.of(
            "retired in use",
            "- number: 3",
            "- number: 2",
            "Property 'retired[0].number' at line 42: number 2 is retired but also used by Property 'hosts[1].number' at line 34"),
        Arguments.of(
            "syntax error", "locus: mesh1\n", "locus: [mesh1\n", "YAML syntax error at line"),
        Arguments.of(
            "duplicate key",
            "locus: mesh1\n",
            "locus: mesh1\nlocus: mesh2\n",
            "Property 'locus' at line 6: duplicate key"),
        Arguments.of(
            "hosts not a list",
            "hosts:\n- uuid: 6f1c0000-0000-4000-8000-000000000001",
            "hosts: 3\nx:\n- uuid: 6f1c0000-0000-4000-8000-000000000001",
            "Property 'x' at line 23: unknown key"),
        Arguments.of("version", "version: 1", "version: 2", "Property 'version' at line 3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void load_badFile_namesPropertyAndLineAndChangesNothing(
      String name, String from, String to, String message) throws Exception {
    assertThat(good).contains(from);
    String bad =
        good.replaceFirst(
            java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    Files.writeString(yaml, bad);
    byte[] before = Files.readAllBytes(yaml);
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(WgmeshException.class)
        .hasMessageContaining(yaml.toString())
        .hasMessageContaining(message);
    assertThat(Files.readAllBytes(yaml)).isEqualTo(before);
  }

  @Test
  void load_durationsAndDefaults_apply() throws Exception {
    String minimal =
        good.replaceAll("(?m)^(portbase|asn-range|topology|ttl|record-lifetime|version):.*\\n", "")
            .replaceAll(
                "(?s)allowed-lan-prefixes:.*?publish", "ttl: 15m\nrecord-lifetime: 48h\npublish");
    assertThat(minimal).doesNotContain("portbase").doesNotContain("allowed").contains("ttl: 15m");
    Files.writeString(yaml, minimal);
    Site s = SiteFile.load(yaml);
    assertThat(s.settings().portbase()).isEqualTo(51000);
    assertThat(s.asnRange().toString()).isEqualTo("64512:65534");
    assertThat(s.settings().allowedLanPrefixes()).hasSize(5);
    assertThat(s.ttl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(s.recordLifetime()).isEqualTo(Duration.ofHours(48));
  }

  @Test
  void observed_isStateNotConfiguration_neverWrittenNorRead() throws Exception {
    Site s = SiteFile.load(yaml);
    Observed seen = new Observed(IpAddress.parse("198.51.100.7", "t"), true);
    Site observed = s.withHost(s.hosts().get(1).withObserved(seen));
    // Byte for byte the file without it: the site file holds what the admin approved.
    assertThat(SiteCodec.render(observed)).isEqualTo(good);
    SiteFile.save(observed, yaml);
    assertThat(Files.readString(yaml)).isEqualTo(good);
    assertThat(SiteFile.load(yaml).hosts()).allSatisfy(h -> assertThat(h.observed()).isEmpty());
  }

  @Test
  void hpkePublic_isReadAndWrittenBack_onlyWhenPresent_andABadKeyIsRefused() throws Exception {
    Site s = SiteFile.load(yaml);
    assertThat(good).doesNotContain("hpke-public");
    assertThat(s.hosts()).allSatisfy(h -> assertThat(h.hpkePublic()).isEmpty());
    var hpke = X25519PrivateKey.generate().publicKey();
    Site moved = s.withHost(s.hosts().get(1).withHpkePublic(hpke));
    String text = SiteCodec.render(moved);
    assertThat(text).contains("hpke-public: " + hpke.toBase64());
    assertThat(text.lines().filter(l -> l.contains("hpke-public"))).hasSize(1);
    Files.writeString(yaml, text);
    Site back = SiteFile.load(yaml);
    assertThat(back.hosts()).isEqualTo(moved.hosts());
    assertThat(back.hosts().get(1).hpkePublic()).contains(hpke);
    assertThat(back.hosts().get(0).hpkePublic()).isEmpty();
    assertThat(SiteCodec.render(back)).isEqualTo(text);
    // Without it again: byte for byte the file of before.
    assertThat(SiteCodec.render(back.withHost(back.hosts().get(1).withoutHpkePublic())))
        .isEqualTo(good);
    Files.writeString(yaml, text.replace(hpke.toBase64(), "not-a-key"));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(WgmeshException.class)
        .hasMessageContaining("Property 'hosts[1].hpke-public'");
  }

  @Test
  void linkSettings_areReadAndWrittenBack_onlyWhenNotTheDefault() throws Exception {
    Site s = SiteFile.load(yaml);
    assertThat(s.settings().links()).isEqualTo(LinkSettings.DEFAULT);
    assertThat(good).doesNotContain("mtu").doesNotContain("keepalive").doesNotContain("bfd");
    Files.writeString(
        yaml,
        good.replaceFirst(
            "(?m)^topology: full-mesh$",
            "topology: full-mesh\nmtu: 1380\nkeepalive: 0\nbfd: fast"));
    Site set = SiteFile.load(yaml);
    assertThat(set.settings().links())
        .isEqualTo(new LinkSettings(java.util.OptionalInt.of(1380), 0, BfdProfile.FAST));
    String text = SiteCodec.render(set);
    assertThat(text).contains("mtu: 1380\nkeepalive: 0\nbfd: fast\n");
    // Back to the defaults: byte for byte the file of before.
    assertThat(SiteCodec.render(set.withLinks(LinkSettings.DEFAULT))).isEqualTo(good);
  }

  @Test
  void groupKeyMaxAge_isReadAndWrittenBack_andOutOfRangeIsRefused() throws Exception {
    Files.writeString(
        yaml,
        good.replaceFirst(
            "(?m)^record-lifetime: (.*)$", "record-lifetime: $1\ngroup-key-max-age: 30d"));
    Site s = SiteFile.load(yaml);
    assertThat(s.keyPolicy().groupKeyMaxAge()).contains(Duration.ofDays(30));
    assertThat(SiteCodec.render(s)).contains("group-key-max-age: 30d");
    assertThat(SiteCodec.render(s.withKeyPolicy(org.wgmesh.core.site.KeyPolicy.NONE)))
        .doesNotContain("group-key-max-age");
    Files.writeString(
        yaml,
        good.replaceFirst(
            "(?m)^record-lifetime: (.*)$", "record-lifetime: $1\ngroup-key-max-age: 10m"));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(WgmeshException.class)
        .hasMessageContaining("Property 'group-key-max-age'");
  }

  @Test
  void roll_startThenComplete_replacesTheSigningKey_andDropsTheOldOne() throws Exception {
    java.time.Instant t = java.time.Instant.parse("2027-01-01T00:00:00Z");
    Site before = SiteFile.load(yaml);
    Site rolled = SiteKeyRolls.start(SiteFile.load(yaml), yaml, Duration.ofDays(14), t);
    SiteKeyRoll roll = rolled.keyPolicy().roll().orElseThrow();
    assertThat(roll.at()).isEqualTo(t.plus(Duration.ofDays(14)));
    assertThat(SiteFile.load(yaml)).isEqualTo(rolled);
    assertThat(rolled.keys().signing().publicKey()).isEqualTo(before.keys().signing().publicKey());
    // Not due yet: nothing changes.
    assertThat(SiteKeyRolls.complete(SiteFile.load(yaml), yaml, t.plus(Duration.ofDays(13))))
        .isEmpty();
    assertThat(SiteFile.load(yaml)).isEqualTo(rolled);
    // Due: the next key is the signing key, the old key file is gone.
    assertThat(SiteKeyRolls.complete(SiteFile.load(yaml), yaml, roll.at())).isPresent();
    Site done = SiteFile.load(yaml);
    assertThat(done.keys().signing().publicKey()).isEqualTo(roll.nextSigning().publicKey());
    assertThat(done.keyPolicy().roll()).isEmpty();
    assertThat(done.keys().box().publicKey()).isEqualTo(roll.nextBox().publicKey());
    assertThat(before.keys().box().publicKey()).isNotEqualTo(roll.nextBox().publicKey());
    assertThat(SiteKeyStore.beside(yaml).nextSigning()).doesNotExist();
    assertThat(SiteKeyStore.beside(yaml).nextBox()).doesNotExist();
    assertThat(Files.readString(SiteKeyStore.beside(yaml).box()).strip())
        .isEqualTo(roll.nextBox().toBase64());
    assertThat(Files.readString(SiteKeyStore.beside(yaml).signing()).strip())
        .isEqualTo(roll.nextSigning().toBase64());
    assertThat(SiteKeyRolls.complete(SiteFile.load(yaml), yaml, roll.at())).isEmpty();
  }

  @Test
  void roll_completionInterruptedBeforeTheKeyFileMoved_loadsAndIsFinishedByTheNextRun()
      throws Exception {
    java.time.Instant t = java.time.Instant.parse("2027-01-01T00:00:00Z");
    Site rolled = SiteKeyRolls.start(SiteFile.load(yaml), yaml, Duration.ofDays(14), t);
    SiteKeyRoll roll = rolled.keyPolicy().roll().orElseThrow();
    // The site file already names the new key, the key files are not moved yet.
    Site half =
        new Site(
            rolled.settings(),
            rolled.hosts(),
            roll.nextKeys(),
            rolled.asnRange(),
            rolled.publishTarget(),
            rolled.ttl(),
            rolled.recordLifetime(),
            rolled.retired(),
            rolled.keyPolicy().withRoll(java.util.Optional.empty()),
            rolled.enrolment());
    SiteFile.save(half, yaml);
    assertThat(SiteFile.load(yaml).keys().signing().publicKey())
        .isEqualTo(roll.nextSigning().publicKey());
    assertThat(SiteFile.load(yaml).keys().box().publicKey()).isEqualTo(roll.nextBox().publicKey());
    assertThat(SiteKeyRolls.complete(SiteFile.load(yaml), yaml, t)).isPresent();
    assertThat(SiteKeyStore.beside(yaml).nextSigning()).doesNotExist();
    assertThat(SiteKeyStore.beside(yaml).nextBox()).doesNotExist();
    assertThat(SiteFile.load(yaml).keys().signing().publicKey())
        .isEqualTo(roll.nextSigning().publicKey());
  }

  @Test
  void roll_secondRollWhileOneIsUnderWay_isAConflict_andHandEditedHalfRollIsRefused()
      throws Exception {
    java.time.Instant t = java.time.Instant.parse("2027-01-01T00:00:00Z");
    SiteKeyRolls.start(SiteFile.load(yaml), yaml, Duration.ofDays(14), t);
    String text = Files.readString(yaml);
    assertThatThrownBy(() -> SiteKeyRolls.start(SiteFile.load(yaml), yaml, Duration.ofDays(14), t))
        .isInstanceOf(org.wgmesh.core.error.ConflictException.class);
    assertThat(Files.readString(yaml)).isEqualTo(text);
    Files.writeString(yaml, text.replaceFirst("(?m)^  roll-at: .*\\n", ""));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(WgmeshException.class)
        .hasMessageContaining("go together");
  }
}
