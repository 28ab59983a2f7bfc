package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.model.HostEntry;

/**
 * The planner seals and signs records side by side (issue 21); with a seeded random it still writes
 * exactly the records the one-by-one loop wrote: serials, nonces and ephemeral keys drawn host
 * after host in number order, the host record's nonce before the key record's ephemeral key. The
 * expected records here are made that way, one by one.
 */
class PublicationPlannerOrderTest {
  private static final Duration LIFETIME = Duration.ofDays(7);
  private final SiteKeys site = Fixtures.siteKeys();

  private PublicationPlanner planner(long seed) {
    return new PublicationPlanner(site, 300, LIFETIME, Duration.ofDays(2), new Random(seed));
  }

  /** The host and key records of {@code hosts} as the sequential loop encoded them. */
  private List<TxtRecordSet> oneByOne(
      List<HostEntry> hosts, GroupKey groupKey, long serialBefore, Random random) {
    List<TxtRecordSet> out = new ArrayList<>();
    long serial = serialBefore;
    for (HostEntry h : hosts) {
      out.add(
          new HostRecord(h, ++serial, NOW, NOW.plus(LIFETIME), groupKey.epoch())
              .encode(DOMAIN, groupKey, site.signing(), 300, random));
      byte[] ephemeral = new byte[32];
      random.nextBytes(ephemeral);
      out.add(
          new KeyRecord(h.number(), groupKey)
              .encode(
                  site.box(),
                  h.publicKey(),
                  h.sealingKey(),
                  DOMAIN,
                  300,
                  new X25519PrivateKey(ephemeral)));
    }
    out.sort(Comparator.comparing(TxtRecordSet::name));
    return out;
  }

  @Test
  void firstPublication_sameRecordsAsOneByOne() {
    List<HostEntry> hosts = Fixtures.hosts(60);
    PublicationPlan plan =
        planner(7).plan(Fixtures.settings(), hosts, PublicationState.empty(), Map.of(), NOW);

    Random random = new Random(7);
    GroupKey groupKey = GroupKey.generate(0, random);
    assertThat(plan.newState().groupKey().orElseThrow()).isEqualTo(groupKey);
    assertThat(plan.upsertsBeforeMesh()).isEqualTo(oneByOne(hosts, groupKey, 0, random));
  }

  @Test
  void join_keepsTheOthers_andWritesTheNewHostAsOneByOne() {
    List<HostEntry> hosts = Fixtures.hosts(31);
    PublicationPlan first =
        planner(3)
            .plan(
                Fixtures.settings(), hosts.subList(0, 30), PublicationState.empty(), Map.of(), NOW);
    Map<String, TxtRecordSet> published = new HashMap<>();
    first.desired().forEach(r -> published.put(r.name(), r));

    Random random = new Random(11);
    PublicationPlan join =
        planner(11).plan(Fixtures.settings(), hosts, first.newState(), published, NOW);
    GroupKey groupKey = first.newState().groupKey().orElseThrow();
    assertThat(join.upsertsBeforeMesh())
        .isEqualTo(
            oneByOne(hosts.subList(30, 31), groupKey, first.newState().lastSerial(), random));
    assertThat(join.desired()).containsAll(first.upsertsBeforeMesh());
  }
}
