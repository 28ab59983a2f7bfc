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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.testing.InMemoryDnsSource;

/**
 * Random sequences of joins, removals, edits and idle runs: after each publication every member
 * reads exactly the current mesh, publishing again changes nothing, and serials never go back.
 */
class PublicationProperties {
  private static final SiteKeys SITE = Fixtures.siteKeys();

  /** An operation: 0 join, 1 remove, 2 edit, 3 publish unchanged; the argument picks the host. */
  record Step(int op, int arg) {}

  @Property(tries = 15)
  void publishSequence_readersSeeCurrentMeshAndRepublishIsEmpty(@ForAll("steps") List<Step> steps) {
    PublicationPlanner planner = new PublicationPlanner(SITE, 300, Duration.ofDays(7), Duration.ofDays(2), new Random(1));
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationState state = PublicationState.empty();
    Map<Integer, HostEntry> hosts = new TreeMap<>();
    hosts.put(1, Fixtures.host(1));
    Map<Integer, SeenSerials> seen = new HashMap<>();
    long lastMeshSerial = -1;
    Instant now = NOW;
    for (Step step : steps) {
      now = now.plusSeconds(3600);
      int n = 1 + step.arg() % 12;
      switch (step.op()) {
        case 0 -> hosts.putIfAbsent(n, Fixtures.host(n));
        case 1 -> {
          if (hosts.size() > 1) {
            hosts.remove(n);
          }
        }
        case 2 -> hosts.computeIfPresent(n, (k, h) -> new HostEntry(h.uuid(), h.hostname(), k, h.asn(), h.publicKey(),
            List.of(IpAddress.parse("203.0.113." + (step.arg() % 250 + 1), "t")), h.lanPrefixes()));
        default -> { }
      }
      List<HostEntry> list = new ArrayList<>(hosts.values());
      PublicationPlan plan = planner.plan(Fixtures.settings(), list, state, dns.snapshot(), now);
      plan.upsertsBeforeMesh().forEach(dns::put);
      if (plan.meshRecord() != null) {
        dns.put(plan.meshRecord());
      }
      plan.deletesAfterMesh().forEach(dns::remove);
      state = PublicationState.parse(plan.newState().toText(), "state");

      assertThat(planner.plan(Fixtures.settings(), list, state, dns.snapshot(), now).isEmpty()).isTrue();
      assertThat(dns.snapshot().keySet()).allMatch(name -> RecordNames.isOurs(name, DOMAIN)).hasSize(2 * list.size() + 1);
      MeshRecord mesh = MeshRecord.decode(dns.lookup(DOMAIN).orElseThrow(), SITE.signing().publicKey(), DOMAIN, now);
      assertThat(mesh.serial()).isGreaterThanOrEqualTo(lastMeshSerial);
      lastMeshSerial = mesh.serial();

      MeshReader reader = new MeshReader(Clock.fixed(now, ZoneOffset.UTC), 3);
      for (HostEntry h : list) {
        SeenSerials s = seen.computeIfAbsent(h.number(), k -> SeenSerials.empty());
        MeshView view = reader.read(dns, DOMAIN, SITE.signing().publicKey(), Fixtures.hostKey(h.number()), s);
        assertThat(view.self()).isEqualTo(h);
        List<HostEntry> others = new ArrayList<>(list);
        others.remove(h);
        assertThat(view.peers()).containsExactlyElementsOf(others);
      }
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step =
        Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1000))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(10);
  }
}
