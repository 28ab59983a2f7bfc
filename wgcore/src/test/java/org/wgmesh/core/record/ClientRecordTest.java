package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.testing.InMemoryDnsSource;

/** Client records (issue 25): planned, read and verified like host records. */
class ClientRecordTest {
  private final SiteKeys site = Fixtures.siteKeys();
  private final MeshReader reader =
      new MeshReader(Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC), 4);

  private static PublicationPlanner planner() {
    return new PublicationPlanner(
        Fixtures.siteKeys(), 300, Duration.ofDays(7), Duration.ofDays(2), new Random(5));
  }

  static ClientEntry client(int number, int... attached) {
    List<Integer> hosts = new ArrayList<>();
    for (int a : attached) {
      hosts.add(a);
    }
    return new ClientEntry(
        "client-" + number,
        number,
        Fixtures.hostKey(5000 + number).publicKey(),
        List.of(
            IpAddress.parse("198.51.100." + number, "t"),
            IpAddress.parse("fd12:3456:789a:0:2::" + Integer.toHexString(number), "t")),
        hosts,
        61800 + number,
        25);
  }

  private PublicationPlan publish(
      PublicationPlanner planner,
      List<HostEntry> hosts,
      List<ClientEntry> clients,
      PublicationState state,
      InMemoryDnsSource dns,
      Instant now) {
    PublicationPlan plan =
        planner.plan(Fixtures.settings(), hosts, clients, state, dns.snapshot(), now);
    plan.upsertsBeforeMesh().forEach(dns::put);
    plan.meshRecord().ifPresent(dns::put);
    plan.deletesAfterMesh().forEach(dns::remove);
    return plan;
  }

  private MeshView read(InMemoryDnsSource dns, int host, SeenSerials seen) {
    return reader.read(dns, DOMAIN, site.signing().publicKey(), Fixtures.hostKey(host), seen);
  }

  @Test
  void clients_arePublishedOneRecordEach_andReadIntoTheView() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    List<ClientEntry> clients = List.of(client(1, 1, 2), client(7, 3));
    PublicationPlan plan =
        publish(planner(), Fixtures.hosts(3), clients, PublicationState.empty(), dns, NOW);

    assertThat(plan.desired())
        .extracting(TxtRecordSet::name)
        .contains("c1." + DOMAIN, "c7." + DOMAIN)
        .filteredOn(n -> n.startsWith("c"))
        .hasSize(2);
    MeshView view = read(dns, 1, SeenSerials.empty());
    assertThat(view.clients()).containsExactlyElementsOf(clients);
    assertThat(view.attachedClients()).containsExactly(clients.get(0));
    assertThat(read(dns, 3, SeenSerials.empty()).attachedClients()).containsExactly(clients.get(1));
    MeshRecord mesh =
        MeshRecord.decode(
            dns.lookup(DOMAIN).orElseThrow(), site.signing().publicKey(), DOMAIN, NOW);
    assertThat(mesh.clients()).containsExactly(1, 7);
  }

  @Test
  void withoutClients_thePublicationIsByteForByteTheOneBefore() {
    PublicationPlan before =
        planner()
            .plan(Fixtures.settings(), Fixtures.hosts(3), PublicationState.empty(), Map.of(), NOW);
    PublicationPlan after =
        planner()
            .plan(
                Fixtures.settings(),
                Fixtures.hosts(3),
                List.of(),
                PublicationState.empty(),
                Map.of(),
                NOW);
    assertThat(after.desired()).isEqualTo(before.desired());
    // ... and the mesh record carries no client extension: the old layout, which ends with the
    // member bitmap (3 hosts: u16 highest 3, one byte 0b1110_0000) and no extension.
    MeshRecord mesh =
        MeshRecord.decode(
            after.meshRecord().orElseThrow(), site.signing().publicKey(), DOMAIN, NOW);
    assertThat(mesh.clients()).isEmpty();
    TxtRecordSet rebuilt =
        MeshRecord.builder()
            .settings(mesh.settings())
            .siteSigningKey(mesh.siteSigningKey())
            .siteBoxKey(mesh.siteBoxKey())
            .serial(mesh.serial())
            .issued(mesh.issued())
            .expires(mesh.expires())
            .members(mesh.members())
            .epoch(mesh.epoch())
            .build()
            .encode(site.signing(), 300);
    assertThat(rebuilt).isEqualTo(after.meshRecord().orElseThrow());
  }

  @Test
  void planningAgain_keepsClientRecords_andARemovedClientsRecordIsDeleted() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationPlanner planner = planner();
    PublicationPlan first =
        publish(
            planner,
            Fixtures.hosts(2),
            List.of(client(1, 1), client(2, 2)),
            PublicationState.empty(),
            dns,
            NOW);
    PublicationPlan again =
        planner.plan(
            Fixtures.settings(),
            Fixtures.hosts(2),
            List.of(client(1, 1), client(2, 2)),
            first.newState(),
            dns.snapshot(),
            NOW.plusSeconds(5));
    assertThat(again.isEmpty()).isTrue();

    PublicationPlan removal =
        publish(
            planner,
            Fixtures.hosts(2),
            List.of(client(1, 1)),
            first.newState(),
            dns,
            NOW.plusSeconds(10));
    assertThat(removal.deletesAfterMesh()).containsExactly("c2." + DOMAIN);
    assertThat(removal.upsertsBeforeMesh()).isEmpty(); // no new epoch: clients hold no group key
    assertThat(removal.newState().groupKey()).isEqualTo(first.newState().groupKey());
    assertThat(dns.lookup("c2." + DOMAIN)).isEmpty();
    assertThat(read(dns, 2, SeenSerials.empty()).clients()).containsExactly(client(1, 1));
  }

  @Test
  void aClientAttachedToAHostNotListed_isRefusedByThePlanner() {
    assertThatThrownBy(
            () ->
                planner()
                    .plan(
                        Fixtures.settings(),
                        Fixtures.hosts(2),
                        List.of(client(1, 9)),
                        PublicationState.empty(),
                        Map.of(),
                        NOW))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("attaches to host 9");
  }

  @Test
  void tamperedClientRecord_isRefused() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(
        planner(), Fixtures.hosts(2), List.of(client(1, 1)), PublicationState.empty(), dns, NOW);
    dns.modify("c1." + DOMAIN, ClientRecordTest::flipLastByte);
    SeenSerials seen = SeenSerials.empty();
    assertThatThrownBy(() -> read(dns, 1, seen))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("c1." + DOMAIN)
        .hasMessageContaining("signature");
    assertThat(seen.mesh()).isEqualTo(-1);
  }

  @Test
  void truncatedOrMissingClientRecord_isRefused() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(
        planner(), Fixtures.hosts(2), List.of(client(1, 1)), PublicationState.empty(), dns, NOW);
    TxtRecordSet whole = dns.lookup("c1." + DOMAIN).orElseThrow();
    byte[] bytes = TxtChunks.join(whole);
    dns.put(
        new TxtRecordSet(
            whole.name(), whole.ttl(), TxtChunks.split(Arrays.copyOf(bytes, bytes.length - 70))));
    assertThatThrownBy(() -> read(dns, 1, SeenSerials.empty()))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("c1." + DOMAIN);
    dns.remove("c1." + DOMAIN);
    assertThatThrownBy(() -> read(dns, 1, SeenSerials.empty()))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("no client record for client 1");
  }

  @Test
  void aHostRecordServedAsAClientRecord_isRefused() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(
        planner(), Fixtures.hosts(2), List.of(client(1, 1)), PublicationState.empty(), dns, NOW);
    TxtRecordSet host = dns.lookup("h1." + DOMAIN).orElseThrow();
    dns.put(new TxtRecordSet("c1." + DOMAIN, host.ttl(), host.strings()));
    assertThatThrownBy(() -> read(dns, 1, SeenSerials.empty()))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("type");
  }

  @Test
  void replayedOlderClientRecord_isRefused() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationPlanner planner = planner();
    PublicationPlan first =
        publish(
            planner, Fixtures.hosts(2), List.of(client(1, 1)), PublicationState.empty(), dns, NOW);
    TxtRecordSet old = dns.lookup("c1." + DOMAIN).orElseThrow();
    SeenSerials seen = SeenSerials.empty();
    read(dns, 1, seen);
    // The client moves to host 2: a new record with a higher serial, read and remembered.
    publish(
        planner,
        Fixtures.hosts(2),
        List.of(client(1, 2)),
        first.newState(),
        dns,
        NOW.plusSeconds(10));
    assertThat(read(dns, 1, seen).clients()).containsExactly(client(1, 2));
    long serial = seen.client(1);
    assertThat(serial).isPositive();
    // A replay of the older record (same epoch, valid signature) is refused, nothing recorded.
    dns.put(old);
    assertThatThrownBy(() -> read(dns, 1, seen))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("field 'serial'");
    assertThat(seen.client(1)).isEqualTo(serial);
    // The seen serials survive a restart of the endpoint.
    assertThat(SeenSerials.parse(seen.toText(), "t").client(1)).isEqualTo(serial);
  }

  @Test
  void expiredClientRecord_isRefused() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(
        planner(), Fixtures.hosts(2), List.of(client(1, 1)), PublicationState.empty(), dns, NOW);
    MeshReader late = new MeshReader(Clock.fixed(NOW.plus(Duration.ofDays(8)), ZoneOffset.UTC), 2);
    assertThatThrownBy(
            () ->
                late.read(
                    dns,
                    DOMAIN,
                    site.signing().publicKey(),
                    Fixtures.hostKey(1),
                    SeenSerials.empty()))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void clientRecordOfAnotherNumber_isRefused() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    publish(
        planner(),
        Fixtures.hosts(2),
        List.of(client(1, 1), client(2, 2)),
        PublicationState.empty(),
        dns,
        NOW);
    TxtRecordSet two = dns.lookup("c2." + DOMAIN).orElseThrow();
    dns.put(new TxtRecordSet("c1." + DOMAIN, two.ttl(), two.strings()));
    assertThatThrownBy(() -> read(dns, 1, SeenSerials.empty()))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("c1." + DOMAIN)
        .hasMessageContaining("signature"); // the signature covers the record name
  }

  @Test
  void verifier_acceptsWhatWasPlanned_andNamesAClientThatDiffers() {
    InMemoryDnsSource dns = new InMemoryDnsSource();
    PublicationPlan plan =
        publish(
            planner(),
            Fixtures.hosts(2),
            List.of(client(1, 1)),
            PublicationState.empty(),
            dns,
            NOW);
    PublicationVerifier verifier =
        new PublicationVerifier(Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC));
    PublicationReport ok =
        verifier.verify(
            dns,
            DOMAIN,
            site.signing().publicKey(),
            site.box().publicKey(),
            Fixtures.hosts(2),
            List.of(client(1, 1)),
            plan.newState());
    assertThat(ok.problems()).isEmpty();
    PublicationReport changed =
        verifier.verify(
            dns,
            DOMAIN,
            site.signing().publicKey(),
            site.box().publicKey(),
            Fixtures.hosts(2),
            List.of(client(1, 2), client(3, 1)),
            plan.newState());
    assertThat(changed.problems())
        .extracting(PublicationReport.Problem::field)
        .contains("entry", "clients");
    dns.modify("c1." + DOMAIN, ClientRecordTest::flipLastByte);
    PublicationReport tampered =
        verifier.verify(
            dns,
            DOMAIN,
            site.signing().publicKey(),
            site.box().publicKey(),
            Fixtures.hosts(2),
            List.of(client(1, 1)),
            plan.newState());
    assertThat(tampered.problems())
        .extracting(PublicationReport.Problem::field)
        .contains("signature");
  }

  @Test
  void recordNames_clientRecordsAreOurs() {
    assertThat(RecordNames.clientRecordName(DOMAIN, 12)).isEqualTo("c12." + DOMAIN);
    assertThat(RecordNames.isOurs("c12." + DOMAIN, DOMAIN)).isTrue();
    assertThat(RecordNames.isOurs("c0." + DOMAIN, DOMAIN)).isFalse();
    assertThat(RecordNames.clientNumberOf("c65535." + DOMAIN, DOMAIN)).isEqualTo(65535);
    assertThat(RecordNames.clientNumberOf("h5." + DOMAIN, DOMAIN)).isEqualTo(-1);
  }

  /** The same RRset with the last byte of the signature changed. */
  static TxtRecordSet flipLastByte(TxtRecordSet r) {
    byte[] b = TxtChunks.join(r);
    b[b.length - 1] ^= 1;
    return new TxtRecordSet(r.name(), r.ttl(), TxtChunks.split(b));
  }
}
