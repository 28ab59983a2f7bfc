package org.wgmesh.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wgmesh.core.error.InputException;

class TopologyTest {
  @Test
  void encode_fullMesh_isTheOldString() {
    assertThat(Topology.FULL_MESH.encode()).isEqualTo("full-mesh");
    assertThat(Topology.decode("full-mesh", "t")).isSameAs(Topology.FULL_MESH);
    assertThat(Topology.FULL_MESH.isTransit(7)).isTrue();
  }

  @Test
  void encode_hubAndSpoke_runsOfThreeOrMoreAsRanges() {
    assertThat(Topology.HubAndSpoke.of(List.of(3, 1)).encode()).isEqualTo("hub-and-spoke:1,3");
    assertThat(Topology.HubAndSpoke.of(List.of(1, 2)).encode()).isEqualTo("hub-and-spoke:1,2");
    assertThat(new Topology.HubAndSpoke(List.of(9, 7, 8, 1, 20, 21, 22, 23), 2).encode())
        .isEqualTo("hub-and-spoke:1,7-9,20-23/2");
  }

  @Test
  void decode_canonical_roundTrips() {
    for (String s :
        List.of(
            "hub-and-spoke:1",
            "hub-and-spoke:1,3/1",
            "hub-and-spoke:1,7-9,20-23/2",
            "hub-and-spoke:65535")) {
      Topology t = Topology.decode(s, "topology");
      assertThat(t.encode()).isEqualTo(s);
    }
    Topology.HubAndSpoke t =
        (Topology.HubAndSpoke) Topology.decode("hub-and-spoke:1,7-9/2", "topology");
    assertThat(t.hubs()).containsExactly(1, 7, 8, 9);
    assertThat(t.hubsPerSpoke()).isEqualTo(2);
    assertThat(t.isTransit(8)).isTrue();
    assertThat(t.isTransit(2)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "star",
        "full-mesh ",
        "hub-and-spoke",
        "hub-and-spoke:",
        "hub-and-spoke:3,1",
        "hub-and-spoke:1,1",
        "hub-and-spoke:1,2,3",
        "hub-and-spoke:1-2",
        "hub-and-spoke:01",
        "hub-and-spoke:0",
        "hub-and-spoke:65536",
        "hub-and-spoke:1,2/3",
        "hub-and-spoke:1,2/0",
        "hub-and-spoke:1/",
        "hub-and-spoke:1,,2",
        "hub-and-spoke:x"
      })
  void decode_anythingElse_isInputExceptionNamingField(String text) {
    assertThatThrownBy(() -> Topology.decode(text, "topology"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("topology");
  }

  @Test
  void hubAndSpoke_invalid_namesTheField() {
    assertThatThrownBy(() -> Topology.HubAndSpoke.of(List.of()))
        .hasMessageContaining("topology.hubs")
        .hasMessageContaining("at least one hub");
    assertThatThrownBy(() -> new Topology.HubAndSpoke(List.of(1, 2), 3))
        .hasMessageContaining("topology.hubs-per-spoke")
        .hasMessageContaining("are 2 hubs");
    List<Integer> scattered = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      scattered.add(10000 + 3 * i);
    }
    assertThatThrownBy(() -> Topology.HubAndSpoke.of(scattered))
        .hasMessageContaining("the mesh record holds 255");
  }

  @Test
  void hubsOf_allHubsWhenNotLimited() {
    Topology.HubAndSpoke t = Topology.HubAndSpoke.of(List.of(1, 2, 3));
    assertThat(t.hubsOf(10)).containsExactly(1, 2, 3);
    assertThat(new Topology.HubAndSpoke(List.of(1, 2, 3), 3).hubsOf(10)).containsExactly(1, 2, 3);
  }

  @Test
  void hubsOf_limited_deterministicAscendingAndBalanced() {
    Topology.HubAndSpoke t = new Topology.HubAndSpoke(List.of(1, 2, 3, 4), 2);
    Map<Integer, Integer> load = new HashMap<>();
    for (int spoke = 5; spoke < 4005; spoke++) {
      List<Integer> hubs = t.hubsOf(spoke);
      assertThat(hubs).hasSize(2).isSorted().isEqualTo(t.hubsOf(spoke));
      hubs.forEach(h -> load.merge(h, 1, Integer::sum));
    }
    // 8000 choices over 4 hubs: each near 2000.
    assertThat(load.values()).allSatisfy(n -> assertThat(n).isBetween(1700, 2300));
  }

  @Test
  void hubsOf_addingAHub_movesOnlySpokesThatChooseIt() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int round = 0; round < 50; round++) {
      TreeSet<Integer> hubs = new TreeSet<>();
      while (hubs.size() < 2 + r.nextInt(6)) {
        hubs.add(1 + r.nextInt(500));
      }
      int extra;
      do {
        extra = 1 + r.nextInt(500);
      } while (hubs.contains(extra));
      Topology.HubAndSpoke before = new Topology.HubAndSpoke(List.copyOf(hubs), 1);
      TreeSet<Integer> more = new TreeSet<>(hubs);
      more.add(extra);
      Topology.HubAndSpoke after = new Topology.HubAndSpoke(List.copyOf(more), 1);
      for (int spoke = 501; spoke < 700; spoke++) {
        List<Integer> now = after.hubsOf(spoke);
        if (!now.contains(extra)) {
          assertThat(now).as("seed %d spoke %d", seed, spoke).isEqualTo(before.hubsOf(spoke));
        }
      }
    }
  }

  @Test
  void hubsOf_pinned_partOfTheFormat() {
    // Every endpoint must agree on a spoke's hubs, across versions: these values are the format.
    assertThat(Topology.HubAndSpoke.score(0, 0)).isZero();
    assertThat(Topology.HubAndSpoke.score(5, 1)).isEqualTo(0xaee37f1a8e955819L);
    Topology.HubAndSpoke t = new Topology.HubAndSpoke(List.of(1, 2, 3, 4), 2);
    assertThat(t.hubsOf(7)).containsExactly(1, 3);
    assertThat(t.hubsOf(8)).containsExactly(1, 2);
    assertThat(t.hubsOf(1000)).containsExactly(1, 4);
  }
}
