package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.KeySwitch;
import org.wgmesh.core.record.PublicationReport.Problem;
import org.wgmesh.core.testing.InMemoryDnsSource;

/** Publishing a host key switch (issue 12): the switch time, kept in the state, then settled. */
class KeySwitchPublicationTest {
  static final Duration DELAY = Duration.ofMinutes(15);
  private final SiteKeys site = Fixtures.siteKeys();
  private final PublicationPlanner planner =
      new PublicationPlanner(site, 300, Duration.ofDays(7), Duration.ofDays(2), new Random(9))
          .withKeySwitchDelay(DELAY);
  private final List<HostEntry> before = Fixtures.hosts(2);
  private final X25519PublicKey newKey = X25519PrivateKey.generate().publicKey();

  private record Run(PublicationPlan plan, Map<String, TxtRecordSet> published) {}

  private Run publish(
      List<HostEntry> hosts,
      PublicationState state,
      Map<String, TxtRecordSet> published,
      Instant t) {
    PublicationPlan plan = planner.plan(Fixtures.settings(), hosts, state, published, t);
    Map<String, TxtRecordSet> after = new HashMap<>(PublicationPlannerTest.apply(published, plan));
    return new Run(plan, after);
  }

  /** Host 2 rotated at {@code importedAt}: the new key, switching key-switch-delay later. */
  private List<HostEntry> rotated(Instant importedAt) {
    HostEntry h = before.get(1);
    HostEntry r =
        h.toBuilder()
            .publicKey(newKey)
            .build()
            .withKeySwitch(new KeySwitch(h.publicKey(), importedAt.plus(DELAY)));
    return List.of(before.get(0), r);
  }

  private HostEntry publishedEntry(Run r, Instant t) {
    return HostRecord.decode(
            r.published().get(RecordNames.hostRecordName(DOMAIN, 2)),
            site.signing().publicKey(),
            r.plan().newState().groupKey().orElseThrow(),
            DOMAIN,
            t)
        .entry();
  }

  private PublicationReport verify(
      Run r, List<HostEntry> hosts, PublicationState state, Instant t) {
    return new PublicationVerifier(Clock.fixed(t, ZoneOffset.UTC))
        .withKeySwitchDelay(DELAY)
        .verify(
            InMemoryDnsSource.of(r.published().values()),
            DOMAIN,
            site.signing().publicKey(),
            site.box().publicKey(),
            hosts,
            state);
  }

  @Test
  void firstPublicationLate_pushesTheSwitch_laterRunsKeepIt_afterItTheEntryIsSettled() {
    Run first = publish(before, PublicationState.empty(), Map.of(), NOW);
    Instant imported = NOW.plus(Duration.ofHours(1));
    List<HostEntry> hosts = rotated(imported);
    X25519PublicKey oldKey = before.get(1).publicKey();

    // Published two hours after the import: the switch is key-switch-delay after this run.
    Instant late = imported.plus(Duration.ofHours(2));
    Run second = publish(hosts, first.plan().newState(), first.published(), late);
    Instant s = late.plus(DELAY);
    assertThat(publishedEntry(second, late).keySwitch()).contains(new KeySwitch(oldKey, s));
    assertThat(publishedEntry(second, late).publicKey()).isEqualTo(newKey);
    assertThat(second.published()).containsKey(RecordNames.keyRecordName(DOMAIN, newKey));
    assertThat(second.published()).doesNotContainKey(RecordNames.keyRecordName(DOMAIN, oldKey));
    PublicationState state = second.plan().newState();
    assertThat(state.switches())
        .containsExactly(Map.entry(hosts.get(1).uuid(), new PublicationState.Switch(newKey, s)));
    assertThat(state.toText())
        .contains(
            "switch " + hosts.get(1).uuid() + " " + newKey.toBase64() + " " + s.getEpochSecond());
    assertThat(verify(second, hosts, state, late.plusSeconds(60)).problems()).isEmpty();

    // A later run keeps the time (and writes nothing).
    Instant later = late.plus(Duration.ofMinutes(5));
    Run third = publish(hosts, state, second.published(), later);
    assertThat(third.plan().isEmpty()).isTrue();
    assertThat(third.plan().newState()).isEqualTo(state);

    // Past the switch, before the next wgpub: the record with the elapsed switch still verifies.
    Instant after = s.plusSeconds(60);
    assertThat(verify(third, hosts, state, after).problems()).isEmpty();

    // The first run after it: the host record is settled, the switch line dropped, no new epoch.
    Run fourth = publish(hosts, state, third.published(), after);
    HostEntry settled = publishedEntry(fourth, after);
    assertThat(settled.keySwitch()).isEmpty();
    assertThat(settled.publicKey()).isEqualTo(newKey);
    assertThat(fourth.plan().upsertsBeforeMesh())
        .extracting(TxtRecordSet::name)
        .containsExactly(RecordNames.hostRecordName(DOMAIN, 2));
    assertThat(fourth.plan().newState().switches()).isEmpty();
    assertThat(fourth.plan().newState().groupKey().orElseThrow())
        .isEqualTo(state.groupKey().orElseThrow());
    assertThat(fourth.plan().newState().toText()).doesNotContain("switch ");
    assertThat(verify(fourth, hosts, fourth.plan().newState(), after).problems()).isEmpty();
  }

  @Test
  void firstPublication_keepsALaterSiteFileTime_andPushesAnEarlierOneToDelayFromNow() {
    Run first = publish(before, PublicationState.empty(), Map.of(), NOW);
    Instant imported = NOW.plus(Duration.ofHours(1));
    List<HostEntry> hosts = rotated(imported);
    // Published 30 s after the import: the peers still get the whole delay.
    Instant t = imported.plusSeconds(30);
    Run soon = publish(hosts, first.plan().newState(), first.published(), t);
    assertThat(publishedEntry(soon, t).keySwitch().orElseThrow().at()).isEqualTo(t.plus(DELAY));
    // A key-switch-at set later by hand is kept.
    Instant chosen = imported.plus(Duration.ofHours(3));
    HostEntry h = hosts.get(1);
    List<HostEntry> handSet =
        List.of(
            hosts.get(0),
            h.withKeySwitch(new KeySwitch(h.keySwitch().orElseThrow().from(), chosen)));
    Run kept = publish(handSet, first.plan().newState(), first.published(), t);
    assertThat(publishedEntry(kept, t).keySwitch().orElseThrow().at()).isEqualTo(chosen);
  }

  @Test
  void withoutStateForTheSwitch_theSiteFilesTimeApplies_andTheVerifierAgrees() {
    Instant imported = NOW;
    List<HostEntry> hosts = rotated(imported);
    // No state at all (first publication, or a lost state): key-switch-at.
    Run r = publish(hosts, PublicationState.empty(), Map.of(), NOW.plusSeconds(60));
    assertThat(publishedEntry(r, NOW).keySwitch().orElseThrow().at())
        .isEqualTo(imported.plus(DELAY));

    // A state whose member has the new key but no switch line: key-switch-at too, so records
    // carrying the pushed time no longer match (the verifier computes the same time).
    Run first = publish(before, PublicationState.empty(), Map.of(), NOW);
    Instant late = NOW.plus(Duration.ofHours(2));
    Run pushed = publish(hosts, first.plan().newState(), first.published(), late);
    PublicationState s = pushed.plan().newState();
    PublicationState withoutLine =
        new PublicationState(
            s.lastSerial(), s.groupKey(), s.members(), s.groupKeySince(), Map.of());
    assertThat(verify(pushed, hosts, s, late).problems()).isEmpty();
    assertThat(verify(pushed, hosts, withoutLine, late).problems())
        .extracting(Problem::field)
        .containsExactly("entry");
  }

  @Test
  void state_switchLinesRoundTrip_andAStateWithoutThemReadsAndWritesAsBefore() {
    Run first = publish(before, PublicationState.empty(), Map.of(), NOW);
    PublicationState plain = first.plan().newState();
    String text = plain.toText();
    assertThat(text).doesNotContain("switch");
    assertThat(PublicationState.parse(text, "state").toText()).isEqualTo(text);
    assertThat(PublicationState.parse(text, "state").switches()).isEmpty();

    Run second = publish(rotated(NOW), plain, first.published(), NOW.plus(Duration.ofHours(1)));
    PublicationState s = second.plan().newState();
    assertThat(s.switches()).hasSize(1);
    assertThat(PublicationState.parse(s.toText(), "state")).isEqualTo(s);
    assertThatThrownBy(
            () ->
                PublicationState.parse(
                    s.toText().replaceFirst("(?m)^(switch .*) \\d+$", "$1"), "f"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'switch' takes 3 value(s)");
  }

  @Test
  void rotatingAgainBeforeTheSwitch_theThirdKeysFirstPublicationIsPushedToo() {
    Run first = publish(before, PublicationState.empty(), Map.of(), NOW);
    List<HostEntry> hosts = rotated(NOW);
    Instant t1 = NOW.plus(Duration.ofMinutes(1));
    Run second = publish(hosts, first.plan().newState(), first.published(), t1);
    // Rotated again (still switching from the first key), published late.
    X25519PublicKey third = X25519PrivateKey.generate().publicKey();
    HostEntry h = hosts.get(1);
    HostEntry again =
        h.toBuilder()
            .publicKey(third)
            .build()
            .withKeySwitch(new KeySwitch(h.keySwitch().orElseThrow().from(), t1.plus(DELAY)));
    Instant late = t1.plus(Duration.ofHours(1));
    Run r =
        publish(List.of(hosts.get(0), again), second.plan().newState(), second.published(), late);
    assertThat(publishedEntry(r, late).keySwitch())
        .contains(new KeySwitch(before.get(1).publicKey(), late.plus(DELAY)));
    assertThat(r.plan().newState().switches().get(h.uuid()).newKey()).isEqualTo(third);
  }

  @Test
  void previousKeyOfAnotherMember_isAConfigError() {
    HostEntry h = before.get(1);
    List<HostEntry> hosts =
        List.of(
            before.get(0),
            h.withKeySwitch(new KeySwitch(before.get(0).publicKey(), NOW.plus(DELAY))));
    assertThatThrownBy(
            () -> planner.plan(Fixtures.settings(), hosts, PublicationState.empty(), Map.of(), NOW))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("previous WireGuard key");
  }
}
