package org.wgmesh.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/** Planner tables per policy, and seeded property loops over random meshes. */
class MeshLinksTest {
  private static final X25519PublicKey KEY = new X25519PublicKey(new byte[32]);

  /** Host n; public when {@code address} is given; shared LAN addresses as interface CIDRs. */
  static HostEntry host(int n, String address, String... sharedLans) {
    List<IpPrefix> lans = new ArrayList<>();
    for (String s : sharedLans) {
      lans.add(IpPrefix.parseInterface(s, "t"));
    }
    return HostEntry.builder()
        .uuid(new UUID(0, n))
        .hostname("h" + n)
        .number(n)
        .asn(64511 + n)
        .publicKey(KEY)
        .endpoints(address == null ? List.of() : List.of(IpAddress.parse(address, "t")))
        .lanPrefixes(List.of())
        .sharedLans(lans)
        .build();
  }

  /** Host n as {@link #host}, observed at {@code observed} with the ports kept or not. */
  static HostEntry seen(int n, String address, String observed, boolean portsKept) {
    return host(n, address).withObserved(new Observed(IpAddress.parse(observed, "t"), portsKept));
  }

  private static Map<Integer, String> table(Topology t, HostEntry self, List<HostEntry> all) {
    Map<Integer, String> out = new java.util.TreeMap<>();
    for (MeshLinks.Link l : MeshLinks.linksOf(t, self, all)) {
      out.put(l.peer().number(), l.via() + " " + l.endpoint().map(Object::toString).orElse("-"));
    }
    return out;
  }

  @Test
  void fullMesh_publicHosts_linkToAll_natHostsOnlyToPublicOnes() {
    List<HostEntry> all =
        List.of(
            host(1, "203.0.113.1"),
            host(2, "203.0.113.2"),
            host(3, null),
            host(4, null),
            host(5, "2001:db8::5"));
    // Host 5 is IPv6-only and host 1 IPv4-only: no link (they meet through 3 and 4).
    assertThat(table(Topology.FULL_MESH, all.get(0), all))
        .isEqualTo(
            Map.of(
                2, "PUBLIC 203.0.113.2",
                3, "PUBLIC -",
                4, "PUBLIC -"));
    assertThat(table(Topology.FULL_MESH, all.get(2), all))
        .isEqualTo(
            Map.of(1, "PUBLIC 203.0.113.1", 2, "PUBLIC 203.0.113.2", 5, "PUBLIC 2001:db8::5"));
  }

  @Test
  void hubAndSpoke_hubsMeshAmongThemselves_spokesToTheirHubs() {
    Topology t = Topology.HubAndSpoke.of(List.of(1, 2));
    List<HostEntry> all =
        List.of(
            host(1, "203.0.113.1"),
            host(2, "203.0.113.2"),
            host(3, "203.0.113.3"),
            host(4, null),
            host(5, null));
    assertThat(table(t, all.get(0), all))
        .isEqualTo(
            Map.of(
                2, "PUBLIC 203.0.113.2",
                3, "PUBLIC 203.0.113.3",
                4, "PUBLIC -",
                5, "PUBLIC -"));
    assertThat(table(t, all.get(2), all))
        .isEqualTo(Map.of(1, "PUBLIC 203.0.113.1", 2, "PUBLIC 203.0.113.2"));
    assertThat(table(t, all.get(3), all))
        .isEqualTo(Map.of(1, "PUBLIC 203.0.113.1", 2, "PUBLIC 203.0.113.2"));
  }

  @Test
  void hubAndSpoke_oneHubPerSpoke_hubSeesOnlyItsSpokes() {
    Topology.HubAndSpoke t = new Topology.HubAndSpoke(List.of(1, 2), 1);
    List<HostEntry> all = new ArrayList<>();
    for (int n = 1; n <= 20; n++) {
      all.add(host(n, "203.0.113." + n));
    }
    for (int n = 3; n <= 20; n++) {
      int hub = t.hubsOf(n).get(0);
      assertThat(table(t, all.get(n - 1), all)).containsOnlyKeys(hub);
      assertThat(table(t, all.get(hub - 1), all)).containsKey(n);
      assertThat(table(t, all.get(2 - hub), all)).doesNotContainKey(n);
    }
  }

  @Test
  void sharedLan_linksDirectlyOverIt_inAdditionToHubs() {
    Topology t = Topology.HubAndSpoke.of(List.of(1));
    List<HostEntry> all =
        List.of(
            host(1, "203.0.113.1"),
            host(2, null, "192.168.7.2/24", "10.9.0.2/16"),
            host(3, "203.0.113.3", "10.9.0.3/16", "192.168.7.3/24"),
            host(4, null, "192.168.8.4/24"));
    // Both list 10.9.0.0/16 and 192.168.7.0/24: the lowest network wins on both ends.
    assertThat(table(t, all.get(1), all))
        .isEqualTo(Map.of(1, "PUBLIC 203.0.113.1", 3, "SHARED_LAN 10.9.0.3"));
    assertThat(table(t, all.get(2), all))
        .isEqualTo(Map.of(1, "PUBLIC 203.0.113.1", 2, "SHARED_LAN 10.9.0.2"));
    assertThat(table(t, all.get(3), all)).isEqualTo(Map.of(1, "PUBLIC 203.0.113.1"));
    // In a full mesh the shortcut replaces the public endpoint, and joins two NAT hosts.
    List<HostEntry> nat =
        List.of(
            host(1, "203.0.113.1", "192.168.7.1/24"),
            host(2, null, "192.168.7.2/24"),
            host(3, null, "192.168.7.3/24"));
    assertThat(table(Topology.FULL_MESH, nat.get(1), nat))
        .isEqualTo(Map.of(1, "SHARED_LAN 192.168.7.1", 3, "SHARED_LAN 192.168.7.3"));
  }

  @Test
  void observed_twoNatHostsWithPortsKept_linkDirectly_inEveryPolicy() {
    List<HostEntry> all =
        List.of(
            host(1, "203.0.113.1"),
            seen(2, null, "198.51.100.2", true),
            seen(3, null, "198.51.100.3", true),
            seen(4, null, "2001:db8:4::4", true),
            seen(5, null, "198.51.100.5", false),
            host(6, null),
            seen(7, null, "2001:db8:7::7", true));
    for (Topology t : List.of(Topology.FULL_MESH, Topology.HubAndSpoke.of(List.of(1)))) {
      // 2 and 3 (IPv4) and 4 and 7 (IPv6) punch through to each other, in addition to the hub;
      // 5's NAT picks random ports and 6 is not observed: only the public host.
      assertThat(table(t, all.get(1), all))
          .as("%s", t)
          .isEqualTo(Map.of(1, "PUBLIC 203.0.113.1", 3, "OBSERVED 198.51.100.3"));
      assertThat(table(t, all.get(2), all))
          .as("%s", t)
          .isEqualTo(Map.of(1, "PUBLIC 203.0.113.1", 2, "OBSERVED 198.51.100.2"));
      assertThat(table(t, all.get(3), all))
          .as("%s", t)
          .isEqualTo(Map.of(1, "PUBLIC 203.0.113.1", 7, "OBSERVED 2001:db8:7::7"));
      assertThat(table(t, all.get(4), all)).as("%s", t).isEqualTo(Map.of(1, "PUBLIC 203.0.113.1"));
      assertThat(table(t, all.get(5), all)).as("%s", t).isEqualTo(Map.of(1, "PUBLIC 203.0.113.1"));
      // The public host sends to the mappings it can predict (IPv4, ports kept), as before to the
      // others (they dial in).
      assertThat(table(t, all.get(0), all))
          .as("%s", t)
          .isEqualTo(
              Map.of(
                  2, "PUBLIC 198.51.100.2",
                  3, "PUBLIC 198.51.100.3",
                  4, "PUBLIC -",
                  5, "PUBLIC -",
                  6, "PUBLIC -",
                  7, "PUBLIC -"));
      for (HostEntry a : all) {
        for (HostEntry b : all) {
          assertThat(MeshLinks.linked(t, a, b)).isEqualTo(MeshLinks.linked(t, b, a));
        }
      }
    }
    // The link's family is the observed addresses' family, from both ends.
    assertThat(MeshLinks.linksOf(Topology.FULL_MESH, all.get(3), all))
        .filteredOn(l -> l.via() == MeshLinks.Via.OBSERVED)
        .extracting(l -> l.peer().number(), MeshLinks.Link::v6Underlay)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(7, true));
    assertThat(MeshLinks.observedFamily(all.get(3), all.get(6))).hasValue(true);
    assertThat(MeshLinks.observedFamily(all.get(6), all.get(3))).hasValue(true);
    assertThat(MeshLinks.observedFamily(all.get(1), all.get(2))).hasValue(false);
    // Family mismatch, ports not kept, not observed: no direct link.
    assertThat(MeshLinks.observedFamily(all.get(1), all.get(3))).isEmpty();
    assertThat(MeshLinks.observedFamily(all.get(1), all.get(4))).isEmpty();
    assertThat(MeshLinks.observedFamily(all.get(4), all.get(1))).isEmpty();
    assertThat(MeshLinks.observedFamily(all.get(1), all.get(5))).isEmpty();
    assertThat(MeshLinks.linked(Topology.FULL_MESH, all.get(1), all.get(4))).isFalse();
  }

  @Test
  void observed_aHostWithARegisteredAddress_isReachedWhereItIsSeen_butLinksAsBefore() {
    HostEntry roaming = seen(2, "203.0.113.2", "198.51.100.22", true);
    HostEntry remapped = seen(3, "203.0.113.3", "198.51.100.33", false);
    HostEntry otherFamily = seen(4, "203.0.113.4", "2001:db8::44", true);
    HostEntry nat = seen(5, null, "198.51.100.55", true);
    HostEntry self = host(1, "203.0.113.1");
    List<HostEntry> all = List.of(self, roaming, remapped, otherFamily, nat);
    // A roaming host is sent to where it is; ports not kept or another family: the registered one.
    assertThat(table(Topology.FULL_MESH, self, all))
        .isEqualTo(
            Map.of(
                2, "PUBLIC 198.51.100.22",
                3, "PUBLIC 203.0.113.3",
                4, "PUBLIC 203.0.113.4",
                5, "PUBLIC 198.51.100.55"));
    // It stays public (its registered address is its identity): no NAT traversal with 5.
    assertThat(roaming.isPublic()).isTrue();
    assertThat(MeshLinks.observedFamily(roaming, nat)).isEmpty();
    assertThat(table(Topology.FULL_MESH, nat, all).get(2)).isEqualTo("PUBLIC 198.51.100.22");
    // A shared LAN comes first, observed or not.
    HostEntry lanA = host(6, null, "192.168.9.6/24").withObserved(nat.observed().orElseThrow());
    HostEntry lanB = host(7, null, "192.168.9.7/24").withObserved(nat.observed().orElseThrow());
    assertThat(table(Topology.FULL_MESH, lanA, List.of(lanA, lanB)))
        .isEqualTo(Map.of(7, "SHARED_LAN 192.168.9.7"));
  }

  @Test
  void observed_neverChangesTheCheck_observedLinksAreExtra() {
    List<HostEntry> noPublic =
        List.of(seen(2, null, "198.51.100.2", true), seen(3, null, "198.51.100.3", true));
    assertThat(table(Topology.FULL_MESH, noPublic.get(0), noPublic))
        .isEqualTo(Map.of(3, "OBSERVED 198.51.100.3"));
    assertThat(MeshLinks.check(Topology.FULL_MESH, noPublic))
        .map(MeshLinks.Problem::why)
        .hasValueSatisfying(w -> assertThat(w).contains("h3 (host 3) cannot reach h2"));
    // A hub observed elsewhere is still judged by its registered address.
    List<HostEntry> hubBehindNat =
        List.of(seen(1, null, "198.51.100.1", true), seen(2, null, "198.51.100.2", true));
    assertThat(MeshLinks.check(Topology.HubAndSpoke.of(List.of(1)), hubBehindNat))
        .map(MeshLinks.Problem::why)
        .hasValueSatisfying(w -> assertThat(w).contains("has no public address"));
  }

  @Test
  void publicEndpoint_families_bothEndsAgreeAndNeverAFamilySelfCannotUse() {
    HostEntry v4 = host(1, "203.0.113.1");
    HostEntry v6 = host(2, "2001:db8::2");
    HostEntry dual = dual(3, "2001:db8::3", "203.0.113.3");
    HostEntry nat = host(4, null);
    HostEntry dual2 = dual(5, "203.0.113.5", "2001:db8::5");
    // IPv4-only and IPv6-only: no endpoint either way (before: host 1 was given 2001:db8::2).
    assertThat(MeshLinks.publicEndpoint(v4, v6)).isEmpty();
    assertThat(MeshLinks.publicEndpoint(v6, v4)).isEmpty();
    assertThat(MeshLinks.commonFamily(v4, v6)).isEmpty();
    assertThat(MeshLinks.linked(Topology.FULL_MESH, v4, v6)).isFalse();
    // IPv6-only hosts link over IPv6.
    assertThat(MeshLinks.publicEndpoint(v6, dual)).hasValue(IpAddress.parse("2001:db8::3", "t"));
    assertThat(MeshLinks.publicEndpoint(dual, v6)).hasValue(IpAddress.parse("2001:db8::2", "t"));
    assertThat(MeshLinks.commonFamily(v6, dual)).hasValue(true);
    // Dual-stack pairs: IPv4, whatever each lists first, and the same family from both ends.
    assertThat(MeshLinks.publicEndpoint(dual, dual2)).hasValue(IpAddress.parse("203.0.113.5", "t"));
    assertThat(MeshLinks.publicEndpoint(dual2, dual)).hasValue(IpAddress.parse("203.0.113.3", "t"));
    // Mixed: an IPv4-only host and a dual-stack one use IPv4.
    assertThat(MeshLinks.publicEndpoint(v4, dual)).hasValue(IpAddress.parse("203.0.113.3", "t"));
    // Dial-out only: any family the peer has (IPv4 first); the public end has no endpoint.
    assertThat(MeshLinks.publicEndpoint(nat, v6)).hasValue(IpAddress.parse("2001:db8::2", "t"));
    assertThat(MeshLinks.publicEndpoint(nat, dual)).hasValue(IpAddress.parse("203.0.113.3", "t"));
    assertThat(MeshLinks.publicEndpoint(v6, nat)).isEmpty();
    assertThat(MeshLinks.commonFamily(nat, v6)).hasValue(true);
    assertThat(MeshLinks.commonFamily(v6, nat)).hasValue(true);
    assertThat(MeshLinks.commonFamily(nat, host(6, null))).isEmpty();
    // The link's underlay family, as both ends see it.
    List<HostEntry> all = List.of(v6, dual, nat);
    assertThat(MeshLinks.linksOf(Topology.FULL_MESH, v6, all))
        .extracting(l -> l.peer().number(), MeshLinks.Link::v6Underlay)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(3, true),
            org.assertj.core.groups.Tuple.tuple(4, true));
    assertThat(MeshLinks.linksOf(Topology.FULL_MESH, nat, all))
        .extracting(l -> l.peer().number(), MeshLinks.Link::v6Underlay)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, true),
            org.assertj.core.groups.Tuple.tuple(3, false));
  }

  @Test
  void check_familiesWithoutACommonOne() {
    HostEntry v4 = host(1, "203.0.113.1");
    HostEntry v6 = host(2, "2001:db8::2");
    // Full mesh: an IPv4-only and an IPv6-only host alone cannot reach each other.
    assertThat(MeshLinks.check(Topology.FULL_MESH, List.of(v4, v6)))
        .map(MeshLinks.Problem::why)
        .hasValueSatisfying(
            w -> assertThat(w).contains("h2 (host 2) cannot reach h1").contains("common family"));
    // ... but a dual-stack host, a host behind NAT or a shared LAN joins them.
    assertThat(
            MeshLinks.check(
                Topology.FULL_MESH, List.of(v4, v6, dual(3, "203.0.113.3", "2001:db8::3"))))
        .isEmpty();
    assertThat(MeshLinks.check(Topology.FULL_MESH, List.of(v4, v6, host(3, null)))).isEmpty();
    assertThat(
            MeshLinks.check(
                Topology.FULL_MESH,
                List.of(
                    host(1, "203.0.113.1", "10.0.0.1/24"), host(2, "2001:db8::2", "10.0.0.2/24"))))
        .isEmpty();
    // Hub and spoke: two hubs of different families, or a spoke its hub cannot reach: refused.
    assertThat(MeshLinks.check(Topology.HubAndSpoke.of(List.of(1, 2)), List.of(v4, v6)))
        .map(MeshLinks.Problem::why)
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .isEqualTo(
                        "hubs h1 (host 1) and h2 (host 2) must link but have no address family in"
                            + " common (IPv4 only and IPv6 only)"));
    assertThat(MeshLinks.check(Topology.HubAndSpoke.of(List.of(1)), List.of(v4, v6, host(3, null))))
        .map(MeshLinks.Problem::why)
        .hasValueSatisfying(w -> assertThat(w).startsWith("spoke and hub h2 (host 2) and h1"));
    assertThat(MeshLinks.check(Topology.HubAndSpoke.of(List.of(2)), List.of(v6, host(3, null))))
        .isEmpty();
  }

  /** Host n with two public addresses, in this order. */
  static HostEntry dual(int n, String first, String second) {
    HostEntry h = host(n, first);
    return h.toBuilder()
        .number(n)
        .publicKey(KEY)
        .endpoints(List.of(IpAddress.parse(first, "t"), IpAddress.parse(second, "t")))
        .lanPrefixes(List.of())
        .sharedLans(List.of())
        .build();
  }

  @Test
  void check_problems() {
    List<HostEntry> all = List.of(host(1, "203.0.113.1"), host(2, null), host(3, null));
    assertThat(MeshLinks.check(Topology.FULL_MESH, all)).isEmpty();
    assertThat(MeshLinks.check(Topology.HubAndSpoke.of(List.of(1)), all)).isEmpty();
    assertThat(MeshLinks.check(Topology.HubAndSpoke.of(List.of(2)), all))
        .map(MeshLinks.Problem::why)
        .hasValueSatisfying(w -> assertThat(w).contains("h2 (host 2) has no public address"));
    assertThat(MeshLinks.check(Topology.HubAndSpoke.of(List.of(9)), all))
        .map(MeshLinks.Problem::why)
        .hasValue("hub 9 is not a host of the mesh");
    List<HostEntry> noPublic = List.of(host(2, null), host(3, null));
    assertThat(MeshLinks.check(Topology.FULL_MESH, noPublic))
        .map(MeshLinks.Problem::why)
        .hasValueSatisfying(w -> assertThat(w).contains("h3 (host 3) cannot reach h2"));
    assertThat(
            MeshLinks.check(
                Topology.FULL_MESH,
                List.of(host(2, null, "10.0.0.2/24"), host(3, null, "10.0.0.3/24"))))
        .isEmpty();
    assertThat(MeshLinks.check(Topology.FULL_MESH, List.of(host(2, null)))).isEmpty();
  }

  // ---- properties: seeded loops over random meshes (seed in every message) ----

  private static Topology randomTopology(Random r, List<HostEntry> hosts) {
    List<Integer> publicHosts =
        hosts.stream().filter(HostEntry::isPublic).map(HostEntry::number).toList();
    if (publicHosts.isEmpty() || r.nextInt(3) == 0) {
      return Topology.FULL_MESH;
    }
    TreeSet<Integer> hubs = new TreeSet<>();
    for (int i = 1 + r.nextInt(Math.min(5, publicHosts.size())); i > 0; i--) {
      hubs.add(publicHosts.get(r.nextInt(publicHosts.size())));
    }
    return new Topology.HubAndSpoke(List.copyOf(hubs), r.nextInt(hubs.size() + 1));
  }

  private static List<HostEntry> randomHosts(Random r) {
    List<HostEntry> hosts = new ArrayList<>();
    TreeSet<Integer> numbers = new TreeSet<>();
    int count = 1 + r.nextInt(40);
    while (numbers.size() < count) {
      numbers.add(1 + r.nextInt(r.nextBoolean() ? 60 : 65535));
    }
    for (int n : numbers) {
      String address =
          r.nextInt(3) == 0
              ? null
              : r.nextBoolean() ? "203.0.113." + (n % 250) : "2001:db8::" + Integer.toHexString(n);
      List<String> lans = new ArrayList<>();
      for (int i = r.nextInt(3); i > 0; i--) {
        int net = r.nextInt(4);
        lans.add("192.168." + net + "." + (1 + n % 250) + "/24");
      }
      hosts.add(host(n, address, lans.toArray(String[]::new)));
    }
    return hosts;
  }

  @Test
  void linksOf_randomMeshes_symmetricWithEndpointOnlyToPublicOrSharedLan() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int round = 0; round < 300; round++) {
      List<HostEntry> hosts = randomHosts(r);
      Topology t = randomTopology(r, hosts);
      Map<Integer, Map<Integer, MeshLinks.Link>> links = new HashMap<>();
      for (HostEntry h : hosts) {
        List<HostEntry> shuffled = new ArrayList<>(hosts);
        java.util.Collections.shuffle(shuffled, r);
        List<MeshLinks.Link> mine = MeshLinks.linksOf(t, h, shuffled);
        assertThat(mine)
            .as("seed %d: ordered by number, no self", seed)
            .extracting(l -> l.peer().number())
            .isSorted()
            .doesNotContain(h.number())
            .doesNotHaveDuplicates();
        links.put(h.number(), byPeer(mine));
      }
      boolean valid = MeshLinks.check(t, hosts).isEmpty();
      for (HostEntry a : hosts) {
        for (HostEntry b : hosts) {
          MeshLinks.Link ab = links.get(a.number()).get(b.number());
          MeshLinks.Link ba = links.get(b.number()).get(a.number());
          String where = "seed " + seed + " " + t + " " + a.number() + "<->" + b.number();
          assertThat(ab == null).as(where).isEqualTo(ba == null);
          assertThat(ab != null).as(where).isEqualTo(MeshLinks.linked(t, a, b));
          if (ab == null) {
            continue;
          }
          assertThat(ab.via()).as(where).isEqualTo(ba.via());
          assertThat(ab.v6Underlay()).as(where).isEqualTo(ba.v6Underlay());
          // Never a link both of whose ends wait for the other to dial (in a mesh the site takes).
          if (valid) {
            assertThat(ab.endpoint().isPresent() || ba.endpoint().isPresent()).as(where).isTrue();
          }
          // Never an endpoint of a family this end has no public address of.
          ab.endpoint()
              .filter(e -> ab.via() == MeshLinks.Via.PUBLIC && a.isPublic())
              .ifPresent(
                  e ->
                      assertThat(a.endpoints().stream().anyMatch(x -> x.isV6() == e.isV6()))
                          .as(where)
                          .isTrue());
          if (ab.via() == MeshLinks.Via.SHARED_LAN) {
            IpPrefix net = MeshLinks.sharedNetwork(a, b).orElseThrow();
            assertThat(net).as(where).isEqualTo(MeshLinks.sharedNetwork(b, a).orElseThrow());
            assertThat(net.contains(new IpPrefix(ab.endpoint().orElseThrow(), 32)))
                .as(where)
                .isTrue();
          } else {
            assertThat(ab.endpoint().isPresent())
                .as(where)
                .isEqualTo(b.isPublic() && MeshLinks.commonFamily(a, b).isPresent());
          }
        }
      }
      assertPolicy(seed, t, hosts, links);
    }
  }

  private static void assertPolicy(
      long seed,
      Topology t,
      List<HostEntry> hosts,
      Map<Integer, Map<Integer, MeshLinks.Link>> links) {
    for (HostEntry a : hosts) {
      Set<Integer> peers = links.get(a.number()).keySet();
      for (HostEntry b : hosts) {
        if (a == b || MeshLinks.sharedNetwork(a, b).isPresent()) {
          continue;
        }
        String where = "seed " + seed + " " + t + " " + a.number() + "->" + b.number();
        boolean expected;
        if (t instanceof Topology.HubAndSpoke hs) {
          boolean ha = hs.isHub(a.number());
          boolean hb = hs.isHub(b.number());
          expected =
              (ha && hb)
                  || (ha && hs.hubsOf(b.number()).contains(a.number()))
                  || (hb && hs.hubsOf(a.number()).contains(b.number()));
        } else {
          expected = MeshLinks.commonFamily(a, b).isPresent();
        }
        assertThat(peers.contains(b.number())).as(where).isEqualTo(expected);
      }
      if (t instanceof Topology.HubAndSpoke hs && !hs.isHub(a.number())) {
        List<Integer> chosen = hs.hubsOf(a.number());
        assertThat(chosen).hasSize(hs.effectiveHubsPerSpoke());
        assertThat(peers).as("seed %d spoke %d", seed, a.number()).containsAll(chosen);
        for (int p : peers) {
          if (hs.isHub(p) && !chosen.contains(p)) {
            assertThat(links.get(a.number()).get(p).via())
                .as("seed %d spoke %d hub %d", seed, a.number(), p)
                .isEqualTo(MeshLinks.Via.SHARED_LAN);
          }
        }
      }
    }
    if (MeshLinks.check(t, hosts).isEmpty()) {
      assertConnectedThroughTransit(seed, t, hosts, links);
    }
  }

  /**
   * A valid policy reaches every host from every other, forwarding only through transit hosts
   * (hubs; every host in a full mesh).
   */
  private static void assertConnectedThroughTransit(
      long seed,
      Topology t,
      List<HostEntry> hosts,
      Map<Integer, Map<Integer, MeshLinks.Link>> links) {
    for (HostEntry from : hosts) {
      Set<Integer> reached = new TreeSet<>(List.of(from.number()));
      List<Integer> todo = new ArrayList<>(List.of(from.number()));
      while (!todo.isEmpty()) {
        int n = todo.remove(todo.size() - 1);
        if (n != from.number() && !t.isTransit(n)) {
          continue;
        }
        for (int p : links.get(n).keySet()) {
          if (reached.add(p)) {
            todo.add(p);
          }
        }
      }
      assertThat(reached).as("seed %d %s from %d", seed, t, from.number()).hasSize(hosts.size());
    }
  }

  private static Map<Integer, MeshLinks.Link> byPeer(List<MeshLinks.Link> links) {
    return links.stream().collect(Collectors.toMap(l -> l.peer().number(), l -> l));
  }

  /** The hosts, some observed: at their own address or another, any family, ports kept or not. */
  private static List<HostEntry> observedSome(Random r, List<HostEntry> hosts) {
    List<HostEntry> out = new ArrayList<>();
    for (HostEntry h : hosts) {
      if (r.nextBoolean()) {
        out.add(h);
        continue;
      }
      String address =
          r.nextBoolean()
              ? "198.51.100." + (h.number() % 250)
              : "2001:db8:ffff::" + Integer.toHexString(h.number());
      out.add(h.withObserved(new Observed(IpAddress.parse(address, "t"), r.nextInt(4) > 0)));
    }
    return out;
  }

  @Test
  void linksOf_randomMeshesWithObservedAddresses_addOnlyObservedLinks_andKeepTheCheck() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int round = 0; round < 300; round++) {
      List<HostEntry> registered = randomHosts(r);
      Topology t = randomTopology(r, registered);
      List<HostEntry> hosts = observedSome(r, registered);
      String where = "seed " + seed + " round " + round + " " + t;
      assertThat(MeshLinks.check(t, hosts)).as(where).isEqualTo(MeshLinks.check(t, registered));
      Map<Integer, Map<Integer, MeshLinks.Link>> links = new HashMap<>();
      hosts.forEach(h -> links.put(h.number(), byPeer(MeshLinks.linksOf(t, h, hosts))));
      for (int i = 0; i < hosts.size(); i++) {
        HostEntry a = hosts.get(i);
        Map<Integer, MeshLinks.Link> before =
            byPeer(MeshLinks.linksOf(t, registered.get(i), registered));
        for (HostEntry b : hosts) {
          String pair = where + " " + a.number() + "<->" + b.number();
          MeshLinks.Link ab = links.get(a.number()).get(b.number());
          MeshLinks.Link ba = links.get(b.number()).get(a.number());
          MeshLinks.Link old = before.get(b.number());
          assertThat(ab == null).as(pair).isEqualTo(ba == null);
          assertThat(ab != null).as(pair).isEqualTo(MeshLinks.linked(t, a, b));
          if (ab == null) {
            assertThat(old).as(pair).isNull();
            continue;
          }
          assertThat(ab.via()).as(pair).isEqualTo(ba.via());
          assertThat(ab.v6Underlay()).as(pair).isEqualTo(ba.v6Underlay());
          if (ab.via() == MeshLinks.Via.OBSERVED) {
            // Extra: two hosts without a registered address, each sending to the other's mapping.
            assertThat(old).as(pair).isNull();
            assertThat(a.isPublic() || b.isPublic()).as(pair).isFalse();
            assertThat(ab.endpoint()).as(pair).isEqualTo(b.observed().map(Observed::address));
            assertThat(b.observed().orElseThrow().portsKept()).as(pair).isTrue();
            assertThat(ab.endpoint().orElseThrow().isV6()).as(pair).isEqualTo(ab.v6Underlay());
            continue;
          }
          // Every other link is the one of before, sent to where the peer is when that is known.
          assertThat(old).as(pair).isNotNull();
          assertThat(ab.via()).as(pair).isEqualTo(old.via());
          assertThat(ab.v6Underlay()).as(pair).isEqualTo(old.v6Underlay());
          // (A pair without a common family has no endpoint, observed or not: hub-and-spoke
          // meshes the check refuses.)
          Optional<IpAddress> seen =
              b.observed()
                  .filter(o -> o.portsKept() && o.address().isV6() == ab.v6Underlay())
                  .filter(o -> MeshLinks.commonFamily(a, b).isPresent())
                  .map(Observed::address);
          if (ab.via() == MeshLinks.Via.PUBLIC && seen.isPresent()) {
            assertThat(ab.endpoint()).as(pair).isEqualTo(seen);
          } else {
            assertThat(ab.endpoint()).as(pair).isEqualTo(old.endpoint());
          }
        }
      }
    }
  }

  @Test
  void linksOf_fullMeshOfPublicHosts_isEveryPeerAsBefore() {
    List<HostEntry> hosts = new ArrayList<>();
    for (int n = 1; n <= 30; n++) {
      hosts.add(host(n, "203.0.113." + n));
    }
    for (HostEntry h : hosts) {
      assertThat(MeshLinks.linksOf(Topology.FULL_MESH, h, hosts))
          .extracting(l -> l.peer().number(), MeshLinks.Link::endpoint)
          .containsExactlyElementsOf(
              hosts.stream()
                  .filter(o -> o != h)
                  .map(
                      o ->
                          org.assertj.core.groups.Tuple.tuple(
                              o.number(), Optional.of(o.endpoints().get(0))))
                  .toList());
    }
  }
}
