package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshLinks;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.plan.WireGuardLink;

/**
 * Seeded property loops over random meshes, per policy: every endpoint plans its own side of the
 * same links (if A has {@code wgB} then B has {@code wgA}), with the ports and link addresses of
 * the numbering (A's {@code wgB} listens on portbase + B and sends to portbase + A, the two ends'
 * link addresses mirror), an endpoint exactly where the peer can be reached, and a full mesh of
 * public hosts linking every pair as before topologies existed.
 */
class TopologyPropertiesTest {
  static final Path ROOT = Path.of("/srv/h1");
  static final int PORTBASE = 51820;

  static List<HostEntry> randomHosts(Random r) {
    TreeSet<Integer> numbers = new TreeSet<>();
    int count = 2 + r.nextInt(30);
    while (numbers.size() < count) {
      numbers.add(1 + r.nextInt(r.nextBoolean() ? 40 : 65535 - PORTBASE));
    }
    List<HostEntry> out = new ArrayList<>();
    for (int n : numbers) {
      List<IpAddress> eps = new ArrayList<>();
      if (r.nextInt(3) > 0) {
        eps.add(IpAddress.parse("203.0.113." + (1 + n % 250), "t"));
      }
      if (r.nextInt(3) == 0) {
        eps.add(IpAddress.parse("2001:db8::" + Integer.toHexString(n), "t"));
      }
      List<IpPrefix> shared = new ArrayList<>();
      if (r.nextInt(4) == 0) {
        shared.add(
            IpPrefix.parseInterface("192.168." + r.nextInt(3) + "." + (1 + n % 250) + "/24", "t"));
      }
      out.add(
          HostEntry.builder()
              .uuid(new UUID(7, n))
              .hostname("host" + n)
              .number(n)
              .asn(4200000000L + n)
              .publicKey(Fixtures.key(n % 200 + 1).publicKey())
              .endpoints(eps)
              .lanPrefixes(
                  List.of(
                      IpPrefix.parse("10." + (n >> 8) + "." + (n & 0xff) + ".0/24", "t"),
                      IpPrefix.parse("fd00:18:" + Integer.toHexString(n) + "::/64", "t")))
              .sharedLans(shared)
              .build());
    }
    return out;
  }

  static Topology randomTopology(Random r, List<HostEntry> hosts) {
    List<Integer> pub = hosts.stream().filter(HostEntry::isPublic).map(HostEntry::number).toList();
    if (pub.isEmpty() || r.nextBoolean()) {
      return Topology.FULL_MESH;
    }
    TreeSet<Integer> hubs = new TreeSet<>();
    for (int i = 1 + r.nextInt(Math.min(4, pub.size())); i > 0; i--) {
      hubs.add(pub.get(r.nextInt(pub.size())));
    }
    return new Topology.HubAndSpoke(List.copyOf(hubs), r.nextInt(hubs.size() + 1));
  }

  @Test
  void plan_randomMeshes_bothEndsAgreeOnLinksPortsAndAddresses() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    int planned = 0;
    for (int round = 0; round < 120; round++) {
      List<HostEntry> hosts = randomHosts(r);
      Topology t = randomTopology(r, hosts);
      if (MeshLinks.check(t, hosts).isPresent()) {
        continue; // the site refuses such a mesh; PlannerTest covers the endpoint's refusal
      }
      Map<Integer, DeployPlan> plans = new HashMap<>();
      for (HostEntry h : hosts) {
        plans.put(
            h.number(),
            Planner.plan(TopologyPlanTest.view(t, h.number(), hosts), Fixtures.endpoint(ROOT)));
        planned++;
      }
      for (HostEntry a : hosts) {
        for (HostEntry b : hosts) {
          if (a == b) {
            continue;
          }
          String where = "seed " + seed + " " + t + " " + a.number() + "->" + b.number();
          var ab = plans.get(a.number()).link("wg" + b.number());
          var ba = plans.get(b.number()).link("wg" + a.number());
          assertThat(ab.isPresent()).as(where).isEqualTo(ba.isPresent());
          assertThat(ab.isPresent()).as(where).isEqualTo(MeshLinks.linked(t, a, b));
          if (ab.isEmpty()) {
            continue;
          }
          WireGuardLink l = ab.get();
          WireGuardLink m = ba.get();
          assertThat(l.listenPort()).as(where).isEqualTo(PORTBASE + b.number());
          l.endpoint()
              .ifPresent(e -> assertThat(e).as(where).endsWith(":" + (PORTBASE + a.number())));
          assertThat(l.localAddress()).as(where).isEqualTo(m.peerAddress());
          assertThat(l.peerAddress()).as(where).isEqualTo(m.localAddress());
          assertThat(l.peerAsn()).as(where).isEqualTo(b.asn());
          assertThat(l.peerPublicKey()).as(where).isEqualTo(b.publicKey());
          assertThat(l.persistentKeepalive())
              .as(where)
              .isEqualTo(org.wgmesh.core.model.LinkSettings.DEFAULT_KEEPALIVE);
          assertThat(l.peerTransit()).as(where).isEqualTo(t.isTransit(b.number()));
          boolean reachable = b.isPublic() || MeshLinks.sharedNetwork(a, b).isPresent();
          assertThat(l.endpoint().isPresent()).as(where).isEqualTo(reachable);
          // One of the two ends can always send the first packet.
          assertThat(l.endpoint().isPresent() || m.endpoint().isPresent()).as(where).isTrue();
        }
        DeployPlan p = plans.get(a.number());
        assertThat(p.transit()).isEqualTo(t.isTransit(a.number()));
        assertThat(p.peerLans()).hasSize(hosts.size() - 1);
      }
    }
    assertThat(planned).as("seed %d: enough valid meshes", seed).isGreaterThan(500);
  }

  @Test
  void plan_fullMeshOfPublicHosts_everyPeerAsBefore() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int round = 0; round < 20; round++) {
      List<HostEntry> hosts =
          randomHosts(r).stream()
              .map(
                  h ->
                      HostEntry.builder()
                          .uuid(h.uuid())
                          .hostname(h.hostname())
                          .number(h.number())
                          .asn(h.asn())
                          .publicKey(h.publicKey())
                          .endpoints(
                              List.of(IpAddress.parse("203.0.113." + (1 + h.number() % 250), "t")))
                          .lanPrefixes(h.lanPrefixes())
                          .build())
              .toList();
      for (HostEntry h : hosts) {
        DeployPlan p =
            Planner.plan(
                TopologyPlanTest.view(Topology.FULL_MESH, h.number(), hosts),
                Fixtures.endpoint(ROOT));
        assertThat(p.links())
            .as("seed %d host %d", seed, h.number())
            .extracting(WireGuardLink::peerNumber)
            .containsExactlyElementsOf(
                hosts.stream().map(HostEntry::number).filter(n -> n != h.number()).toList());
      }
    }
  }
}
