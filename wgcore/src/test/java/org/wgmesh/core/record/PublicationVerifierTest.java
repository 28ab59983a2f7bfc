package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.record.PublicationReport.Problem;
import org.wgmesh.core.testing.InMemoryDnsSource;

/** The checks of the site's read-back verification, on a mesh published by the real planner. */
class PublicationVerifierTest {
  private final SiteKeys site = Fixtures.siteKeys();
  private final List<HostEntry> hosts = Fixtures.hosts(3);
  private final PublicationPlan plan =
      new PublicationPlanner(site, 300, Duration.ofDays(7), Duration.ofDays(2), new Random(5))
          .plan(Fixtures.settings(), hosts, PublicationState.empty(), Map.of(), NOW);
  private final InMemoryDnsSource dns = InMemoryDnsSource.of(plan.desired());

  private PublicationReport verify(Instant now, List<HostEntry> siteHosts, PublicationState state) {
    return new PublicationVerifier(Clock.fixed(now, ZoneOffset.UTC))
        .verify(dns, DOMAIN, site.signing().publicKey(), site.box().publicKey(), siteHosts, state);
  }

  private PublicationReport verify() {
    return verify(NOW.plusSeconds(60), hosts, plan.newState());
  }

  @Test
  void verify_whatThePlannerPublished_isOkWithTheMeshRecordExpiringFirst() {
    PublicationReport r = verify();

    assertThat(r.problems()).isEmpty();
    assertThat(r.ok()).isTrue();
    assertThat(r.records()).isEqualTo(7);
    assertThat(r.meshSerial()).hasValue(4);
    assertThat(r.earliestExpiry())
        .hasValueSatisfying(e -> assertThat(e.expires()).isEqualTo(NOW.plus(Duration.ofDays(7))));
  }

  @Test
  void verify_hostsWithTheirOwnHpkeKeys_isOk() {
    // Key records sealed to each host's HPKE key (not its WireGuard key): the state records it so.
    List<HostEntry> withHpke =
        hosts.stream()
            .map(
                h ->
                    h.withHpkePublic(
                        org.wgmesh.core.crypto.X25519PrivateKey.generate().publicKey()))
            .toList();
    PublicationPlan p =
        new PublicationPlanner(site, 300, Duration.ofDays(7), Duration.ofDays(2), new Random(5))
            .plan(Fixtures.settings(), withHpke, PublicationState.empty(), Map.of(), NOW);
    PublicationReport r =
        new PublicationVerifier(Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC))
            .verify(
                InMemoryDnsSource.of(p.desired()),
                DOMAIN,
                site.signing().publicKey(),
                site.box().publicKey(),
                withHpke,
                p.newState());

    assertThat(r.problems()).isEmpty();
    // Against a state that says the records were sealed to the WireGuard keys: a problem per host.
    PublicationReport stale =
        new PublicationVerifier(Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC))
            .verify(
                InMemoryDnsSource.of(p.desired()),
                DOMAIN,
                site.signing().publicKey(),
                site.box().publicKey(),
                withHpke,
                plan.newState());
    assertThat(stale.problems()).extracting(Problem::field).contains("groupKey.epoch");
  }

  @Test
  void verify_recordsOfAnotherSite_failOnTheSignatureOfEach() {
    SiteKeys other = Fixtures.otherSiteKeys();
    PublicationReport r =
        new PublicationVerifier(Clock.fixed(NOW, ZoneOffset.UTC))
            .verify(
                dns,
                DOMAIN,
                other.signing().publicKey(),
                other.box().publicKey(),
                hosts,
                plan.newState());

    assertThat(r.problems())
        .extracting(Problem::name, Problem::field)
        .startsWith(tuple(DOMAIN, "signature"), tuple("h1." + DOMAIN, "signature"));
  }

  @Test
  void verify_hostChangedInTheSiteFile_failsOnTheEntry() {
    HostEntry h2 = hosts.get(1);
    HostEntry renamed = h2.toBuilder().hostname("renamed").build();

    PublicationReport r =
        verify(NOW, List.of(hosts.get(0), renamed, hosts.get(2)), plan.newState());

    assertThat(r.problems())
        .containsExactly(
            new Problem(
                "h2." + DOMAIN,
                "entry",
                "does not match host renamed of the site file: run wgpub"));
  }

  @Test
  void verify_stateOfAnotherEpoch_failsOnTheMeshEpochAndTheCiphertexts() {
    PublicationState stale =
        new PublicationState(
            plan.newState().lastSerial(),
            Optional.of(Fixtures.groupKey(9)),
            plan.newState().members(),
            Optional.empty(),
            Map.of());

    PublicationReport r = verify(NOW, hosts, stale);

    assertThat(r.problems())
        .extracting(Problem::name, Problem::field)
        .contains(tuple(DOMAIN, "epoch"), tuple("h1." + DOMAIN, "epoch"));
  }

  @Test
  void verify_withoutState_saysTheGroupKeyIsMissing() {
    PublicationReport r = verify(NOW, hosts, PublicationState.empty());

    assertThat(r.problems()).extracting(Problem::field).containsExactly("groupKey");
  }

  @Test
  void verify_serialAboveTheSiteCounter_isAProblem() {
    PublicationState behind =
        new PublicationState(
            1, plan.newState().groupKey(), plan.newState().members(), Optional.empty(), Map.of());

    PublicationReport r = verify(NOW, hosts, behind);

    assertThat(r.problems())
        .extracting(Problem::name, Problem::field)
        .contains(tuple(DOMAIN, "serial"));
  }

  @Test
  void verify_keyRecordOfAMemberTheStateDoesNotList_isAProblemOnItsEpoch() {
    HostEntry h3 = hosts.get(2);
    Map<UUID, PublicationState.Member> members = new TreeMap<>(plan.newState().members());
    members.remove(h3.uuid());
    PublicationState state =
        new PublicationState(
            plan.newState().lastSerial(),
            plan.newState().groupKey(),
            members,
            Optional.empty(),
            Map.of());

    PublicationReport r = verify(NOW, hosts, state);

    assertThat(r.problems())
        .extracting(Problem::name, Problem::field)
        .containsExactly(
            tuple(RecordNames.keyRecordName(DOMAIN, h3.publicKey()), "groupKey.epoch"));
  }

  @Test
  void verify_keyRecordCutShort_failsOnItsCiphertext() {
    String name = RecordNames.keyRecordName(DOMAIN, hosts.get(0).publicKey());
    byte[] envelope =
        Envelope.buildUnsigned(
            name,
            Envelope.TYPE_KEY,
            new WireWriter().raw(new byte[32]).bytes16(new byte[20]).toByteArray());
    dns.put(new TxtRecordSet(name, 300, TxtChunks.split(envelope)));

    assertThat(verify().problems())
        .containsExactly(new Problem(name, "ciphertext", "20 bytes, a sealed group key is 54"));
  }

  @Test
  void verify_unreadableSource_passesTheDnsErrorThrough() {
    dns.failWith("h2." + DOMAIN, new DnsException("h2." + DOMAIN, "timeout"));

    assertThatThrownBy(this::verify).isInstanceOf(DnsException.class);
  }
}
