package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.model.HostEntry;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Every RRset fits a 4 KB DNS message at 1000 hosts, and a join touches at most 3 RRsets. */
class RecordSizeTest {
  static final int LIMIT = 4096;
  private final SiteKeys site = Fixtures.siteKeys();

  /** The size of a DNS response carrying the whole RRset, as dnsjava puts it on the wire. */
  static int wireSize(TxtRecordSet rrset) throws TextParseException {
    Name name = Name.fromString(rrset.name() + ".");
    Message m = Message.newQuery(Record.newRecord(name, Type.TXT, DClass.IN));
    m.getHeader().setFlag(Flags.QR);
    for (String s : rrset.strings()) {
      m.addRecord(new TXTRecord(name, DClass.IN, rrset.ttl(), s), Section.ANSWER);
    }
    return m.toWire().length;
  }

  @Test
  void plan_thousandHostsEveryRrsetUnder4kAndJoinWritesThree() throws Exception {
    PublicationPlanner planner =
        new PublicationPlanner(site, 300, Duration.ofDays(7), Duration.ofDays(2), new Random(3));
    List<HostEntry> hosts = Fixtures.hosts(1000);
    PublicationPlan first =
        planner.plan(Fixtures.settings(), hosts, PublicationState.empty(), Map.of(), NOW);
    assertThat(first.desired()).hasSize(2001);
    int largest = 0;
    long total = 0;
    for (TxtRecordSet r : first.desired()) {
      int size = wireSize(r);
      assertThat(size).as(r.name()).isLessThan(LIMIT);
      largest = Math.max(largest, size);
      total += size;
    }
    System.out.printf(
        "1000 hosts: largest RRset %d bytes on the wire, mesh record %d, all %d%n",
        largest, wireSize(first.meshRecord().orElseThrow()), total);

    Map<String, TxtRecordSet> published = new HashMap<>();
    first.desired().forEach(r -> published.put(r.name(), r));
    List<HostEntry> joined = new ArrayList<>(hosts);
    joined.add(Fixtures.host(1001));
    PublicationPlan join =
        planner.plan(Fixtures.settings(), joined, first.newState(), published, NOW.plusSeconds(60));
    assertThat(join.changedRrsets()).isEqualTo(3);
    assertThat(join.deletesAfterMesh()).isEmpty();
    assertThat(wireSize(join.meshRecord().orElseThrow())).isLessThan(LIMIT);
  }

  @Test
  void meshRecord_thousandScatteredNumbersUnder4k() throws Exception {
    Random random = new Random(17);
    TreeSet<Integer> numbers = new TreeSet<>();
    while (numbers.size() < 1000) {
      numbers.add(1 + random.nextInt(65535));
    }
    numbers.add(65535);
    MeshRecord m = Fixtures.meshRecord(1, 1);
    MeshRecord scattered =
        MeshRecord.builder()
            .settings(m.settings())
            .siteSigningKey(m.siteSigningKey())
            .siteBoxKey(m.siteBoxKey())
            .serial(1)
            .issued(m.issued())
            .expires(m.expires())
            .members(numbers)
            .epoch(1)
            .build();
    TxtRecordSet rrset = scattered.encode(site.signing(), 300);
    System.out.printf(
        "1000 scattered host numbers: mesh record %d bytes on the wire%n", wireSize(rrset));
    assertThat(wireSize(rrset)).isLessThan(LIMIT);
    assertThat(MeshRecord.decode(rrset, site.signing().publicKey(), DOMAIN, NOW).members())
        .isEqualTo(numbers);
  }
}
