package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.Ed25519PrivateKey;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.testing.InMemoryDnsSource;

/**
 * A site signing-key roll through the real planner and reader: the announcement under the current
 * key, the switch to the next key alone, an endpoint that was offline for the whole overlap, and
 * the bad inputs (an announcement not signed by a pinned key, a record of the dropped key, a
 * replayed pre-roll record), each refused with nothing changed.
 */
class SiteKeyRollTest {
  static final Duration LIFETIME = Duration.ofDays(7);
  final SiteKeys old = Fixtures.siteKeys();
  final Ed25519PrivateKey next = Ed25519PrivateKey.generate();
  final SiteKeys rolled = new SiteKeys(next, old.box());
  final Ed25519PublicKey pinned = old.signing().publicKey();
  final List<HostEntry> hosts = Fixtures.hosts(3);
  final InMemoryDnsSource dns = new InMemoryDnsSource();
  PublicationState state = PublicationState.empty();

  PublicationPlanner planner(SiteKeys keys) {
    return new PublicationPlanner(keys, 300, LIFETIME, Duration.ofDays(2));
  }

  void publish(PublicationPlanner p, Instant now) {
    PublicationPlan plan = p.plan(Fixtures.settings(), hosts, state, dns.snapshot(), now);
    plan.upsertsBeforeMesh().forEach(dns::put);
    plan.meshRecord().ifPresent(dns::put);
    plan.deletesAfterMesh().forEach(dns::remove);
    state = plan.newState();
  }

  static MeshReader at(Instant now) {
    return new MeshReader(Clock.fixed(now, ZoneOffset.UTC), 2);
  }

  @Test
  void roll_announcedUnderTheCurrentKey_thenTheNextKeySignsAlone_andTheOldIsDropped() {
    publish(planner(old), NOW);
    SeenSerials a = SeenSerials.empty();
    SeenSerials offline = SeenSerials.empty();
    at(NOW).read(dns, DOMAIN, pinned, Fixtures.hostKey(1), a);
    at(NOW).read(dns, DOMAIN, pinned, Fixtures.hostKey(2), offline);
    assertThat(a.siteKey()).contains(pinned);
    assertThat(a.nextSiteKey()).isEmpty();
    TxtRecordSet preRoll = dns.lookup(DOMAIN).orElseThrow();

    // The roll starts: only the mesh record changes, still signed by the current key.
    Instant t1 = NOW.plus(Duration.ofHours(1));
    publish(planner(old).withNextSigningKey(next.publicKey()), t1);
    MeshRecord announcing = MeshRecord.decode(dns.lookup(DOMAIN).orElseThrow(), pinned, DOMAIN, t1);
    assertThat(announcing.nextSigningKey()).contains(next.publicKey());
    at(t1).read(dns, DOMAIN, pinned, Fixtures.hostKey(1), a);
    assertThat(a.nextSiteKey()).contains(next.publicKey());
    assertThat(a.trustedSiteKeys(pinned)).containsExactly(pinned, next.publicKey());
    assertThat(SeenSerials.parse(a.toText(), "seen").trustedSiteKeys(pinned))
        .containsExactly(pinned, next.publicKey());

    // The overlap is over: every record is re-signed by the next key alone.
    Instant t2 = NOW.plus(Duration.ofDays(14));
    publish(planner(rolled), t2);
    MeshRecord switched =
        MeshRecord.decodeFirstContact(dns.lookup(DOMAIN).orElseThrow(), DOMAIN, t2);
    assertThat(switched.siteSigningKey()).isEqualTo(next.publicKey());
    assertThat(switched.nextSigningKey()).isEmpty();
    var view = at(t2).read(dns, DOMAIN, pinned, Fixtures.hostKey(1), a);
    assertThat(view.siteSigningKey()).isEqualTo(next.publicKey());
    assertThat(a.trustedSiteKeys(pinned)).containsExactly(next.publicKey());

    // The endpoint that read nothing during the overlap: a clear error and the way to re-pin.
    String before = offline.toText();
    assertThatThrownBy(() -> at(t2).read(dns, DOMAIN, pinned, Fixtures.hostKey(2), offline))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo(DOMAIN);
              assertThat(e.why())
                  .contains("signed by site key " + next.publicKey().fingerprint())
                  .contains("has not pinned (pinned: " + pinned.fingerprint() + ")");
              assertThat(e.hint())
                  .get()
                  .asString()
                  .contains("offline for the whole overlap")
                  .contains("wgconfig --site-fingerprint " + next.publicKey().fingerprint());
            });
    assertThat(offline.toText()).isEqualTo(before);

    // The dropped key: a new record signed by the old key (say it leaked) is refused.
    String seenA = a.toText();
    MeshRecord byOld =
        MeshRecord.builder()
            .settings(Fixtures.settings())
            .siteSigningKey(pinned)
            .siteBoxKey(old.box().publicKey())
            .serial(state.lastSerial() + 100)
            .issued(t2)
            .expires(t2.plus(LIFETIME))
            .members(switched.members())
            .epoch(switched.epoch())
            .build();
    dns.put(byOld.encode(old.signing(), 300));
    assertThatThrownBy(() -> at(t2).read(dns, DOMAIN, pinned, Fixtures.hostKey(1), a))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("has not pinned"));
    assertThat(a.toText()).isEqualTo(seenA);

    // A replayed pre-roll record (old key, lower serial): refused too, nothing changed.
    dns.put(preRoll);
    assertThatThrownBy(() -> at(NOW).read(dns, DOMAIN, pinned, Fixtures.hostKey(1), a))
        .isInstanceOf(RecordException.class);
    assertThat(a.toText()).isEqualTo(seenA);
  }

  @Test
  void announcement_inARecordNotSignedByAPinnedKey_isRefusedAndNotPinned() {
    publish(planner(old), NOW);
    SeenSerials seen = SeenSerials.empty();
    at(NOW).read(dns, DOMAIN, pinned, Fixtures.hostKey(1), seen);
    String before = seen.toText();
    // An attacker's own key signs a record that carries it and announces a "next" key.
    SiteKeys attacker = Fixtures.otherSiteKeys();
    Ed25519PrivateKey attackersNext = Ed25519PrivateKey.generate();
    MeshRecord current = MeshRecord.decode(dns.lookup(DOMAIN).orElseThrow(), pinned, DOMAIN, NOW);
    MeshRecord forged =
        MeshRecord.builder()
            .settings(current.settings())
            .siteSigningKey(attacker.signing().publicKey())
            .siteBoxKey(attacker.box().publicKey())
            .serial(current.serial() + 1)
            .issued(NOW)
            .expires(NOW.plus(LIFETIME))
            .members(current.members())
            .epoch(current.epoch())
            .nextSigningKey(attackersNext.publicKey())
            .build();
    dns.put(forged.encode(attacker.signing(), 300));
    assertThatThrownBy(() -> at(NOW).read(dns, DOMAIN, pinned, Fixtures.hostKey(1), seen))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> assertThat(e.why()).contains("field 'signature'").contains("has not pinned"));
    assertThat(seen.toText()).isEqualTo(before);
    assertThat(seen.nextSiteKey()).isEmpty();
  }

  @Test
  void meshRecord_withoutAnAnnouncement_isByteForByteAsBefore_andOneWithItRoundTrips() {
    MeshRecord plain = Fixtures.meshRecord(5, 1, 1, 2);
    MeshRecord announcing =
        MeshRecord.builder()
            .settings(plain.settings())
            .siteSigningKey(plain.siteSigningKey())
            .siteBoxKey(plain.siteBoxKey())
            .serial(plain.serial())
            .issued(plain.issued())
            .expires(plain.expires())
            .members(plain.members())
            .epoch(plain.epoch())
            .nextSigningKey(next.publicKey())
            .nextBoxKey(org.wgmesh.core.crypto.X25519PrivateKey.generate().publicKey())
            .build();
    TxtRecordSet a = announcing.encode(old.signing(), 300);
    MeshRecord back = MeshRecord.decode(a, pinned, DOMAIN, NOW);
    assertThat(back).isEqualTo(announcing);
    assertThat(back.nextBoxKey()).isEqualTo(announcing.nextBoxKey()).isPresent();
    assertThat(MeshRecord.decode(plain.encode(old.signing(), 300), pinned, DOMAIN, NOW))
        .isEqualTo(plain);
  }
}
