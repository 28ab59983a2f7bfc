package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.Aead;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.KeySwitch;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * The host record's observed address (issue 24), its third optional trailing field: round trips in
 * every combination with the two before it, records without it byte for byte as before, a strict
 * decoder (one encoding per value, truncated and extra bytes refused naming the field) and
 * tampering refused.
 */
class HostRecordTest {
  private static final SiteKeys SITE = Fixtures.siteKeys();
  private static final GroupKey GROUP = Fixtures.groupKey(3);
  private static final int NUMBER = 42;
  private static final String NAME = RecordNames.hostRecordName(DOMAIN, NUMBER);
  private static final byte[] NONCE = new byte[12];

  private static final HostEntry PLAIN = Fixtures.host(NUMBER);
  private static final Observed NAT_V4 = new Observed(IpAddress.parse("192.0.2.77", "t"), true);
  private static final Observed RANDOM_V6 =
      new Observed(IpAddress.parse("2001:db8:77::1", "t"), false);
  private static final KeySwitch SWITCH =
      new KeySwitch(Fixtures.hostKey(900).publicKey(), NOW.plusSeconds(900));
  private static final List<IpPrefix> SHARED =
      List.of(IpPrefix.parseInterface("192.168.7.42/24", "t"));

  /** The entry with shared LANs and a key switch as asked. */
  private static HostEntry entry(boolean shared, boolean keySwitch) {
    HostEntry e = shared ? PLAIN.withSharedLans(SHARED) : PLAIN;
    return keySwitch ? e.withKeySwitch(SWITCH) : e;
  }

  private static HostRecord record(HostEntry e) {
    return new HostRecord(e, 11, NOW, NOW.plusSeconds(3600), GROUP.epoch());
  }

  private static TxtRecordSet encode(HostEntry e) {
    return record(e).encode(DOMAIN, GROUP, SITE.signing(), 300, NONCE);
  }

  private static HostRecord decode(TxtRecordSet rrset) {
    return HostRecord.decode(rrset, SITE.signing().publicKey(), GROUP, DOMAIN, NOW);
  }

  /** The entry's plaintext as the record carries it (decrypted from the encoded record). */
  private static byte[] plaintext(HostEntry e) {
    HostRecord.Header h = HostRecord.header(encode(e), SITE.signing().publicKey(), DOMAIN);
    return Aead.open(GROUP.key(), HostRecord.aad(NAME, DOMAIN, GROUP.epoch()), h.sealed())
        .orElseThrow();
  }

  /** A validly signed record of host 42 whose ciphertext seals {@code plaintext}. */
  private static TxtRecordSet sealed(byte[] plaintext) {
    byte[] ciphertext =
        Aead.seal(GROUP.key(), HostRecord.aad(NAME, DOMAIN, GROUP.epoch()), plaintext);
    byte[] body =
        new WireWriter()
            .u32(GROUP.epoch())
            .u16(NUMBER)
            .u63(11)
            .time(NOW)
            .time(NOW.plusSeconds(3600))
            .bytes16(ciphertext)
            .toByteArray();
    return new TxtRecordSet(
        NAME, 300, TxtChunks.split(Envelope.build(NAME, Envelope.TYPE_HOST, body, SITE.signing())));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] observedBytes(Observed o) {
    return new WireWriter().address(o.address()).u8(o.portsKept() ? 1 : 0).toByteArray();
  }

  private static void assertRefused(byte[] plaintext, String field) {
    assertThatThrownBy(() -> decode(sealed(plaintext)))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo(NAME);
              assertThat(e.why()).startsWith("field '" + field + "'");
            });
  }

  @Test
  void observed_roundTripsWithAndWithoutSharedLansAndKeySwitch() {
    for (Observed o : List.of(NAT_V4, RANDOM_V6)) {
      for (boolean shared : new boolean[] {false, true}) {
        for (boolean keySwitch : new boolean[] {false, true}) {
          HostEntry e = entry(shared, keySwitch).withObserved(o);
          HostRecord back = decode(encode(e));
          String what = o + " shared " + shared + " switch " + keySwitch;
          assertThat(back).as(what).isEqualTo(record(e));
          assertThat(back.entry().observed()).as(what).contains(o);
          // One encoding per value: what was read encodes to the same strings.
          assertThat(encode(back.entry())).as(what).isEqualTo(encode(e));
        }
      }
    }
  }

  @Test
  void withoutObserved_theRecordIsWhatItWas_andTheFieldOnlyAppends() {
    for (boolean shared : new boolean[] {false, true}) {
      for (boolean keySwitch : new boolean[] {false, true}) {
        HostEntry before = entry(shared, keySwitch);
        byte[] old = plaintext(before);
        byte[] withObserved = plaintext(before.withObserved(NAT_V4));
        String what = "shared " + shared + " switch " + keySwitch;
        byte[] tail;
        if (keySwitch) {
          tail = observedBytes(NAT_V4);
        } else if (shared) {
          tail = concat(new byte[32], observedBytes(NAT_V4));
        } else {
          // The empty shared-LAN list, then "no key switch", then the address.
          tail = concat(new byte[] {0}, new byte[32], observedBytes(NAT_V4));
        }
        assertThat(withObserved).as(what).isEqualTo(concat(old, tail));
        assertThat(decode(encode(before)).entry().observed()).as(what).isEmpty();
      }
    }
    // The plain form ends after the LAN prefixes: no list, no marker (the golden vector pins it).
    byte[] plain = plaintext(PLAIN);
    byte[] prefixesEnd =
        new WireWriter().prefixes(PLAIN.lanPrefixes()).toByteArray(); // the last field written
    assertThat(Arrays.copyOfRange(plain, plain.length - prefixesEnd.length, plain.length))
        .isEqualTo(prefixesEnd);
  }

  @Test
  void decode_markerWithoutObservedAddress_isRefusedNamingTheField() {
    byte[] base = plaintext(PLAIN);
    assertRefused(concat(base, new byte[] {0}, new byte[32]), "entry.keySwitch.from");
    assertRefused(
        concat(plaintext(PLAIN.withSharedLans(SHARED)), new byte[32]), "entry.keySwitch.from");
  }

  @Test
  void decode_truncatedOrExtraBytes_areRefusedNamingTheField() {
    byte[] base = concat(plaintext(PLAIN), new byte[] {0}, new byte[32]);
    byte[] v4 = observedBytes(NAT_V4);
    byte[] v6 = observedBytes(RANDOM_V6);
    assertRefused(concat(base, Arrays.copyOf(v4, 3)), "entry.observed.address");
    assertRefused(concat(base, Arrays.copyOf(v6, 10)), "entry.observed.address");
    assertRefused(concat(base, Arrays.copyOf(v4, v4.length - 1)), "entry.observed.flags");
    assertRefused(concat(base, v4, new byte[] {0}), "entry");
    assertRefused(
        concat(plaintext(PLAIN.withKeySwitch(SWITCH)), new byte[] {4, 1}),
        "entry.observed.address");
    assertRefused(
        concat(plaintext(entry(true, true).withObserved(RANDOM_V6)), new byte[] {0}), "entry");
    // A key switch cut short before an observed address is still a truncated key switch.
    byte[] switching = plaintext(PLAIN.withKeySwitch(SWITCH));
    assertRefused(Arrays.copyOf(switching, switching.length - 3), "entry.keySwitch.at");
  }

  @Test
  void decode_everyTruncation_isRefusedOrAnEarlierForm_neverAnotherObservedAddress() {
    for (HostEntry e :
        List.of(PLAIN.withObserved(NAT_V4), entry(true, true).withObserved(RANDOM_V6))) {
      byte[] full = plaintext(e);
      for (int len = plaintext(PLAIN).length; len < full.length; len++) {
        TxtRecordSet cut = sealed(Arrays.copyOf(full, len));
        try {
          HostEntry back = decode(cut).entry();
          // Only where an earlier form ends: the entry as it was before a later field existed.
          assertThat(back)
              .as("length %d", len)
              .isIn(PLAIN, PLAIN.withSharedLans(SHARED), entry(true, true));
        } catch (RecordException expected) {
          assertThat(expected.what()).isEqualTo(NAME);
        }
      }
    }
  }

  @Test
  void decode_badObservedValues_areRefusedNamingTheField() {
    byte[] base = concat(plaintext(PLAIN), new byte[] {0}, new byte[32]);
    byte[] v4 = observedBytes(NAT_V4);
    for (int flags : new int[] {2, 3, 0x80, 0xff}) {
      byte[] bad = v4.clone();
      bad[bad.length - 1] = (byte) flags;
      assertRefused(concat(base, bad), "entry.observed.flags");
    }
    byte[] family = v4.clone();
    family[0] = 5;
    assertRefused(concat(base, family), "entry.observed.address.family");
    // ::ffff:192.0.2.77: IPv4 has one encoding, family 4.
    byte[] mapped = new byte[18];
    mapped[0] = 6;
    mapped[11] = (byte) 0xff;
    mapped[12] = (byte) 0xff;
    System.arraycopy(NAT_V4.address().bytes(), 0, mapped, 13, 4);
    mapped[17] = 1;
    assertRefused(concat(base, mapped), "entry.observed.address");
  }

  @Test
  void keySwitchFromTheAllZeroKey_cannotBeEncoded_itIsTheMarkerOfNone() {
    HostEntry zero =
        PLAIN.withKeySwitch(new KeySwitch(new X25519PublicKey(new byte[32]), NOW.plusSeconds(60)));
    assertThatThrownBy(() -> record(zero))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all-zero key");
  }

  @Test
  void tampered_observedRecord_isRefused() {
    TxtRecordSet original = encode(entry(true, true).withObserved(NAT_V4));
    for (int which = 0; which < original.strings().size(); which++) {
      String s = original.strings().get(which);
      for (int pos = 2; pos < s.length(); pos++) {
        char c = s.charAt(pos) == 'A' ? 'B' : 'A';
        List<String> strings = new ArrayList<>(original.strings());
        strings.set(which, s.substring(0, pos) + c + s.substring(pos + 1));
        TxtRecordSet mutated = new TxtRecordSet(NAME, 300, strings);
        assertThatThrownBy(() -> decode(mutated))
            .as("string %d position %d", which, pos)
            .isInstanceOf(RecordException.class);
      }
    }
    // Another address sealed under the group key but not signed by the site: refused before
    // anything is decrypted.
    TxtRecordSet forged =
        new HostRecord(
                entry(true, true)
                    .withObserved(new Observed(IpAddress.parse("192.0.2.66", "t"), true)),
                11,
                NOW,
                NOW.plusSeconds(3600),
                GROUP.epoch())
            .encode(DOMAIN, GROUP, Fixtures.otherSiteKeys().signing(), 300, NONCE);
    assertThatThrownBy(() -> decode(forged))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("signature"));
  }
}
