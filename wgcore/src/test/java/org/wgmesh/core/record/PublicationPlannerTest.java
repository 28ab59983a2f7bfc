package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.net.IpAddress;

class PublicationPlannerTest {
  static final Duration LIFETIME = Duration.ofDays(7);
  static final Duration RENEW = Duration.ofDays(2);
  private final SiteKeys site = Fixtures.siteKeys();
  private final PublicationPlanner planner =
      new PublicationPlanner(site, 300, LIFETIME, RENEW, new Random(9));

  /** Applies a plan to a map of published RRsets, in the plan's order. */
  static Map<String, TxtRecordSet> apply(
      Map<String, TxtRecordSet> published, PublicationPlan plan) {
    Map<String, TxtRecordSet> out = new HashMap<>(published);
    plan.upsertsBeforeMesh().forEach(r -> out.put(r.name(), r));
    plan.meshRecord().ifPresent(m -> out.put(m.name(), m));
    plan.deletesAfterMesh().forEach(out::remove);
    return out;
  }

  private record Run(PublicationPlan plan, Map<String, TxtRecordSet> published) {}

  private Run publish(
      List<HostEntry> hosts,
      PublicationState state,
      Map<String, TxtRecordSet> published,
      Instant now) {
    PublicationPlan plan = planner.plan(Fixtures.settings(), hosts, state, published, now);
    Map<String, TxtRecordSet> after = apply(published, plan);
    assertThat(Map.copyOf(after).values()).containsExactlyInAnyOrderElementsOf(plan.desired());
    return new Run(plan, after);
  }

  @Test
  void plan_firstRunWritesHostKeyAndMeshRecords() {
    Run r = publish(Fixtures.hosts(3), PublicationState.empty(), Map.of(), NOW);
    assertThat(r.plan().upsertsBeforeMesh()).hasSize(6);
    assertThat(r.plan().meshRecord()).isPresent();
    assertThat(r.plan().deletesAfterMesh()).isEmpty();
    assertThat(r.plan().newState().groupKey()).isPresent();
    assertThat(r.plan().newState().members()).hasSize(3);
    MeshRecord mesh =
        MeshRecord.decode(
            r.plan().meshRecord().orElseThrow(), site.signing().publicKey(), DOMAIN, NOW);
    assertThat(mesh.members()).containsExactly(1, 2, 3);
    assertThat(mesh.serial()).isEqualTo(r.plan().newState().lastSerial());
    assertThat(mesh.settings()).isEqualTo(Fixtures.settings());
  }

  @Test
  void plan_groupKeyMaxAge_rotatesOnceTheEpochIsThatOld_andNotBefore() {
    PublicationPlanner scheduled = planner.withGroupKeyMaxAge(Optional.of(Duration.ofDays(30)));
    List<HostEntry> hosts = Fixtures.hosts(3);
    PublicationPlan first =
        scheduled.plan(Fixtures.settings(), hosts, PublicationState.empty(), Map.of(), NOW);
    Map<String, TxtRecordSet> published = apply(Map.of(), first);
    PublicationState state = first.newState();
    assertThat(state.groupKeySince()).isEqualTo(Optional.of(NOW));
    long epoch = state.groupKey().orElseThrow().epoch();
    // Re-signed every few days (the renew window), but the epoch stays for 30 days.
    Instant t = NOW;
    for (int day = 5; day < 30; day += 5) {
      t = NOW.plus(Duration.ofDays(day));
      PublicationPlan p = scheduled.plan(Fixtures.settings(), hosts, state, published, t);
      published = apply(published, p);
      state = p.newState();
      assertThat(state.groupKey().orElseThrow().epoch()).as("day %d", day).isEqualTo(epoch);
      assertThat(state.groupKeySince()).isEqualTo(Optional.of(NOW));
    }
    Instant due = NOW.plus(Duration.ofDays(30));
    PublicationPlan rotated = scheduled.plan(Fixtures.settings(), hosts, state, published, due);
    assertThat(rotated.newState().groupKey().orElseThrow().epoch()).isEqualTo(epoch + 1);
    assertThat(rotated.newState().groupKeySince()).isEqualTo(Optional.of(due));
    // Every host and key record is rewritten under the new epoch, then the mesh record.
    assertThat(rotated.upsertsBeforeMesh()).hasSize(6);
    MeshRecord mesh =
        MeshRecord.decode(
            rotated.meshRecord().orElseThrow(), site.signing().publicKey(), DOMAIN, due);
    assertThat(mesh.epoch()).isEqualTo(epoch + 1);
    // Without the setting the same state does not rotate.
    assertThat(
            planner
                .plan(Fixtures.settings(), hosts, state, published, due)
                .newState()
                .groupKey()
                .orElseThrow()
                .epoch())
        .isEqualTo(epoch);
  }

  @Test
  void plan_groupKeyMaxAge_stateWithoutTheKeysAge_startsTheClockInsteadOfRotating() {
    PublicationPlan first =
        planner.plan(
            Fixtures.settings(), Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    PublicationState old = first.newState();
    PublicationState legacy =
        new PublicationState(
            old.lastSerial(), old.groupKey(), old.members(), Optional.empty(), Map.of());
    Instant later = NOW.plus(Duration.ofDays(400));
    PublicationPlan p =
        planner
            .withGroupKeyMaxAge(Optional.of(Duration.ofDays(30)))
            .plan(Fixtures.settings(), Fixtures.hosts(2), legacy, apply(Map.of(), first), later);
    assertThat(p.newState().groupKey().orElseThrow()).isEqualTo(old.groupKey().orElseThrow());
    assertThat(p.newState().groupKeySince()).isEqualTo(Optional.of(later));
  }

  @Test
  void state_groupKeySince_roundTripsAndOldFilesStillRead() {
    PublicationPlan first =
        planner.plan(
            Fixtures.settings(), Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    PublicationState s = first.newState();
    assertThat(s.toText()).contains("group-key-since " + NOW.getEpochSecond());
    assertThat(PublicationState.parse(s.toText(), "state")).isEqualTo(s);
    String old = s.toText().replaceAll("(?m)^group-key-since .*\n", "");
    assertThat(PublicationState.parse(old, "state").groupKeySince()).isEmpty();
    assertThatThrownBy(
            () ->
                PublicationState.parse(
                    s.toText().replace("group-key-since ", "group-key-since x"), "f"))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void plan_secondRunWritesNothing() {
    Run first = publish(Fixtures.hosts(3), PublicationState.empty(), Map.of(), NOW);
    Run second =
        publish(
            Fixtures.hosts(3), first.plan().newState(), first.published(), NOW.plusSeconds(3600));
    assertThat(second.plan().isEmpty()).isTrue();
    assertThat(second.published()).isEqualTo(first.published());
    assertThat(second.plan().newState()).isEqualTo(first.plan().newState());
  }

  @Test
  void plan_joinWritesExactlyThreeRrsets() {
    Run first = publish(Fixtures.hosts(3), PublicationState.empty(), Map.of(), NOW);
    Run join =
        publish(Fixtures.hosts(4), first.plan().newState(), first.published(), NOW.plusSeconds(60));
    assertThat(join.plan().changedRrsets()).isEqualTo(3);
    assertThat(join.plan().upsertsBeforeMesh())
        .extracting(TxtRecordSet::name)
        .containsExactlyInAnyOrder(
            "h4." + DOMAIN, RecordNames.keyRecordName(DOMAIN, Fixtures.hostKey(4).publicKey()));
    assertThat(join.plan().newState().groupKey().orElseThrow())
        .isEqualTo(first.plan().newState().groupKey().orElseThrow());
    MeshRecord before =
        MeshRecord.decodeFirstContact(first.plan().meshRecord().orElseThrow(), DOMAIN, NOW);
    MeshRecord after =
        MeshRecord.decodeFirstContact(join.plan().meshRecord().orElseThrow(), DOMAIN, NOW);
    assertThat(after.serial()).isGreaterThan(before.serial());
  }

  @Test
  void plan_removalRotatesGroupKeyAndDeletesAfterMesh() {
    Run first = publish(Fixtures.hosts(3), PublicationState.empty(), Map.of(), NOW);
    List<HostEntry> remaining = List.of(Fixtures.host(1), Fixtures.host(3));
    Run removal =
        publish(remaining, first.plan().newState(), first.published(), NOW.plusSeconds(60));
    GroupKey oldKey = first.plan().newState().groupKey().orElseThrow();
    GroupKey newKey = removal.plan().newState().groupKey().orElseThrow();
    assertThat(newKey.epoch()).isEqualTo(oldKey.epoch() + 1);
    assertThat(newKey).isNotEqualTo(oldKey);
    assertThat(removal.plan().upsertsBeforeMesh()).hasSize(4);
    assertThat(removal.plan().deletesAfterMesh())
        .containsExactlyInAnyOrder(
            "h2." + DOMAIN, RecordNames.keyRecordName(DOMAIN, Fixtures.hostKey(2).publicKey()));
    MeshRecord mesh =
        MeshRecord.decodeFirstContact(removal.plan().meshRecord().orElseThrow(), DOMAIN, NOW);
    assertThat(mesh.epoch()).isEqualTo(newKey.epoch());
    assertThat(mesh.members()).containsExactly(1, 3);
    assertThat(removal.plan().newState().members()).doesNotContainKey(Fixtures.host(2).uuid());
  }

  @Test
  void plan_changedKeyOfSameUuidRotates() {
    Run first = publish(Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    HostEntry h2 = Fixtures.host(2);
    HostEntry rekeyed =
        h2.toBuilder().number(2).publicKey(Fixtures.hostKey(99).publicKey()).build();
    Run r =
        publish(
            List.of(Fixtures.host(1), rekeyed), first.plan().newState(), first.published(), NOW);
    assertThat(r.plan().newState().groupKey().orElseThrow().epoch())
        .isEqualTo(first.plan().newState().groupKey().orElseThrow().epoch() + 1);
    assertThat(r.plan().deletesAfterMesh())
        .containsExactly(RecordNames.keyRecordName(DOMAIN, h2.publicKey()));
  }

  @Test
  void plan_hpkeKey_sealsTheKeyRecordToIt_andANewOneReseals_hostRecordsUnaffectedByIt() {
    var hpke = Fixtures.hostKey(2002);
    Run first = publish(Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    String keyName = RecordNames.keyRecordName(DOMAIN, Fixtures.hostKey(2).publicKey());
    HostEntry moved = Fixtures.host(2).withHpkePublic(hpke.publicKey());
    Run r =
        publish(
            List.of(Fixtures.host(1), moved),
            first.plan().newState(),
            first.published(),
            NOW.plusSeconds(60));
    // A new sealing key counts as a key change: new epoch, every record rewritten.
    assertThat(r.plan().newState().groupKey().orElseThrow().epoch())
        .isEqualTo(first.plan().newState().groupKey().orElseThrow().epoch() + 1);
    assertThat(r.plan().upsertsBeforeMesh()).extracting(TxtRecordSet::name).contains(keyName);
    assertThat(r.plan().deletesAfterMesh()).isEmpty();
    TxtRecordSet rrset = r.published().get(keyName);
    var box = site.box().publicKey();
    assertThat(
            KeyRecord.decode(rrset, Fixtures.hostKey(2), Optional.of(hpke), box, DOMAIN).groupKey())
        .isEqualTo(r.plan().newState().groupKey().orElseThrow());
    assertThatThrownBy(() -> KeyRecord.decode(rrset, Fixtures.hostKey(2), box, DOMAIN))
        .isInstanceOf(RecordException.class);
    // The state remembers what the key record is sealed to; the next run writes nothing.
    assertThat(r.plan().newState().members().get(moved.uuid()).hpkePublic())
        .contains(hpke.publicKey());
    PublicationState reread = PublicationState.parse(r.plan().newState().toText(), "state");
    assertThat(reread).isEqualTo(r.plan().newState());
    Run again =
        publish(List.of(Fixtures.host(1), moved), reread, r.published(), NOW.plusSeconds(120));
    assertThat(again.plan().isEmpty()).isTrue();
  }

  @Test
  void state_memberWithoutHpkeKey_isWrittenAsBefore() {
    PublicationPlan first =
        planner.plan(
            Fixtures.settings(), Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    String text = first.newState().toText();
    assertThat(text.lines().filter(l -> l.startsWith("member ")))
        .allSatisfy(l -> assertThat(l.split(" ")).hasSize(4));
    assertThatThrownBy(() -> PublicationState.parse(text.replace("member ", "member x "), "s"))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void plan_changedEntryRewritesOnlyItsHostRecord() {
    Run first = publish(Fixtures.hosts(3), PublicationState.empty(), Map.of(), NOW);
    HostEntry h2 = Fixtures.host(2);
    HostEntry moved =
        h2.toBuilder().number(2).endpoints(List.of(IpAddress.parse("203.0.113.9", "t"))).build();
    List<HostEntry> hosts = List.of(Fixtures.host(1), moved, Fixtures.host(3));
    Run r = publish(hosts, first.plan().newState(), first.published(), NOW.plusSeconds(60));
    assertThat(r.plan().upsertsBeforeMesh())
        .extracting(TxtRecordSet::name)
        .containsExactly("h2." + DOMAIN);
    assertThat(r.plan().meshRecord()).isEmpty();
    HostRecord decoded =
        HostRecord.decode(
            r.plan().upsertsBeforeMesh().get(0),
            site.signing().publicKey(),
            r.plan().newState().groupKey().orElseThrow(),
            DOMAIN,
            NOW);
    assertThat(decoded.entry()).isEqualTo(moved);
    assertThat(decoded.serial()).isGreaterThan(first.plan().newState().lastSerial());
  }

  @Test
  void plan_renewsWhatExpiresWithinTheWindow() {
    Run first = publish(Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    Instant later = NOW.plus(LIFETIME).minus(RENEW).plusSeconds(1);
    Run r = publish(Fixtures.hosts(2), first.plan().newState(), first.published(), later);
    assertThat(r.plan().upsertsBeforeMesh())
        .extracting(TxtRecordSet::name)
        .containsExactly("h1." + DOMAIN, "h2." + DOMAIN);
    MeshRecord mesh =
        MeshRecord.decodeFirstContact(r.plan().meshRecord().orElseThrow(), DOMAIN, later);
    assertThat(mesh.serial()).isGreaterThan(first.plan().newState().lastSerial());
    assertThat(mesh.expires())
        .isEqualTo(later.plus(LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  @Test
  void plan_settingsChangeRewritesOnlyMeshRecord() {
    Run first = publish(Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    MeshSettings s = Fixtures.settings();
    MeshSettings changed =
        new MeshSettings(
            s.domain(), s.locus(), s.tunnelPrefix(), 52000, s.allowedLanPrefixes(), s.topology());
    PublicationPlan plan =
        planner.plan(changed, Fixtures.hosts(2), first.plan().newState(), first.published(), NOW);
    assertThat(plan.upsertsBeforeMesh()).isEmpty();
    assertThat(
            MeshRecord.decodeFirstContact(plan.meshRecord().orElseThrow(), DOMAIN, NOW)
                .settings()
                .portbase())
        .isEqualTo(52000);
  }

  @Test
  void plan_deletesOnlyNamesThatAreOurs() {
    Run first = publish(Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    Map<String, TxtRecordSet> published = new HashMap<>(first.published());
    for (String foreign :
        List.of(
            "www." + DOMAIN,
            "h1.sub." + DOMAIN,
            "h7.x" + DOMAIN,
            "_key.foo." + DOMAIN,
            "hx." + DOMAIN)) {
      published.put(foreign, new TxtRecordSet(foreign, 300, List.of("v=spf1 -all")));
    }
    published.put("h9." + DOMAIN, new TxtRecordSet("h9." + DOMAIN, 300, List.of("0:AAAA")));
    PublicationPlan plan =
        planner.plan(
            Fixtures.settings(), Fixtures.hosts(2), first.plan().newState(), published, NOW);
    assertThat(plan.deletesAfterMesh()).containsExactly("h9." + DOMAIN);
    assertThat(plan.upsertsBeforeMesh()).isEmpty();
    assertThat(plan.meshRecord()).isEmpty();
  }

  @Test
  void plan_lostStateRotatesAndContinuesSerials() {
    Run first = publish(Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    Run r =
        publish(
            Fixtures.hosts(2), PublicationState.empty(), first.published(), NOW.plusSeconds(10));
    assertThat(r.plan().newState().groupKey().orElseThrow().epoch())
        .isEqualTo(first.plan().newState().groupKey().orElseThrow().epoch() + 1);
    MeshRecord mesh =
        MeshRecord.decodeFirstContact(r.plan().meshRecord().orElseThrow(), DOMAIN, NOW);
    assertThat(mesh.serial()).isGreaterThan(first.plan().newState().lastSerial());
    assertThat(r.plan().upsertsBeforeMesh()).hasSize(4);
  }

  @Test
  void plan_ttlChangeRewritesEverything() {
    Run first = publish(Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    PublicationPlanner other = new PublicationPlanner(site, 60, LIFETIME, RENEW, new Random(1));
    PublicationPlan plan =
        other.plan(
            Fixtures.settings(),
            Fixtures.hosts(2),
            first.plan().newState(),
            first.published(),
            NOW);
    assertThat(plan.changedRrsets()).isEqualTo(5);
    assertThat(plan.desired()).allMatch(r -> r.ttl() == 60);
  }

  @Test
  void plan_newSiteBoxKeyResealsKeyRecords() {
    Run first = publish(Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    SiteKeys rotated = new SiteKeys(site.signing(), Fixtures.otherSiteKeys().box());
    PublicationPlanner other = new PublicationPlanner(rotated, 300, LIFETIME, RENEW, new Random(1));
    PublicationPlan plan =
        other.plan(
            Fixtures.settings(),
            Fixtures.hosts(2),
            first.plan().newState(),
            first.published(),
            NOW);
    assertThat(plan.upsertsBeforeMesh())
        .extracting(TxtRecordSet::name)
        .allMatch(n -> n.startsWith("_key."))
        .hasSize(2);
    assertThat(
            MeshRecord.decodeFirstContact(plan.meshRecord().orElseThrow(), DOMAIN, NOW)
                .siteBoxKey())
        .isEqualTo(rotated.box().publicKey());
    KeyRecord k =
        KeyRecord.decode(
            plan.upsertsBeforeMesh().get(0),
            keyOwner(plan.upsertsBeforeMesh().get(0)),
            rotated.box().publicKey(),
            DOMAIN);
    assertThat(k.groupKey()).isEqualTo(first.plan().newState().groupKey().orElseThrow());
  }

  private static org.wgmesh.core.crypto.X25519PrivateKey keyOwner(TxtRecordSet keyRecord) {
    for (int n = 1; n <= 2; n++) {
      if (keyRecord
          .name()
          .equals(RecordNames.keyRecordName(DOMAIN, Fixtures.hostKey(n).publicKey()))) {
        return Fixtures.hostKey(n);
      }
    }
    throw new AssertionError("no fixture host owns " + keyRecord.name());
  }

  @Test
  void plan_duplicateNumberIsConfigError() {
    HostEntry h = Fixtures.host(2);
    HostEntry clash =
        HostEntry.builder()
            .uuid(UUID.randomUUID())
            .hostname("clash")
            .number(1)
            .asn(1)
            .publicKey(Fixtures.hostKey(50).publicKey())
            .endpoints(List.of())
            .lanPrefixes(List.of())
            .build();
    List<HostEntry> hosts = new ArrayList<>(List.of(Fixtures.host(1), h, clash));
    assertThatThrownBy(
            () -> planner.plan(Fixtures.settings(), hosts, PublicationState.empty(), Map.of(), NOW))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.why()).contains("number 1"));
  }

  @Test
  void state_textRoundTrips() {
    Run first = publish(Fixtures.hosts(3), PublicationState.empty(), Map.of(), NOW);
    PublicationState s = first.plan().newState();
    String text = s.toText();
    assertThat(PublicationState.parse(text, "state")).isEqualTo(s);
    assertThat(s.toString()).doesNotContain(s.groupKey().orElseThrow().keyBase64());
    assertThat(PublicationState.parse(PublicationState.empty().toText(), "state"))
        .isEqualTo(PublicationState.empty());
  }

  @Test
  void state_badLineNamesFileAndLine() {
    assertThatThrownBy(
            () ->
                PublicationState.parse(
                    "format 1\nserial 3\nmember nope 1 x\n", "/etc/wgmesh/state"))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.what()).isEqualTo("/etc/wgmesh/state:3"));
    assertThatThrownBy(() -> PublicationState.parse("serial 3\n", "f"))
        .isInstanceOf(ConfigException.class);
  }
}
