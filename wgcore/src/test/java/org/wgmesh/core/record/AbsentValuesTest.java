package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.dns.TxtRecordSet;

/**
 * Absence in the record model (issue 22): empty Optionals, never null, and no constructors of old
 * arity that filled the gaps with null.
 */
class AbsentValuesTest {
  final SiteKeys site = Fixtures.siteKeys();

  @Test
  void meshRecord_builtWithoutNextKeys_hasEmptyOnes_andRefusesNull() {
    MeshRecord plain = Fixtures.meshRecord(1, 0, 1, 2);

    assertThat(plain.nextSigningKey()).isEmpty();
    assertThat(plain.nextBoxKey()).isEmpty();
    assertThatThrownBy(
            () ->
                new MeshRecord(
                    plain.settings(),
                    plain.siteSigningKey(),
                    plain.siteBoxKey(),
                    1,
                    NOW,
                    NOW.plusSeconds(60),
                    plain.members(),
                    0,
                    null,
                    Optional.empty(),
                    new TreeSet<>()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("nextSigningKey");
    assertThat(MeshRecord.class.getConstructors()).hasSize(1);
  }

  @Test
  void publicationState_empty_hasNoGroupKeyNorAge_andRefusesNull() {
    PublicationState empty = PublicationState.empty();

    assertThat(empty.groupKey()).isEmpty();
    assertThat(empty.groupKeySince()).isEmpty();
    assertThat(PublicationState.parse(empty.toText(), "state")).isEqualTo(empty);
    assertThatThrownBy(() -> new PublicationState(0, null, Map.of(), Optional.empty(), Map.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("groupKey");
    assertThatThrownBy(() -> new PublicationState.Member(1, Fixtures.hostKey(1).publicKey(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("hpkePublic");
    assertThat(PublicationState.class.getConstructors()).hasSize(1);
    assertThat(PublicationState.Member.class.getConstructors()).hasSize(1);
  }

  @Test
  void publicationPlan_keepingTheMeshRecord_hasNoneToWrite() {
    PublicationPlanner planner =
        new PublicationPlanner(site, 300, Duration.ofDays(7), Duration.ofDays(2), new Random(1));
    PublicationPlan first =
        planner.plan(
            Fixtures.settings(), Fixtures.hosts(2), PublicationState.empty(), Map.of(), NOW);
    assertThat(first.meshRecord()).isPresent();

    Map<String, TxtRecordSet> published = new TreeMap<>();
    first.desired().forEach(r -> published.put(r.name(), r));
    PublicationPlan again =
        planner.plan(Fixtures.settings(), Fixtures.hosts(2), first.newState(), published, NOW);

    assertThat(again.meshRecord()).isEmpty();
    assertThat(again.isEmpty()).isTrue();
    assertThatThrownBy(
            () -> new PublicationPlan(List.of(), null, List.of(), List.of(), first.newState()))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void planner_groupKeyMaxAge_mustBePositive() {
    PublicationPlanner planner =
        new PublicationPlanner(site, 300, Duration.ofDays(7), Duration.ofDays(2));

    assertThatThrownBy(() -> planner.withGroupKeyMaxAge(Optional.of(Duration.ZERO)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(planner.withGroupKeyMaxAge(Optional.empty())).isNotNull();
  }
}
