package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.KeySwitch;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.registration.KeyRotation;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.site.publish.PublishVerification;
import org.wgmesh.site.publish.Publishers;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.publish.target.Publisher;

/**
 * A host key rotation as a scheduled switch (issue 12): {@code wgsite -i} records it, {@code wgpub}
 * publishes it with its switch time and reports it, {@code wgpub --verify} agrees.
 */
class KeySwitchTest {
  static final String DOMAIN = "mesh.example.com";
  static final Instant T0 = Instant.parse("2026-12-03T14:00:00Z");
  static final Duration DELAY = Duration.ofMinutes(15);

  @TempDir Path dir;
  Path yaml;

  record HostKey(X25519PrivateKey key, UUID uuid, String name) {}

  Result wgsite(Instant now, String... args) {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    return CliRun.run(i -> new WgsiteCommand(i, clock), args);
  }

  Result wgpub(Instant now, String... args) {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    BiFunction<String, Path, Publisher> publishers =
        (uri, d) -> Publishers.fromUri(uri, d, Map.of());
    return CliRun.run(
        i ->
            new WgpubCommand(
                i,
                r -> new SitePublication(r, publishers, clock),
                r -> new PublishVerification(r, publishers, clock)),
        args);
  }

  @BeforeEach
  void create() {
    yaml = dir.resolve("wgmesh.yaml");
    Result r =
        wgsite(
            T0,
            "--domain",
            DOMAIN,
            "--locus",
            "mesh1",
            "--tunnel-prefix",
            "fd12:3456:789a::/48",
            "--publish",
            "zonefile:mesh.zone",
            yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
  }

  String blob(HostKey h, X25519PrivateKey key, String lan) {
    Site site = SiteFile.load(yaml);
    Registration r =
        Registration.builder()
            .uuid(h.uuid())
            .hostname(h.name())
            .publicKey(key.publicKey())
            .endpoints(List.of(IpAddress.parse("198.51.100.9", "t")))
            .lanPrefixes(List.of(IpPrefix.parse(lan, "t")))
            .created(Instant.parse("2026-11-22T08:00:00Z"))
            .build();
    return RegistrationBlob.seal(r, key, site.keys().box().publicKey(), DOMAIN);
  }

  String rotation(HostKey h, X25519PrivateKey endorsedBy, X25519PrivateKey next) {
    Site site = SiteFile.load(yaml);
    return KeyRotation.endorse(
        blob(h, next, "10.1.0.0/24"),
        endorsedBy,
        next.publicKey(),
        site.keys().box().publicKey(),
        DOMAIN);
  }

  HostKey admit(String name, String lan) {
    HostKey h = new HostKey(X25519PrivateKey.generate(), UUID.randomUUID(), name);
    Result r = wgsite(T0, "-i", blob(h, h.key(), lan), "--yes", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    return h;
  }

  HostEntry entry(HostKey h) {
    return SiteFile.load(yaml).host(h.uuid()).orElseThrow();
  }

  @Test
  void rotation_schedulesTheSwitchFromTheCurrentKey_andReimportingItChangesNothing()
      throws Exception {
    HostKey h = admit("router1", "10.1.0.0/24");
    X25519PrivateKey next = X25519PrivateKey.generate();
    Instant now = T0.plus(Duration.ofHours(1));
    String blob = rotation(h, h.key(), next);

    Result r = wgsite(now, "-i", blob, yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    Instant at = now.plus(DELAY);
    assertThat(r.err())
        .contains(
            "key switch from "
                + h.key().publicKey().fingerprint()
                + " to "
                + next.publicKey().fingerprint()
                + " at "
                + at);
    HostEntry e = entry(h);
    assertThat(e.publicKey()).isEqualTo(next.publicKey());
    assertThat(e.keySwitch()).contains(new KeySwitch(h.key().publicKey(), at));
    assertThat(Files.readString(yaml))
        .contains("previous-key: " + h.key().publicKey().toBase64())
        .contains("key-switch-at:");

    // The same blob again, later: nothing changes, the time stays.
    byte[] before = Files.readAllBytes(yaml);
    Result again = wgsite(now.plus(Duration.ofMinutes(5)), "-i", blob, yaml.toString());
    assertThat(again.rc()).as(again.err()).isZero();
    assertThat(again.err()).contains("nothing changed");
    assertThat(Files.readAllBytes(yaml)).isEqualTo(before);
  }

  @Test
  void rotation_usesTheSitesKeySwitchDelay() throws Exception {
    HostKey h = admit("router1", "10.1.0.0/24");
    Files.writeString(
        yaml,
        Files.readString(yaml)
            .replaceFirst("(?m)^(record-lifetime: .*)$", "$1\nkey-switch-delay: 40m"));
    Instant now = T0.plus(Duration.ofHours(1));
    Result r =
        wgsite(now, "-i", rotation(h, h.key(), X25519PrivateKey.generate()), yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(entry(h).keySwitch().orElseThrow().at()).isEqualTo(now.plus(Duration.ofMinutes(40)));
    Result report = wgsite(now, yaml.toString());
    assertThat(report.out())
        .contains("key switch:      40 min after the new key is published\n")
        .contains("key switch:      router1 from " + h.key().publicKey().fingerprint());
    // Not above the deploy interval plus the ttl: the report says so.
    Files.writeString(
        yaml, Files.readString(yaml).replace("key-switch-delay: 40m", "key-switch-delay: 5m"));
    assertThat(wgsite(now, yaml.toString()).out()).contains("NOT above the endpoints' deploy");
  }

  @Test
  void rotatingAgainBeforeTheSwitch_isEndorsedByThePreviousOrTheNewKey_andSwitchesFromTheKeyInUse()
      throws Exception {
    HostKey h = admit("router1", "10.1.0.0/24");
    X25519PrivateKey next = X25519PrivateKey.generate();
    Instant now = T0.plus(Duration.ofHours(1));
    assertThat(wgsite(now, "-i", rotation(h, h.key(), next), yaml.toString()).rc()).isZero();

    // Endorsed by the key the host still uses (the switch is ahead): accepted.
    X25519PrivateKey third = X25519PrivateKey.generate();
    Instant soon = now.plus(Duration.ofMinutes(2));
    Result r = wgsite(soon, "-i", rotation(h, h.key(), third), yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(entry(h).publicKey()).isEqualTo(third.publicKey());
    assertThat(entry(h).keySwitch()).contains(new KeySwitch(h.key().publicKey(), soon.plus(DELAY)));

    // Endorsed by the admitted (new) key: accepted; the host still uses its first key until then.
    X25519PrivateKey fourth = X25519PrivateKey.generate();
    Instant later = soon.plus(Duration.ofMinutes(1));
    Result r2 = wgsite(later, "-i", rotation(h, third, fourth), yaml.toString());
    assertThat(r2.rc()).as(r2.err()).isZero();
    assertThat(entry(h).keySwitch())
        .contains(new KeySwitch(h.key().publicKey(), later.plus(DELAY)));

    // After the switch time, a rotation switches from the key then in use.
    X25519PrivateKey fifth = X25519PrivateKey.generate();
    Instant after = later.plus(Duration.ofHours(1));
    Result r3 = wgsite(after, "-i", rotation(h, fourth, fifth), yaml.toString());
    assertThat(r3.rc()).as(r3.err()).isZero();
    assertThat(entry(h).keySwitch()).contains(new KeySwitch(fourth.publicKey(), after.plus(DELAY)));
  }

  @Test
  void rotationEndorsedByThePreviousKeyAfterTheSwitch_isRefusedAndChangesNothing()
      throws Exception {
    HostKey h = admit("router1", "10.1.0.0/24");
    X25519PrivateKey next = X25519PrivateKey.generate();
    Instant now = T0.plus(Duration.ofHours(1));
    assertThat(wgsite(now, "-i", rotation(h, h.key(), next), yaml.toString()).rc()).isZero();
    // The switch is past: the previous key is retired and must not rotate the host any more.
    byte[] before = Files.readAllBytes(yaml);
    Instant after = now.plus(DELAY).plusSeconds(1);
    Result r =
        wgsite(after, "-i", rotation(h, h.key(), X25519PrivateKey.generate()), yaml.toString());
    assertThat(r.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(r.err()).contains("rotation blob: old key").doesNotContain("switching from");
    assertThat(Files.readAllBytes(yaml)).isEqualTo(before);
  }

  @Test
  void rotationEndorsedByAStrangersKey_isRefusedAndChangesNothing() throws Exception {
    HostKey h = admit("router1", "10.1.0.0/24");
    HostKey other = admit("router2", "10.2.0.0/24");
    Instant now = T0.plus(Duration.ofHours(1));
    assertThat(
            wgsite(now, "-i", rotation(h, h.key(), X25519PrivateKey.generate()), yaml.toString())
                .rc())
        .isZero();
    byte[] before = Files.readAllBytes(yaml);
    for (X25519PrivateKey stranger : List.of(X25519PrivateKey.generate(), other.key())) {
      Result r =
          wgsite(now, "-i", rotation(h, stranger, X25519PrivateKey.generate()), yaml.toString());
      assertThat(r.rc()).isEqualTo(ExitCode.INPUT.code());
      assertThat(r.err()).contains("rotation blob: old key").contains("switching from");
      assertThat(Files.readAllBytes(yaml)).isEqualTo(before);
    }
  }

  @Test
  void wgpub_publishesTheSwitchLate_reportsIt_verifies_andSettlesAfterIt() throws Exception {
    HostKey h = admit("router1", "10.1.0.0/24");
    admit("router2", "10.2.0.0/24");
    assertThat(wgpub(T0, yaml.toString()).rc()).isZero();
    X25519PrivateKey next = X25519PrivateKey.generate();
    Instant imported = T0.plus(Duration.ofHours(1));
    assertThat(wgsite(imported, "-i", rotation(h, h.key(), next), yaml.toString()).rc()).isZero();
    int number = entry(h).number();

    // The hourly timer publishes an hour after the import: the switch is 15 min after that.
    Instant late = imported.plus(Duration.ofHours(1));
    Instant s = late.plus(DELAY);
    String report =
        "h" + number + " (router1): key switch to " + next.publicKey().fingerprint() + " at " + s;
    Result dry = wgpub(late, "--dry-run", yaml.toString());
    assertThat(dry.rc()).as(dry.err()).isZero();
    assertThat(dry.out() + dry.err()).contains(report);
    Result pub = wgpub(late, yaml.toString());
    assertThat(pub.rc()).as(pub.err()).isZero();
    assertThat(pub.out() + pub.err()).contains(report);
    Path statePath = SitePublication.statePath(yaml);
    PublicationState state =
        PublicationState.parse(Files.readString(statePath), statePath.toString());
    assertThat(state.switches().get(h.uuid()))
        .isEqualTo(new PublicationState.Switch(next.publicKey(), s));

    Result verify = wgpub(late.plusSeconds(30), "--verify", yaml.toString());
    assertThat(verify.rc()).as(verify.out() + verify.err()).isZero();

    // A later run keeps the time; after it the entry is published settled.
    Result again = wgpub(late.plus(Duration.ofMinutes(5)), yaml.toString());
    assertThat(again.out() + again.err()).contains(report).contains("up to date");
    Result settled = wgpub(s.plusSeconds(1), yaml.toString());
    assertThat(settled.rc()).as(settled.err()).isZero();
    assertThat(settled.out() + settled.err()).doesNotContain("key switch to");
    assertThat(Files.readString(statePath)).doesNotContain("switch ");
    Result verifyAfter = wgpub(s.plusSeconds(30), "--verify", yaml.toString());
    assertThat(verifyAfter.rc()).as(verifyAfter.out() + verifyAfter.err()).isZero();
  }
}
