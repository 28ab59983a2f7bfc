package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.testing.InMemoryDnsSource;

class MeshReaderTest {
  private final SiteKeys site = Fixtures.siteKeys();
  private final PublicationPlanner planner =
      new PublicationPlanner(site, 300, Duration.ofDays(7), Duration.ofDays(2), new Random(5));
  private final MeshReader reader =
      new MeshReader(Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC), 4);

  private PublicationPlan publish(
      List<HostEntry> hosts, PublicationState state, InMemoryDnsSource dns, Instant now) {
    PublicationPlan plan = planner.plan(Fixtures.settings(), hosts, state, dns.snapshot(), now);
    plan.upsertsBeforeMesh().forEach(dns::put);
    plan.meshRecord().ifPresent(dns::put);
    plan.deletesAfterMesh().forEach(dns::remove);
    return plan;
  }

  @Test
  void read_returnsVerifiedViewForEachHost() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(Fixtures.hosts(5), PublicationState.empty(), dns, NOW);
    for (int n = 1; n <= 5; n++) {
      SeenSerials seen = SeenSerials.empty();
      MeshView view =
          reader.read(dns, DOMAIN, site.signing().publicKey(), Fixtures.hostKey(n), seen);
      assertThat(view.self()).isEqualTo(Fixtures.host(n));
      assertThat(view.peers())
          .extracting(HostEntry::number)
          .hasSize(4)
          .doesNotContain(n)
          .isSorted();
      assertThat(view.settings()).isEqualTo(Fixtures.settings());
      assertThat(view.siteBoxKey()).isEqualTo(site.box().publicKey());
      assertThat(seen.mesh()).isEqualTo(view.serial());
      assertThat(seen.host(n)).isPositive();
    }
  }

  @Test
  void read_hostWithHpkeKey_beforeAndAfterTheSiteKnowsIt() {
    var hpke = Fixtures.hostKey(3003);
    var pinned = site.signing().publicKey();
    InMemoryDnsSource dns = new InMemoryDnsSource();
    // Upgrade order: the endpoint has its HPKE key, the site still seals to the WireGuard key.
    PublicationPlan first = publish(Fixtures.hosts(3), PublicationState.empty(), dns, NOW);
    SeenSerials seen = SeenSerials.empty();
    MeshView before =
        reader.read(dns, DOMAIN, pinned, Fixtures.hostKey(3), Optional.of(hpke), seen);
    assertThat(before.self()).isEqualTo(Fixtures.host(3));
    // The site learns the HPKE key: the key record is sealed to it, the host record unchanged.
    List<HostEntry> hosts = new ArrayList<>(Fixtures.hosts(2));
    hosts.add(Fixtures.host(3).withHpkePublic(hpke.publicKey()));
    publish(hosts, first.newState(), dns, NOW.plusSeconds(10));
    MeshView after = reader.read(dns, DOMAIN, pinned, Fixtures.hostKey(3), Optional.of(hpke), seen);
    assertThat(after.self()).isEqualTo(Fixtures.host(3));
    assertThat(after.serial()).isGreaterThan(before.serial());
    assertThatThrownBy(
            () -> reader.read(dns, DOMAIN, pinned, Fixtures.hostKey(3), SeenSerials.empty()))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("does not open"));
    // The others are not affected.
    assertThat(reader.read(dns, DOMAIN, pinned, Fixtures.hostKey(1), SeenSerials.empty()).peers())
        .contains(Fixtures.host(3));
  }

  @Test
  void read_replayedOlderMeshRecordRejected() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationPlan first = publish(Fixtures.hosts(2), PublicationState.empty(), dns, NOW);
    TxtRecordSet oldMesh = first.meshRecord().orElseThrow();
    publish(Fixtures.hosts(3), first.newState(), dns, NOW.plusSeconds(10));
    SeenSerials seen = SeenSerials.empty();
    reader.read(dns, DOMAIN, site.signing().publicKey(), Fixtures.hostKey(1), seen);
    String before = seen.toText();
    dns.put(oldMesh);
    assertThatThrownBy(
            () -> reader.read(dns, DOMAIN, site.signing().publicKey(), Fixtures.hostKey(1), seen))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo(DOMAIN);
              assertThat(e.why()).contains("serial").contains("older");
            });
    assertThat(seen.toText()).isEqualTo(before);
  }

  @Test
  void read_replayedOlderHostRecordRejected() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationPlan first = publish(Fixtures.hosts(2), PublicationState.empty(), dns, NOW);
    TxtRecordSet oldH2 = dns.lookup("h2." + DOMAIN).orElseThrow();
    HostEntry h2 = Fixtures.host(2);
    HostEntry moved = h2.toBuilder().number(2).endpoints(List.of()).build();
    publish(List.of(Fixtures.host(1), moved), first.newState(), dns, NOW.plusSeconds(10));
    SeenSerials seen = SeenSerials.empty();
    assertThat(
            reader.read(dns, DOMAIN, site.signing().publicKey(), Fixtures.hostKey(1), seen).peers())
        .containsExactly(moved);
    dns.put(oldH2);
    assertThatThrownBy(
            () -> reader.read(dns, DOMAIN, site.signing().publicKey(), Fixtures.hostKey(1), seen))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo("h2." + DOMAIN);
              assertThat(e.why()).contains("serial");
            });
  }

  @Test
  void read_notYetMemberGetsHint() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(Fixtures.hosts(2), PublicationState.empty(), dns, NOW);
    assertThatThrownBy(
            () ->
                reader.read(
                    dns,
                    DOMAIN,
                    site.signing().publicKey(),
                    Fixtures.hostKey(7),
                    SeenSerials.empty()))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what())
                  .isEqualTo(RecordNames.keyRecordName(DOMAIN, Fixtures.hostKey(7).publicKey()));
              assertThat(e.hint())
                  .hasValueSatisfying(
                      h -> assertThat(h).contains("not a member yet").contains("wgpub"));
            });
  }

  @Test
  void read_removedHostCanNoLongerRead() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationPlan first = publish(Fixtures.hosts(3), PublicationState.empty(), dns, NOW);
    TxtRecordSet oldKey2 =
        dns.lookup(RecordNames.keyRecordName(DOMAIN, Fixtures.hostKey(2).publicKey()))
            .orElseThrow();
    publish(
        List.of(Fixtures.host(1), Fixtures.host(3)), first.newState(), dns, NOW.plusSeconds(10));
    // Even with its old key record served again, host 2 holds a key of a past epoch.
    dns.put(oldKey2);
    assertThatThrownBy(
            () ->
                reader.read(
                    dns,
                    DOMAIN,
                    site.signing().publicKey(),
                    Fixtures.hostKey(2),
                    SeenSerials.empty()))
        .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.why()).contains("epoch"));
    MeshView view =
        reader.read(
            dns, DOMAIN, site.signing().publicKey(), Fixtures.hostKey(1), SeenSerials.empty());
    assertThat(view.peers()).extracting(HostEntry::number).containsExactly(3);
  }

  @Test
  void read_missingHostRecordNamesIt() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(Fixtures.hosts(3), PublicationState.empty(), dns, NOW);
    dns.remove("h3." + DOMAIN);
    assertThatThrownBy(
            () ->
                reader.read(
                    dns,
                    DOMAIN,
                    site.signing().publicKey(),
                    Fixtures.hostKey(1),
                    SeenSerials.empty()))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.what()).isEqualTo("h3." + DOMAIN));
  }

  @Test
  void read_missingMeshRecordNamesIt() {
    assertThatThrownBy(
            () ->
                reader.read(
                    new InMemoryDnsSource(),
                    DOMAIN,
                    site.signing().publicKey(),
                    Fixtures.hostKey(1),
                    SeenSerials.empty()))
        .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.what()).isEqualTo(DOMAIN));
  }

  @Test
  void read_dnsFailurePassesThrough() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(Fixtures.hosts(3), PublicationState.empty(), dns, NOW);
    DnsException timeout = new DnsException("h2." + DOMAIN, "timed out");
    dns.failWith("h2." + DOMAIN, timeout);
    assertThatThrownBy(
            () ->
                reader.read(
                    dns,
                    DOMAIN,
                    site.signing().publicKey(),
                    Fixtures.hostKey(1),
                    SeenSerials.empty()))
        .isSameAs(timeout);
  }

  @Test
  void read_tamperedHostRecordRejectedAndSeenUnchanged() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(Fixtures.hosts(3), PublicationState.empty(), dns, NOW);
    dns.modify(
        "h3." + DOMAIN,
        r -> {
          List<String> s = new ArrayList<>(r.strings());
          String first = s.stream().filter(x -> x.startsWith("0:")).findFirst().orElseThrow();
          s.set(
              s.indexOf(first),
              first.substring(0, 10) + (first.charAt(10) == 'A' ? 'B' : 'A') + first.substring(11));
          return new TxtRecordSet(r.name(), r.ttl(), s);
        });
    SeenSerials seen = SeenSerials.empty();
    assertThatThrownBy(
            () -> reader.read(dns, DOMAIN, site.signing().publicKey(), Fixtures.hostKey(1), seen))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo("h3." + DOMAIN);
              assertThat(e.why()).contains("signature");
              assertThat(e.hint())
                  .hasValueSatisfying(h -> assertThat(h).contains("tampered").contains("wgpub"));
            });
    assertThat(seen.mesh()).isEqualTo(-1);
  }

  @Test
  void read_expiredMeshRecordRejected() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(Fixtures.hosts(2), PublicationState.empty(), dns, NOW);
    MeshReader late = new MeshReader(Clock.fixed(NOW.plus(Duration.ofDays(8)), ZoneOffset.UTC), 2);
    assertThatThrownBy(
            () ->
                late.read(
                    dns,
                    DOMAIN,
                    site.signing().publicKey(),
                    Fixtures.hostKey(1),
                    SeenSerials.empty()))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("expired"));
  }

  @Test
  void read_otherSiteRejected() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(Fixtures.hosts(2), PublicationState.empty(), dns, NOW);
    assertThatThrownBy(
            () ->
                reader.read(
                    dns,
                    DOMAIN,
                    Fixtures.otherSiteKeys().signing().publicKey(),
                    Fixtures.hostKey(1),
                    SeenSerials.empty()))
        .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.why()).contains("pinned"));
  }

  /** A first read (nothing seen) by host {@code n}. */
  private MeshView firstRead(InMemoryDnsSource dns, int n) {
    return reader.read(
        dns, DOMAIN, site.signing().publicKey(), Fixtures.hostKey(n), SeenSerials.empty());
  }

  /** Host {@code n} of the fixtures with {@code extra} LANs added to its own. */
  private static HostEntry withLans(int n, String... extra) {
    HostEntry h = Fixtures.host(n);
    List<org.wgmesh.core.net.IpPrefix> lans = new ArrayList<>(h.lanPrefixes());
    for (String p : extra) {
      lans.add(org.wgmesh.core.net.IpPrefix.parse(p, "t"));
    }
    return h.toBuilder().number(n).lanPrefixes(List.copyOf(lans)).build();
  }

  /**
   * Issue 19: a LAN moves from host 2 to host 1 (the two host records change, the mesh record does
   * not); a cache that refreshed only h1 serves a view in which both claim it. Refused with the
   * remaining TTL, seen unchanged; once the cache holds the new h2 too the read converges.
   */
  @Test
  void read_hostRecordsOfTwoPublicationsMixedByACache_refusedUntilTheCacheCatchesUp() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationPlan first =
        publish(
            List.of(Fixtures.host(1), withLans(2, "10.77.0.0/24"), Fixtures.host(3)),
            PublicationState.empty(),
            dns,
            NOW);
    var pinned = site.signing().publicKey();
    SeenSerials seen = SeenSerials.empty();
    reader.read(dns, DOMAIN, pinned, Fixtures.hostKey(3), seen);
    TxtRecordSet oldH2 = dns.lookup("h2." + DOMAIN).orElseThrow();
    TxtRecordSet oldMesh = dns.lookup(DOMAIN).orElseThrow();
    publish(
        List.of(withLans(1, "10.77.0.0/24"), Fixtures.host(2), Fixtures.host(3)),
        first.newState(),
        dns,
        NOW.plusSeconds(10));
    assertThat(dns.lookup(DOMAIN).orElseThrow()).isEqualTo(oldMesh);
    TxtRecordSet newH2 = dns.lookup("h2." + DOMAIN).orElseThrow();
    // The cache: new h1, old h2 with 120 s left.
    dns.put(new TxtRecordSet(oldH2.name(), 120, oldH2.strings()));
    String before = seen.toText();
    assertThatThrownBy(() -> reader.read(dns, DOMAIN, pinned, Fixtures.hostKey(3), seen))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(org.wgmesh.core.error.ExitCode.RECORD);
              assertThat(e.what()).isEqualTo(DOMAIN);
              assertThat(e.why())
                  .contains("do not form one publication")
                  .contains("10.77.0.0/24")
                  .contains("record h1." + DOMAIN + " field 'lan-prefixes[")
                  .contains("record h2." + DOMAIN);
              assertThat(e.hint())
                  .hasValueSatisfying(
                      h -> assertThat(h).contains("DNS cache").contains("retry in 300 s"));
            });
    assertThat(seen.toText()).isEqualTo(before);
    dns.put(newH2);
    MeshView view = reader.read(dns, DOMAIN, pinned, Fixtures.hostKey(3), seen);
    assertThat(view.peers()).contains(withLans(1, "10.77.0.0/24"), Fixtures.host(2));
  }

  /** A mix that names a hub the cached host records do not make public is refused too. */
  @Test
  void read_mixThatBreaksTheTopology_refused() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    HostEntry h2 = Fixtures.host(2);
    HostEntry natted = h2.toBuilder().number(2).endpoints(List.of()).lanPrefixes(List.of()).build();
    var settings = Fixtures.settings();
    var hubOf2 =
        new org.wgmesh.core.model.MeshSettings(
            settings.domain(),
            settings.locus(),
            settings.tunnelPrefix(),
            settings.portbase(),
            settings.allowedLanPrefixes(),
            org.wgmesh.core.model.Topology.HubAndSpoke.of(List.of(2)));
    PublicationPlan plan =
        planner.plan(hubOf2, Fixtures.hosts(3), PublicationState.empty(), dns.snapshot(), NOW);
    plan.upsertsBeforeMesh().forEach(dns::put);
    dns.put(plan.meshRecord().orElseThrow());
    // h2 of a later (or earlier) publication in which host 2 had no public address.
    PublicationPlan other =
        planner.plan(
            settings,
            List.of(Fixtures.host(1), natted, Fixtures.host(3)),
            plan.newState(),
            dns.snapshot(),
            NOW.plusSeconds(5));
    other.upsertsBeforeMesh().stream()
        .filter(r -> r.name().equals("h2." + DOMAIN))
        .forEach(dns::put);
    assertThatThrownBy(() -> firstRead(dns, 1))
        .isInstanceOfSatisfying(
            RecordException.class,
            e ->
                assertThat(e.why())
                    .contains("mesh record field 'topology'")
                    .contains("no public address"));
  }

  /**
   * Issue 19: a host that read the mesh before and finds no key record was removed (or rekeyed).
   */
  @Test
  void read_keyRecordGoneAfterEarlierReads_hintSaysRemovedNotRegister() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationPlan first = publish(Fixtures.hosts(3), PublicationState.empty(), dns, NOW);
    var pinned = site.signing().publicKey();
    SeenSerials seen = SeenSerials.empty();
    reader.read(dns, DOMAIN, pinned, Fixtures.hostKey(2), seen);
    publish(
        List.of(Fixtures.host(1), Fixtures.host(3)), first.newState(), dns, NOW.plusSeconds(10));
    assertThatThrownBy(() -> reader.read(dns, DOMAIN, pinned, Fixtures.hostKey(2), seen))
        .isInstanceOfSatisfying(
            RecordException.class,
            e ->
                assertThat(e.hint())
                    .hasValueSatisfying(
                        h ->
                            assertThat(h).contains("removed").doesNotContain("registration blob")));
  }

  /**
   * Issue 19: the first deploy after admission, with the mesh record cached from before it (by
   * wgconfig's own read): the hint names the cache and its TTL, not the admin.
   */
  @Test
  void read_meshRecordCachedFromBeforeAdmission_hintNamesTheCache() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationPlan first = publish(Fixtures.hosts(2), PublicationState.empty(), dns, NOW);
    TxtRecordSet oldMesh = dns.lookup(DOMAIN).orElseThrow();
    publish(Fixtures.hosts(3), first.newState(), dns, NOW.plusSeconds(10));
    dns.put(new TxtRecordSet(DOMAIN, 42, oldMesh.strings()));
    assertThatThrownBy(() -> firstRead(dns, 3))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.why()).contains("not listed");
              assertThat(e.hint())
                  .hasValueSatisfying(
                      h ->
                          assertThat(h)
                              .contains("DNS cache")
                              .contains("retry in 42 s")
                              .doesNotContain("registration blob"));
            });
  }

  /** Issue 19: a host record of the previous group-key epoch gets a hint (it had none). */
  @Test
  void read_hostRecordOfThePreviousEpoch_hasAHint() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationPlan first = publish(Fixtures.hosts(4), PublicationState.empty(), dns, NOW);
    TxtRecordSet oldH3 = dns.lookup("h3." + DOMAIN).orElseThrow();
    publish(
        List.of(Fixtures.host(1), Fixtures.host(2), Fixtures.host(3)),
        first.newState(),
        dns,
        NOW.plusSeconds(10));
    dns.put(oldH3);
    assertThatThrownBy(() -> firstRead(dns, 1))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.why()).contains("epoch");
              assertThat(e.hint())
                  .hasValueSatisfying(h -> assertThat(h).contains("earlier group-key epoch"));
            });
  }

  /** Issue 19: every refusal has a hint, also a record that does not decode at all. */
  @Test
  void read_malformedHostRecord_refusalHasAHint() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(Fixtures.hosts(2), PublicationState.empty(), dns, NOW);
    dns.put(new TxtRecordSet("h2." + DOMAIN, 300, List.of("0:AAAA", "0:AAAB")));
    assertThatThrownBy(() -> firstRead(dns, 1))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo("h2." + DOMAIN);
              assertThat(e.hint())
                  .hasValueSatisfying(h -> assertThat(h).contains("wgpub --verify"));
            });
  }

  @Test
  void seenSerials_textRoundTrips() {
    SeenSerials seen = SeenSerials.empty();
    seen.accept(42, Map.of(1, 7L, 300, 41L));
    SeenSerials back = SeenSerials.parse(seen.toText(), "seen");
    assertThat(back.mesh()).isEqualTo(42);
    assertThat(back.host(300)).isEqualTo(41);
    assertThat(back.host(2)).isEqualTo(-1);
    assertThat(back.toText()).isEqualTo(seen.toText());
    seen.accept(40, Map.of(1, 3L));
    assertThat(seen.mesh()).isEqualTo(42);
    assertThat(seen.host(1)).isEqualTo(7);
    assertThat(seen.host(300)).isEqualTo(-1);
  }
}
