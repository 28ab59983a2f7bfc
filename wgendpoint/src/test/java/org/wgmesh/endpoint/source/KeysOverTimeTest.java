package org.wgmesh.endpoint.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.KeyFiles;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.dns.ZoneFileSource;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.record.MeshReader;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.site.KeyPolicy;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.site.SiteKeyRolls;
import org.wgmesh.core.site.SiteKeyStore;
import org.wgmesh.core.testing.TestClock;
import org.wgmesh.endpoint.config.EnrolOptions;
import org.wgmesh.endpoint.config.Enrolment;
import org.wgmesh.endpoint.config.HostKeyring;
import org.wgmesh.endpoint.config.HostKeys;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.site.publish.Publishers;
import org.wgmesh.site.publish.SitePublication;

/**
 * The mesh over 90 simulated days (issue 12, "Keys over time"), pure Java with one injected clock:
 * the real publisher ({@link SitePublication} writing a zone file, site file and publication state)
 * runs every 12 hours, and four endpoints enrolled with the real {@link Enrolment} read and verify
 * the zone every 3 hours through the real {@link EndpointMeshSource}, recording the accepted state
 * as {@code wgdeploy} does (the host-side effects are left out). On the way: a removal, group-key
 * rotations on the {@code group-key-max-age} schedule, the controller down for two days, a replay
 * of a pre-rotation publication, and a site-key roll that one endpoint misses entirely (offline for
 * the whole overlap) and is re-pinned by fingerprint.
 *
 * <p>Checked: no endpoint ever accepts (or is served) an expired record; every rotation the
 * publisher made reaches the endpoints that are members; the roll completes (the old key is dropped
 * on the site and on the endpoints); every refusal is one of the expected ones, at the expected
 * time.
 */
class KeysOverTimeTest {
  static final String D = "mesh.example.com";
  static final Instant T0 = Instant.parse("2027-01-04T00:00:00Z");
  static final Duration PUBLISH_EVERY = Duration.ofHours(12);
  static final Duration READ_EVERY = Duration.ofHours(3);

  @TempDir Path dir;

  /** The zone file as DNS serves it now (re-read on every lookup round). */
  static final class ZoneDns implements DnsSource {
    final Path file;
    ZoneFileSource current;

    ZoneDns(Path file) {
      this.file = file;
    }

    void reload() {
      current = ZoneFileSource.load(file);
    }

    @Override
    public Optional<TxtRecordSet> lookup(String name) {
      return current.lookup(name);
    }
  }

  /** One simulated endpoint. */
  final class Endpoint {
    final int number;
    X25519PrivateKey key = X25519PrivateKey.generate();
    final Path configDir;
    EndpointConfig config;
    boolean online = true;
    boolean member = true;
    final TreeSet<Long> epochsSeen = new TreeSet<>();
    final List<String> refusals = new ArrayList<>();
    int keysAdopted;
    int readsBeforeSwitch;
    MeshView last;

    Endpoint(int number) {
      this.number = number;
      this.configDir = dir.resolve("endpoint" + number);
    }

    HostEntry entry() {
      return HostEntry.builder()
          .uuid(new UUID(42, number))
          .hostname("r" + number)
          .number(number)
          .asn(64511 + number)
          .publicKey(key.publicKey())
          .endpoints(List.of(IpAddress.parse("203.0.113." + number, "t")))
          .lanPrefixes(List.of(IpPrefix.parse("198.18." + number + ".0/24", "t")))
          .build();
    }

    EnrolOptions options(Optional<String> fingerprint) {
      return new EnrolOptions(
          DomainName.parse(D, "t"),
          configDir,
          fingerprint,
          Optional.empty(),
          Optional.empty(),
          List.of(
              b -> b.roots = Roots.under(configDir.resolve("root")),
              // The uuid the site admitted (the hosts are in the site file from the start).
              b -> b.uuid = new UUID(42, number)));
    }

    /** wgconfig --site-fingerprint FP DOMAIN. */
    void enrol(String fingerprint) {
      dns.reload();
      config =
          new Enrolment(Reporter.silent(), o -> dns, clock)
              .enrol(options(Optional.of(fingerprint)))
              .config();
      if (!Files.exists(config.hostKey())) {
        KeyFiles.createSecret(config.hostKey(), key.toBase64());
      }
    }

    /** What the deploy timer does, without the host effects: read, verify, record. */
    void read() {
      DomainName dn = DomainName.parse(D, "t");
      // As wgdeploy: during a host key rotation, the next key once the site publishes it.
      MeshSource.KeyedRead keyed =
          source.readRotating(
              config,
              new HostKeyring(
                  key,
                  HostKeys.readPending(config.hostKey(), dn),
                  () -> HostKeys.readHpke(config.hostKey(), dn)));
      MeshSource.Read r = keyed.read();
      MeshView v = r.view();
      // The new key is published ahead with a switch time: until then the host keeps its key.
      if (keyed.next()) {
        if (v.self().keyAt(clock.now).equals(keyed.key().publicKey())) {
          HostKeys.promotePending(config.hostKey(), keyed.key());
          key = keyed.key();
          keysAdopted++;
        } else {
          assertThat(v.self().keyAt(clock.now)).isEqualTo(key.publicKey());
          readsBeforeSwitch++;
        }
      }
      // Never an expired record, whatever was accepted.
      assertThat(v.expires()).as("r%d at %s", number, clock.now).isAfter(clock.now);
      AtomicFiles.write(r.seenFile(), r.seenText(), AtomicFiles.SECRET);
      last = v;
    }
  }

  final TestClock clock = new TestClock(T0);
  ZoneDns dns;
  EndpointMeshSource source;
  Path yaml;
  SitePublication publisher;
  final List<String> log = new ArrayList<>();

  void publish() {
    try (SitePublication.Prepared p = publisher.prepare(yaml, Optional.empty(), false)) {
      publisher.apply(p);
    }
  }

  long publishedEpoch() throws Exception {
    Path state = SitePublication.statePath(yaml);
    return PublicationState.parse(Files.readString(state), state.toString())
        .groupKey()
        .orElseThrow()
        .epoch();
  }

  @Test
  void ninetyDays_rotationsRemovalOutageReplayAndSiteKeyRoll() throws Exception {
    // The site: record lifetime 7 days, group key rotated every 30 days and on every removal.
    yaml = dir.resolve("site/wgmesh.yaml");
    Files.createDirectories(yaml.getParent());
    Path zone = dir.resolve("site/mesh.zone");
    MeshSettings settings =
        new MeshSettings(
            D,
            "lab",
            IpPrefix.parse("fd12:3456:789a::/48", "t"),
            51000,
            SiteFile.defaultAllowedLanPrefixes(),
            org.wgmesh.core.model.Topology.FULL_MESH);
    Site created =
        SiteFile.create(yaml, settings, AsnRange.parse(AsnRange.DEFAULT, "t"), "zonefile:" + zone);
    Map<Integer, Endpoint> endpoints = new LinkedHashMap<>();
    List<HostEntry> hosts = new ArrayList<>();
    for (int n = 1; n <= 4; n++) {
      Endpoint e = new Endpoint(n);
      endpoints.put(n, e);
      hosts.add(e.entry());
    }
    Site site =
        new Site(
            created.settings(),
            hosts,
            created.keys(),
            created.asnRange(),
            created.publishTarget(),
            created.ttl(),
            created.recordLifetime(),
            created.retired(),
            new KeyPolicy(Optional.of(Duration.ofDays(30)), Optional.empty()),
            Optional.empty());
    SiteFile.save(site, yaml);
    String oldFingerprint = site.keys().fingerprint();
    publisher = new SitePublication(Reporter.silent(), Publishers::fromUri, clock);
    dns = new ZoneDns(zone);
    source = new EndpointMeshSource(new MeshReader(clock, 2), c -> dns);
    publish();
    for (Endpoint e : endpoints.values()) {
      e.enrol(oldFingerprint);
    }

    Instant removeAt = T0.plus(Duration.ofDays(20));
    Instant downFrom = T0.plus(Duration.ofDays(40));
    Instant downUntil = downFrom.plus(Duration.ofDays(2));
    Instant offlineFrom = T0.plus(Duration.ofDays(44));
    Instant rollAt = T0.plus(Duration.ofDays(45));
    Duration overlap = Duration.ofDays(14);
    Instant backAt = T0.plus(Duration.ofDays(70));
    Instant hostRotateAt = T0.plus(Duration.ofDays(65));
    Instant end = T0.plus(Duration.ofDays(90));
    X25519PrivateKey r2before = endpoints.get(2).key;
    boolean hostRotated = false;

    TreeSet<Long> epochsPublished = new TreeSet<>();
    epochsPublished.add(publishedEpoch());
    String newFingerprint = null;
    String preRotationZone = null;
    boolean replayed = false;
    boolean removed = false;
    boolean rolled = false;
    int readsOk = 0;

    for (Instant t = T0; !t.isAfter(end); t = t.plus(READ_EVERY)) {
      clock.now = t;
      // The admin's actions.
      if (!removed && !t.isBefore(removeAt)) {
        Site s = SiteFile.load(yaml);
        SiteFile.save(s.withoutHost(endpoints.get(4).entry().uuid()), yaml);
        removed = true;
      }
      if (!rolled && !t.isBefore(rollAt)) {
        Site s = SiteKeyRolls.start(SiteFile.load(yaml), yaml, overlap, t);
        newFingerprint = s.keyPolicy().roll().orElseThrow().nextSigning().publicKey().fingerprint();
        rolled = true;
      }
      if (!hostRotated && !t.isBefore(hostRotateAt)) {
        // r2 rotates its key without a human: wghost --rotate-key, then wgsite -i on the site.
        String blob =
            new org.wgmesh.endpoint.config.HostRegistration(Reporter.silent(), clock, () -> "r2")
                .rotate(endpoints.get(2).configDir, DomainName.parse(D, "t"))
                .blob();
        new org.wgmesh.site.SiteAdmin(Reporter.silent(), (q, d) -> false)
            .admit(yaml, List.of(new org.wgmesh.site.BlobSource.Blob("r2", blob)), false);
        hostRotated = true;
      }
      // The publish timer, unless the controller is down.
      boolean controllerUp = t.isBefore(downFrom) || !t.isBefore(downUntil);
      if (controllerUp && Duration.between(T0, t).toSeconds() % PUBLISH_EVERY.toSeconds() == 0) {
        String before = Files.readString(zone);
        long epochBefore = publishedEpoch();
        publish();
        long epochAfter = publishedEpoch();
        if (epochAfter != epochBefore) {
          epochsPublished.add(epochAfter);
          if (preRotationZone == null && !t.isBefore(T0.plus(Duration.ofDays(25)))) {
            // Keep the publication just before the first scheduled rotation, to replay it.
            preRotationZone = before;
          }
        }
      }
      // A resolver replays the pre-rotation publication for one read round, a day after it.
      boolean replayNow = preRotationZone != null && !replayed && isReplayRound(t);
      String real = null;
      if (replayNow) {
        real = Files.readString(zone);
        Files.writeString(zone, preRotationZone);
        replayed = true;
      }
      dns.reload();
      // The deploy timers.
      Endpoint offline = endpoints.get(3);
      offline.online = t.isBefore(offlineFrom) || !t.isBefore(backAt);
      for (Endpoint e : endpoints.values()) {
        if (!e.online || !e.member) {
          continue;
        }
        try {
          e.read();
          e.epochsSeen.add(epochServed());
          readsOk++;
        } catch (RecordException x) {
          String why = x.why();
          e.refusals.add(t + " " + x.what() + ": " + why);
          if (replayNow && why.contains("is older than") && why.contains("a replay")) {
            continue; // expected: the replayed publication is older than what was accepted
          }
          if (e.number == 4 && removed && why.contains("no key record for this host")) {
            e.member = false; // expected: removed; its key record is gone
            continue;
          }
          if (e.number == 3 && !t.isBefore(backAt) && why.contains("has not pinned")) {
            // Expected: offline for the whole overlap. The hint names the key to pin.
            assertThat(x.hint()).get().asString().contains("--site-fingerprint " + newFingerprint);
            e.enrol(newFingerprint); // the operator re-pins by fingerprint
            e.read();
            continue;
          }
          throw new AssertionError(
              "unexpected refusal for r" + e.number + " at " + t + ": " + why, x);
        }
      }
      if (replayNow) {
        Files.writeString(zone, real);
      }
    }

    // Every refusal was expected, and each expected one happened.
    assertThat(replayed).isTrue();
    assertThat(endpoints.get(4).member).as("removed host refused").isFalse();
    for (int n = 1; n <= 2; n++) {
      assertThat(endpoints.get(n).refusals)
          .as("r%d refusals", n)
          .hasSize(1)
          .allMatch(r -> r.contains("is older than") && r.contains("a replay"));
    }
    // r3 was offline during the replay; back after the roll, it is refused once, then re-pinned.
    assertThat(endpoints.get(3).refusals)
        .as("r3 refusals")
        .hasSize(1)
        .allMatch(r -> r.startsWith(backAt + " ") && r.contains("has not pinned"));
    // Rotations: one for the removal, then every 30 days; members saw every epoch of their time.
    assertThat(epochsPublished.size()).isGreaterThanOrEqualTo(4);
    assertThat(endpoints.get(1).epochsSeen).containsAll(epochsPublished);
    assertThat(endpoints.get(2).epochsSeen).containsAll(epochsPublished);
    // The roll completed: the new key signs alone, the old one is gone on the site...
    Site finalSite = SiteFile.load(yaml);
    assertThat(finalSite.keys().fingerprint()).isEqualTo(newFingerprint);
    assertThat(finalSite.keyPolicy().roll()).isEmpty();
    assertThat(SiteKeyStore.beside(yaml).nextSigning()).doesNotExist();
    // ... and on every endpoint still in the mesh.
    for (int n = 1; n <= 3; n++) {
      Endpoint e = endpoints.get(n);
      assertThat(e.last.siteSigningKey().fingerprint()).isEqualTo(newFingerprint);
      // The box (HPKE) key rolled with it: key records are sealed with the new one.
      assertThat(e.last.siteBoxKey()).isEqualTo(finalSite.keys().box().publicKey());
      assertThat(e.last.siteBoxKey()).isNotEqualTo(created.keys().box().publicKey());
      assertThat(Files.readString(EndpointMeshSource.seenFile(e.config)))
          .contains("site-key " + finalSite.keys().signing().publicKey().toBase64())
          .doesNotContain("next-site-key");
    }
    assertThat(readsOk).isGreaterThan(1500);
    // The host key rotation completed: the site, r2 and its peers all use the new key.
    Endpoint r2 = endpoints.get(2);
    assertThat(r2.keysAdopted).isEqualTo(1);
    // The site published the new key with a switch time; r2 read it before that time at least once
    // and kept its key then (the peers configured the previous key: keyAt, below).
    assertThat(r2.readsBeforeSwitch).isGreaterThanOrEqualTo(1);
    assertThat(r2.key).isNotEqualTo(r2before);
    assertThat(finalSite.host(r2.entry().uuid()).orElseThrow().publicKey())
        .isEqualTo(r2.key.publicKey());
    assertThat(r2.last.self().publicKey()).isEqualTo(r2.key.publicKey());
    assertThat(Files.exists(org.wgmesh.endpoint.config.HostKeys.pendingFile(r2.config.hostKey())))
        .isFalse();
    for (int n : List.of(1, 3)) {
      assertThat(endpoints.get(n).last.peers())
          .filteredOn(p -> p.number() == 2)
          .singleElement()
          .satisfies(p -> assertThat(p.keyAt(clock.now)).isEqualTo(r2.key.publicKey()));
    }
    // r2 was admitted without an HPKE key; 'wghost --rotate-key' made one (0600) and the rotation
    // carried it, so it moved over: its key record is sealed to the HPKE key, not the WireGuard
    // key, and it read every mesh after that (no refusal beyond the replay, checked above).
    Path hpkeFile =
        org.wgmesh.endpoint.config.HostKeys.hpkeFile(r2.config.hostKey(), DomainName.parse(D, "t"));
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(hpkeFile)))
        .isEqualTo("rw-------");
    X25519PrivateKey r2hpke = X25519PrivateKey.parse(Files.readString(hpkeFile).strip(), "t");
    assertThat(site.host(r2.entry().uuid()).orElseThrow().hpkePublic()).isEmpty();
    assertThat(finalSite.host(r2.entry().uuid()).orElseThrow().hpkePublic())
        .contains(r2hpke.publicKey());
    assertThat(r2hpke.publicKey()).isNotEqualTo(r2.key.publicKey());
    TxtRecordSet r2keyRecord =
        dns.lookup(org.wgmesh.core.record.RecordNames.keyRecordName(D, r2.key.publicKey()))
            .orElseThrow();
    var box = finalSite.keys().box().publicKey();
    assertThat(
            org.wgmesh.core.record.KeyRecord.decode(
                    r2keyRecord, r2.key, Optional.of(r2hpke), box, D)
                .hostNumber())
        .isEqualTo(2);
    assertThatThrownBy(() -> org.wgmesh.core.record.KeyRecord.decode(r2keyRecord, r2.key, box, D))
        .isInstanceOf(RecordException.class);
    // The hosts that never rotated have no HPKE key and are still sealed to their WireGuard key.
    assertThat(finalSite.host(endpoints.get(1).entry().uuid()).orElseThrow().hpkePublic())
        .isEmpty();
    assertThat(r2.last.serial()).isEqualTo(endpoints.get(1).last.serial());
  }

  /** The first read round 24 hours after a publish slot (so one round only, once). */
  private boolean isReplayRound(Instant t) {
    return Duration.between(T0, t).toHours() % 24 == 3;
  }

  /** The epoch of the mesh record just verified (the view does not carry it). */
  private long epochServed() {
    return org.wgmesh.core.record.MeshRecord.decodeFirstContact(
            dns.lookup(D).orElseThrow(), D, clock.now)
        .epoch();
  }
}
