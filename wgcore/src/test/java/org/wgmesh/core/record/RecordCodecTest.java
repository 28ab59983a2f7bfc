package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Topology;

class RecordCodecTest {
  private final SiteKeys site = Fixtures.siteKeys();

  @Test
  void meshRecord_roundTrips() {
    MeshRecord m = Fixtures.meshRecord(7, 3, 1, 2, 5, 9, 1000);
    TxtRecordSet rrset = m.encode(site.signing(), 300);
    assertThat(rrset.name()).isEqualTo(DOMAIN);
    assertThat(MeshRecord.decode(rrset, site.signing().publicKey(), DOMAIN, NOW)).isEqualTo(m);
    assertThat(MeshRecord.decodeFirstContact(rrset, DOMAIN, NOW)).isEqualTo(m);
  }

  @Test
  void meshRecord_pinnedDecode_refusesAMissingKey_firstContactIsItsOwnMethod() {
    // A null pin used to mean first contact: trust in the carried key must be asked for by name.
    TxtRecordSet rrset = Fixtures.meshRecord(7, 3, 1, 2, 5, 9, 1000).encode(site.signing(), 300);
    assertThatThrownBy(() -> MeshRecord.decode(rrset, null, DOMAIN, NOW))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("pinned");
  }

  @Test
  void meshRecord_hubAndSpoke_roundTripsAndFullMeshStaysByteIdentical() {
    MeshRecord full = Fixtures.meshRecord(7, 3, 1, 2, 5);
    MeshSettings s = full.settings();
    MeshRecord hub =
        MeshRecord.builder()
            .settings(
                new MeshSettings(
                    s.domain(),
                    s.locus(),
                    s.tunnelPrefix(),
                    s.portbase(),
                    s.allowedLanPrefixes(),
                    new Topology.HubAndSpoke(List.of(1, 2), 1)))
            .siteSigningKey(full.siteSigningKey())
            .siteBoxKey(full.siteBoxKey())
            .serial(full.serial())
            .issued(full.issued())
            .expires(full.expires())
            .members(full.members())
            .epoch(full.epoch())
            .build();
    TxtRecordSet rrset = hub.encode(site.signing(), 300);
    assertThat(MeshRecord.decode(rrset, site.signing().publicKey(), DOMAIN, NOW)).isEqualTo(hub);
    assertThat(body(full)).isEqualTo(body(full, "full-mesh"));
  }

  @Test
  void meshRecord_linkSettings_roundTripAndDefaultsWriteNoExtension() {
    MeshRecord plain = Fixtures.meshRecord(7, 3, 1, 2, 5);
    // The defaults, stated or not, write the bytes of a record from before link settings existed.
    MeshRecord stated = withLinks(plain, LinkSettings.DEFAULT);
    assertThat(body(stated)).isEqualTo(body(plain, "full-mesh"));
    for (LinkSettings l :
        List.of(
            LinkSettings.DEFAULT.withMtu(OptionalInt.of(1380)),
            LinkSettings.DEFAULT.withKeepalive(0),
            LinkSettings.DEFAULT.withBfd(BfdProfile.FAST),
            new LinkSettings(OptionalInt.of(9000), 3600, BfdProfile.FAST))) {
      MeshRecord m = withLinks(plain, l);
      TxtRecordSet rrset = m.encode(site.signing(), 300);
      assertThat(MeshRecord.decode(rrset, site.signing().publicKey(), DOMAIN, NOW))
          .as("%s", l)
          .isEqualTo(m);
    }
    // Exactly the tags of what differs, in order: MTU 1380 is tag 3, value 0x0564.
    byte[] mtuOnly = body(withLinks(plain, LinkSettings.DEFAULT.withMtu(OptionalInt.of(1380))));
    byte[] base = body(plain, "full-mesh");
    assertThat(java.util.Arrays.copyOfRange(mtuOnly, base.length, mtuOnly.length))
        .containsExactly(3, 0, 2, 0x05, 0x64);
    byte[] fast = body(withLinks(plain, LinkSettings.DEFAULT.withBfd(BfdProfile.FAST)));
    assertThat(java.util.Arrays.copyOfRange(fast, base.length, fast.length))
        .containsExactly(5, 0, 4, 'f', 'a', 's', 't');
  }

  @Test
  void meshRecord_badLinkExtension_isRecordExceptionNamingField() {
    MeshRecord m = Fixtures.meshRecord(7, 3, 1, 2);
    for (var bad :
        List.of(
            List.of("mtu", new byte[] {3, 0, 2, 0x01, 0x00}),
            List.of("keepalive", new byte[] {4, 0, 2, (byte) 0xff, (byte) 0xff}),
            List.of("bfd", new byte[] {5, 0, 6, 's', 'l', 'o', 'w', 'e', 'r'}),
            List.of("mtu", new byte[] {3, 0, 1, 0x05}))) {
      byte[] body = body(m, "full-mesh");
      byte[] ext = (byte[]) bad.get(1);
      byte[] all = java.util.Arrays.copyOf(body, body.length + ext.length);
      System.arraycopy(ext, 0, all, body.length, ext.length);
      byte[] env = Envelope.build(DOMAIN, Envelope.TYPE_MESH, all, site.signing());
      TxtRecordSet rrset = new TxtRecordSet(DOMAIN, 300, TxtChunks.split(env));
      assertThatThrownBy(() -> MeshRecord.decode(rrset, site.signing().publicKey(), DOMAIN, NOW))
          .isInstanceOf(RecordException.class)
          .hasMessageContaining("field '" + bad.get(0) + "'");
    }
  }

  private static MeshRecord withLinks(MeshRecord m, LinkSettings l) {
    return MeshRecord.builder()
        .settings(m.settings().withLinks(l))
        .siteSigningKey(m.siteSigningKey())
        .siteBoxKey(m.siteBoxKey())
        .serial(m.serial())
        .issued(m.issued())
        .expires(m.expires())
        .members(m.members())
        .epoch(m.epoch())
        .build();
  }

  @Test
  void meshRecord_unknownTopology_isRecordExceptionNamingField() {
    MeshRecord m = Fixtures.meshRecord(7, 3, 1, 2);
    for (String topology : List.of("star", "hub-and-spoke:2,1", "hub-and-spoke")) {
      byte[] env = Envelope.build(DOMAIN, Envelope.TYPE_MESH, body(m, topology), site.signing());
      TxtRecordSet rrset = new TxtRecordSet(DOMAIN, 300, TxtChunks.split(env));
      assertThatThrownBy(() -> MeshRecord.decode(rrset, site.signing().publicKey(), DOMAIN, NOW))
          .isInstanceOf(RecordException.class)
          .hasMessageContaining("field 'topology'");
    }
  }

  /** The mesh record body as {@link MeshRecord#encode} writes it, with any topology text. */
  private static byte[] body(MeshRecord m, String topology) {
    MeshSettings s = m.settings();
    WireWriter w = new WireWriter();
    w.str8(s.domain()).str8(s.locus());
    w.raw(m.siteSigningKey().bytes()).raw(m.siteBoxKey().bytes());
    w.u63(m.serial()).time(m.issued()).time(m.expires());
    w.prefix(s.tunnelPrefix()).u16(s.portbase()).str8(topology);
    w.prefixes(s.allowedLanPrefixes());
    w.u32(m.epoch());
    int highest = m.members().last();
    byte[] map = new byte[(highest + 7) / 8];
    for (int n : m.members()) {
      map[(n - 1) >>> 3] |= (byte) (0x80 >>> ((n - 1) & 7));
    }
    w.u16(highest).raw(map);
    return w.toByteArray();
  }

  /** The body {@link MeshRecord#encode} wrote (the record's payload, inflated if it was). */
  private byte[] body(MeshRecord m) {
    TxtRecordSet rrset = m.encode(site.signing(), 300);
    return Envelope.parse(DOMAIN, TxtChunks.join(rrset), Envelope.TYPE_MESH, true).body();
  }

  @Test
  void meshRecord_reorderedChunksDecode() {
    MeshRecord m = Fixtures.meshRecord(7, 3, 1, 2, 5, 9, 1000, 4000, 65535);
    TxtRecordSet rrset = m.encode(site.signing(), 300);
    assertThat(rrset.strings()).hasSizeGreaterThan(1);
    List<String> reversed = new ArrayList<>(rrset.strings());
    Collections.reverse(reversed);
    assertThat(
            MeshRecord.decode(
                new TxtRecordSet(DOMAIN, 300, reversed), site.signing().publicKey(), DOMAIN, NOW))
        .isEqualTo(m);
  }

  @Test
  void meshRecord_otherSiteKeyRejected() {
    TxtRecordSet rrset = Fixtures.meshRecord(7, 3, 1).encode(site.signing(), 300);
    assertThatThrownBy(
            () ->
                MeshRecord.decode(
                    rrset, Fixtures.otherSiteKeys().signing().publicKey(), DOMAIN, NOW))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo(DOMAIN);
              assertThat(e.why()).contains("signature");
            });
  }

  @Test
  void meshRecord_expiredRejected() {
    MeshRecord m = Fixtures.meshRecord(7, 3, 1);
    TxtRecordSet rrset = m.encode(site.signing(), 300);
    assertThatThrownBy(
            () -> MeshRecord.decode(rrset, site.signing().publicKey(), DOMAIN, m.expires()))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("expires"));
  }

  @Test
  void meshRecord_otherDomainRejected() {
    TxtRecordSet rrset = Fixtures.meshRecord(7, 3, 1).encode(site.signing(), 300);
    TxtRecordSet moved = new TxtRecordSet("other.example.com", 300, rrset.strings());
    assertThatThrownBy(
            () -> MeshRecord.decode(moved, site.signing().publicKey(), "other.example.com", NOW))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo("other.example.com");
              assertThat(e.why()).contains("signature");
            });
    assertThatThrownBy(() -> MeshRecord.decodeFirstContact(moved, "other.example.com", NOW))
        .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.why()).contains("domain"));
  }

  @Test
  void hostRecord_roundTrips() {
    HostEntry e = Fixtures.host(42);
    GroupKey g = Fixtures.groupKey(3);
    HostRecord h = new HostRecord(e, 11, NOW, NOW.plusSeconds(3600), 3);
    TxtRecordSet rrset = h.encode(DOMAIN, g, site.signing(), 300);
    assertThat(rrset.name()).isEqualTo("h42." + DOMAIN);
    assertThat(HostRecord.decode(rrset, site.signing().publicKey(), g, DOMAIN, NOW)).isEqualTo(h);
  }

  @Test
  void hostRecord_sharedLans_roundTripAsAnOptionalTrailingList() {
    HostEntry plain = Fixtures.host(42);
    HostEntry e =
        plain.withSharedLans(
            List.of(
                org.wgmesh.core.net.IpPrefix.parseInterface("192.168.7.42/24", "t"),
                org.wgmesh.core.net.IpPrefix.parseInterface("fd00:77::2a/64", "t")));
    GroupKey g = Fixtures.groupKey(3);
    HostRecord h = new HostRecord(e, 11, NOW, NOW.plusSeconds(3600), 3);
    TxtRecordSet rrset = h.encode(DOMAIN, g, site.signing(), 300);
    HostRecord back = HostRecord.decode(rrset, site.signing().publicKey(), g, DOMAIN, NOW);
    assertThat(back).isEqualTo(h);
    assertThat(back.entry().sharedLans()).hasSize(2);
    // Without shared LANs the record is what it always was (the golden vector pins the bytes).
    assertThat(
            HostRecord.decode(
                    new HostRecord(plain, 11, NOW, NOW.plusSeconds(3600), 3)
                        .encode(DOMAIN, g, site.signing(), 300),
                    site.signing().publicKey(),
                    g,
                    DOMAIN,
                    NOW)
                .entry()
                .sharedLans())
        .isEmpty();
  }

  @Test
  void hostRecord_keySwitch_roundTripsWithAndWithoutSharedLans_andSettlesByTime() {
    GroupKey g = Fixtures.groupKey(3);
    HostEntry plain = Fixtures.host(42);
    org.wgmesh.core.crypto.X25519PublicKey previous =
        org.wgmesh.core.crypto.X25519PrivateKey.generate().publicKey();
    Instant at = NOW.plusSeconds(900);
    HostEntry switching = plain.withKeySwitch(new org.wgmesh.core.model.KeySwitch(previous, at));
    HostEntry both =
        switching.withSharedLans(
            List.of(org.wgmesh.core.net.IpPrefix.parseInterface("192.168.7.42/24", "t")));
    for (HostEntry e : List.of(switching, both)) {
      HostRecord h = new HostRecord(e, 11, NOW, NOW.plusSeconds(3600), 3);
      HostRecord back =
          HostRecord.decode(
              h.encode(DOMAIN, g, site.signing(), 300), site.signing().publicKey(), g, DOMAIN, NOW);
      assertThat(back).isEqualTo(h);
      assertThat(back.entry().sharedLans()).isEqualTo(e.sharedLans());
    }
    // Until the switch time the previous key is the one in use; from it on, the new one.
    assertThat(switching.keyAt(at.minusSeconds(1))).isEqualTo(previous);
    assertThat(switching.keyAt(at)).isEqualTo(plain.publicKey());
    assertThat(switching.settledAt(at.minusSeconds(1)).publicKey()).isEqualTo(previous);
    assertThat(switching.settledAt(at.minusSeconds(1)).keySwitch()).isEmpty();
    assertThat(switching.settledAt(at)).isEqualTo(plain);
    assertThat(switching.pendingSwitchAt(at)).isEmpty();
  }

  @Test
  void hostEntry_keySwitchFromTheKeyItself_isRefused() {
    HostEntry plain = Fixtures.host(42);
    assertThatThrownBy(
            () ->
                plain.withKeySwitch(
                    new org.wgmesh.core.model.KeySwitch(plain.publicKey(), NOW.plusSeconds(60))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hostRecord_movedToAnotherNameRejected() {
    GroupKey g = Fixtures.groupKey(3);
    TxtRecordSet rrset =
        new HostRecord(Fixtures.host(42), 11, NOW, NOW.plusSeconds(3600), 3)
            .encode(DOMAIN, g, site.signing(), 300);
    TxtRecordSet moved = new TxtRecordSet("h43." + DOMAIN, 300, rrset.strings());
    assertThatThrownBy(() -> HostRecord.decode(moved, site.signing().publicKey(), g, DOMAIN, NOW))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo("h43." + DOMAIN);
              assertThat(e.why()).contains("signature");
            });
  }

  @Test
  void hostRecord_wrongEpochRejected() {
    TxtRecordSet rrset =
        new HostRecord(Fixtures.host(42), 11, NOW, NOW.plusSeconds(3600), 3)
            .encode(DOMAIN, Fixtures.groupKey(3), site.signing(), 300);
    assertThatThrownBy(
            () ->
                HostRecord.decode(
                    rrset, site.signing().publicKey(), Fixtures.groupKey(4), DOMAIN, NOW))
        .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.why()).contains("epoch"));
  }

  @Test
  void hostRecord_wrongGroupKeyRejected() {
    TxtRecordSet rrset =
        new HostRecord(Fixtures.host(42), 11, NOW, NOW.plusSeconds(3600), 3)
            .encode(DOMAIN, Fixtures.groupKey(3), site.signing(), 300);
    GroupKey other = new GroupKey(3, new byte[32]);
    assertThatThrownBy(
            () -> HostRecord.decode(rrset, site.signing().publicKey(), other, DOMAIN, NOW))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("ciphertext"));
  }

  @Test
  void hostRecord_expiredRejected() {
    TxtRecordSet rrset =
        new HostRecord(Fixtures.host(42), 11, NOW, NOW.plusSeconds(3600), 3)
            .encode(DOMAIN, Fixtures.groupKey(3), site.signing(), 300);
    Instant later = NOW.plusSeconds(3600);
    assertThatThrownBy(
            () ->
                HostRecord.decode(
                    rrset, site.signing().publicKey(), Fixtures.groupKey(3), DOMAIN, later))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("expired"));
  }

  @Test
  void keyRecord_roundTrips() {
    GroupKey g = Fixtures.groupKey(5);
    KeyRecord k = new KeyRecord(42, g);
    var hostKey = Fixtures.hostKey(42);
    TxtRecordSet rrset = k.encode(site.box(), hostKey.publicKey(), DOMAIN, 300);
    assertThat(rrset.name()).isEqualTo(RecordNames.keyRecordName(DOMAIN, hostKey.publicKey()));
    assertThat(KeyRecord.decode(rrset, hostKey, site.box().publicKey(), DOMAIN)).isEqualTo(k);
  }

  @Test
  void keyRecord_sealedToTheHpkeKey_opensOnlyWithIt_atTheWireGuardKeysName() {
    java.util.Random random = new java.util.Random(12);
    for (int i = 0; i < 20; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      var wg = new org.wgmesh.core.crypto.X25519PrivateKey(seed);
      random.nextBytes(seed);
      var hpke = new org.wgmesh.core.crypto.X25519PrivateKey(seed);
      KeyRecord k = new KeyRecord(1 + random.nextInt(65535), Fixtures.groupKey(i));
      TxtRecordSet rrset = k.encode(site.box(), wg.publicKey(), hpke.publicKey(), DOMAIN, 300);
      // The name still derives from the WireGuard key: moving over does not rename the record.
      assertThat(rrset.name()).isEqualTo(RecordNames.keyRecordName(DOMAIN, wg.publicKey()));
      assertThat(KeyRecord.decode(rrset, wg, Optional.of(hpke), site.box().publicKey(), DOMAIN))
          .isEqualTo(k);
      // Not with the WireGuard key alone, nor with another HPKE key.
      assertThatThrownBy(() -> KeyRecord.decode(rrset, wg, site.box().publicKey(), DOMAIN))
          .isInstanceOfSatisfying(
              RecordException.class, e -> assertThat(e.why()).contains("does not open"));
      var otherHpke = org.wgmesh.core.crypto.X25519PrivateKey.generate();
      assertThatThrownBy(
              () ->
                  KeyRecord.decode(
                      rrset, wg, Optional.of(otherHpke), site.box().publicKey(), DOMAIN))
          .isInstanceOfSatisfying(
              RecordException.class, e -> assertThat(e.why()).contains("WireGuard or HPKE key"));
      // The HPKE key holder without the WireGuard key does not even find the name.
      assertThatThrownBy(
              () -> KeyRecord.decode(rrset, hpke, Optional.of(wg), site.box().publicKey(), DOMAIN))
          .isInstanceOfSatisfying(
              RecordException.class, e -> assertThat(e.why()).contains("another host"));
      // Same outer form as before: the site's own check does not tell the two apart.
      KeyRecord.checkSealed(rrset);
    }
  }

  @Test
  void keyRecord_sealedToTheWireGuardKey_stillOpensForAHostThatHasAnHpkeKey() {
    KeyRecord k = new KeyRecord(42, Fixtures.groupKey(5));
    var wg = Fixtures.hostKey(42);
    var hpke = Fixtures.hostKey(4242);
    TxtRecordSet rrset = k.encode(site.box(), wg.publicKey(), DOMAIN, 300);
    assertThat(KeyRecord.decode(rrset, wg, Optional.of(hpke), site.box().publicKey(), DOMAIN))
        .isEqualTo(k);
  }

  @Test
  void keyRecord_forAnotherHostRejected() {
    TxtRecordSet rrset =
        new KeyRecord(42, Fixtures.groupKey(5))
            .encode(site.box(), Fixtures.hostKey(42).publicKey(), DOMAIN, 300);
    assertThatThrownBy(
            () -> KeyRecord.decode(rrset, Fixtures.hostKey(43), site.box().publicKey(), DOMAIN))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("another host"));
    // Same bytes served at the right name for host 43: does not open.
    TxtRecordSet moved =
        new TxtRecordSet(
            RecordNames.keyRecordName(DOMAIN, Fixtures.hostKey(43).publicKey()),
            300,
            rrset.strings());
    assertThatThrownBy(
            () -> KeyRecord.decode(moved, Fixtures.hostKey(43), site.box().publicKey(), DOMAIN))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("ciphertext"));
  }

  @Test
  void keyRecord_fromAnotherSiteRejected() {
    TxtRecordSet rrset =
        new KeyRecord(42, Fixtures.groupKey(5))
            .encode(Fixtures.otherSiteKeys().box(), Fixtures.hostKey(42).publicKey(), DOMAIN, 300);
    assertThatThrownBy(
            () -> KeyRecord.decode(rrset, Fixtures.hostKey(42), site.box().publicKey(), DOMAIN))
        .isInstanceOf(RecordException.class);
  }

  @Test
  void keyId_isSixteenBase32Characters() {
    String kid = RecordNames.keyId(Fixtures.hostKey(1).publicKey());
    assertThat(kid).matches("[a-z2-7]{16}");
    assertThat(RecordNames.keyRecordName("Mesh.Example.COM.", Fixtures.hostKey(1).publicKey()))
        .isEqualTo("_key." + kid + ".mesh.example.com");
  }

  @Test
  void isOurs_matchesLabelsNotSubstrings() {
    assertThat(RecordNames.isOurs(DOMAIN, DOMAIN)).isTrue();
    assertThat(RecordNames.isOurs("h12." + DOMAIN, DOMAIN)).isTrue();
    assertThat(RecordNames.isOurs("H12." + DOMAIN + ".", DOMAIN)).isTrue();
    assertThat(RecordNames.isOurs("_key.abcdefghijklmnop." + DOMAIN, DOMAIN)).isTrue();
    assertThat(RecordNames.isOurs("h12.x" + DOMAIN, DOMAIN)).isFalse();
    assertThat(RecordNames.isOurs("h12.sub." + DOMAIN, DOMAIN)).isFalse();
    assertThat(RecordNames.isOurs("www." + DOMAIN, DOMAIN)).isFalse();
    assertThat(RecordNames.isOurs("h012." + DOMAIN, DOMAIN)).isFalse();
    assertThat(RecordNames.isOurs("h65536." + DOMAIN, DOMAIN)).isFalse();
    assertThat(RecordNames.isOurs("_key.short." + DOMAIN, DOMAIN)).isFalse();
    assertThat(RecordNames.isOurs("example.com", DOMAIN)).isFalse();
    assertThat(RecordNames.isOurs("x" + DOMAIN, DOMAIN)).isFalse();
  }
}
