package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.testing.InMemoryDnsSource;

/**
 * Random sequences of joins, removals, edits and idle runs (seeded): after each publication every
 * member reads exactly the current mesh, publishing again changes nothing, only our names exist,
 * and the mesh serial never goes back.
 */
class PublicationPropertiesTest {
  private static final SiteKeys SITE = Fixtures.siteKeys();

  @Test
  void publishSequence_readersSeeCurrentMeshAndRepublishIsEmpty() {
    for (int seed = 0; seed < 15; seed++) {
      runSequence(new Random(seed), seed);
    }
  }

  private static void runSequence(Random random, int seed) {
    PublicationPlanner planner =
        new PublicationPlanner(SITE, 300, Duration.ofDays(7), Duration.ofDays(2), new Random(seed));
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationState state = PublicationState.empty();
    Map<Integer, HostEntry> hosts = new TreeMap<>();
    hosts.put(1, Fixtures.host(1));
    Map<Integer, SeenSerials> seen = new HashMap<>();
    long lastMeshSerial = -1;
    Instant now = NOW;
    int steps = 1 + random.nextInt(10);
    for (int step = 0; step < steps; step++) {
      now = now.plusSeconds(3600 * (1 + random.nextInt(60)));
      int n = 1 + random.nextInt(12);
      switch (random.nextInt(4)) {
        case 0 -> hosts.putIfAbsent(n, Fixtures.host(n));
        case 1 -> {
          if (hosts.size() > 1) {
            hosts.remove(n);
          }
        }
        case 2 ->
            hosts.computeIfPresent(
                n,
                (k, h) ->
                    h.toBuilder()
                        .number(k)
                        .endpoints(
                            List.of(IpAddress.parse("203.0.113." + (1 + random.nextInt(250)), "t")))
                        .build());
        default -> {}
      }
      List<HostEntry> list = new ArrayList<>(hosts.values());
      PublicationPlan plan = planner.plan(Fixtures.settings(), list, state, dns.snapshot(), now);
      plan.upsertsBeforeMesh().forEach(dns::put);
      plan.meshRecord().ifPresent(dns::put);
      plan.deletesAfterMesh().forEach(dns::remove);
      state = PublicationState.parse(plan.newState().toText(), "state");
      String where = "seed " + seed + " step " + step;

      assertThat(planner.plan(Fixtures.settings(), list, state, dns.snapshot(), now).isEmpty())
          .as(where)
          .isTrue();
      assertThat(dns.snapshot().keySet())
          .as(where)
          .allMatch(name -> RecordNames.isOurs(name, DOMAIN))
          .hasSize(2 * list.size() + 1);
      MeshRecord mesh =
          MeshRecord.decode(
              dns.lookup(DOMAIN).orElseThrow(), SITE.signing().publicKey(), DOMAIN, now);
      assertThat(mesh.serial()).as(where).isGreaterThanOrEqualTo(lastMeshSerial);
      lastMeshSerial = mesh.serial();

      MeshReader reader = new MeshReader(Clock.fixed(now, ZoneOffset.UTC), 3);
      for (HostEntry h : list) {
        SeenSerials s = seen.computeIfAbsent(h.number(), k -> SeenSerials.empty());
        MeshView view =
            reader.read(dns, DOMAIN, SITE.signing().publicKey(), Fixtures.hostKey(h.number()), s);
        assertThat(view.self()).as(where).isEqualTo(h);
        List<HostEntry> others = new ArrayList<>(list);
        others.remove(h);
        assertThat(view.peers()).as(where).containsExactlyElementsOf(others);
      }
    }
  }
}
