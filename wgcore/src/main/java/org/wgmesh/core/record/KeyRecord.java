package org.wgmesh.core.record;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.crypto.Aead;
import org.wgmesh.core.crypto.Hpke;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;

/**
 * A key record at {@code _key.<kid>.<domain>}: the group key and the host's own number, sealed to
 * that host's HPKE public key when the site file has one for it, else (hosts registered before
 * issue 12's separate HPKE key) to its WireGuard public key, with HPKE in authenticated mode from
 * the site's box key. Only that host can open it, and opening it proves the site sealed it, so it
 * needs no signature. The name derives from the host's public key ({@link
 * RecordNames#keyRecordName}), so an endpoint finds it knowing nothing but its own key; the name
 * stays derived from the WireGuard key also when the record is sealed to the HPKE key, so names do
 * not change when a host moves over. Nothing in the record says which key it is sealed to: the
 * endpoint tries the keys it holds.
 *
 * @param hostNumber the number of the host it is sealed to
 * @param groupKey the current group key
 */
public record KeyRecord(int hostNumber, GroupKey groupKey) {
  /**
   * @throws IllegalArgumentException when the number is not 1..65535
   */
  public KeyRecord {
    RecordNames.checkNumber(hostNumber);
    Objects.requireNonNull(groupKey, "groupKey");
  }

  /**
   * Seals this record to {@code hostPublic}.
   *
   * @throws IllegalArgumentException when {@code hostPublic} is a low-order point (no shared
   *     secret)
   */
  public TxtRecordSet encode(
      X25519PrivateKey siteBox, X25519PublicKey hostPublic, String domain, int ttl) {
    return encode(siteBox, hostPublic, domain, ttl, X25519PrivateKey.generate());
  }

  /**
   * As {@link #encode(X25519PrivateKey, X25519PublicKey, String, int)} with a given HPKE ephemeral
   * key (tests).
   */
  TxtRecordSet encode(
      X25519PrivateKey siteBox,
      X25519PublicKey hostPublic,
      String domain,
      int ttl,
      X25519PrivateKey ephemeral) {
    return encode(siteBox, hostPublic, hostPublic, domain, ttl, ephemeral);
  }

  /**
   * Seals this record to {@code sealTo} (the host's HPKE key), at the name of the host whose
   * WireGuard key is {@code hostPublic}.
   *
   * @throws IllegalArgumentException when {@code sealTo} is a low-order point (no shared secret)
   */
  public TxtRecordSet encode(
      X25519PrivateKey siteBox,
      X25519PublicKey hostPublic,
      X25519PublicKey sealTo,
      String domain,
      int ttl) {
    return encode(siteBox, hostPublic, sealTo, domain, ttl, X25519PrivateKey.generate());
  }

  /**
   * As {@link #encode(X25519PrivateKey, X25519PublicKey, X25519PublicKey, String, int)} (tests).
   */
  TxtRecordSet encode(
      X25519PrivateKey siteBox,
      X25519PublicKey hostPublic,
      X25519PublicKey sealTo,
      String domain,
      int ttl,
      X25519PrivateKey ephemeral) {
    String d = TxtRecordSet.normalize(domain);
    String name = RecordNames.keyRecordName(d, hostPublic);
    byte[] plain =
        new WireWriter().u32(groupKey.epoch()).raw(groupKey.key()).u16(hostNumber).toByteArray();
    Hpke.Sealed sealed = Hpke.seal(siteBox, sealTo, info(d, name), aad(name), plain, ephemeral);
    byte[] body = new WireWriter().raw(sealed.enc()).bytes16(sealed.ciphertext()).toByteArray();
    byte[] envelope = Envelope.buildUnsigned(name, Envelope.TYPE_KEY, body);
    return new TxtRecordSet(name, ttl, TxtChunks.split(envelope));
  }

  /**
   * Opens the key record of the host holding {@code hostPrivate}.
   *
   * @param siteBoxPublic the site's box key, from the verified mesh record
   * @throws RecordException naming the record and field: malformed, at another host's name, not
   *     sealed to this host or not sealed by this site; never anything unchecked
   */
  public static KeyRecord decode(
      TxtRecordSet rrset,
      X25519PrivateKey hostPrivate,
      X25519PublicKey siteBoxPublic,
      String domain) {
    return decode(rrset, hostPrivate, Optional.empty(), siteBoxPublic, domain);
  }

  /**
   * Opens the key record of the host holding {@code hostPrivate} (its WireGuard key, which names
   * the record) with that key, else with {@code hpkePrivate}: a site that has the host's HPKE key
   * seals to it, one that does not (not upgraded, or the host not moved over yet) to the WireGuard
   * key.
   *
   * @param hpkePrivate the host's HPKE key, empty when it has none
   * @throws RecordException as {@link #decode(TxtRecordSet, X25519PrivateKey, X25519PublicKey,
   *     String)}, when it opens with neither key
   */
  public static KeyRecord decode(
      TxtRecordSet rrset,
      X25519PrivateKey hostPrivate,
      Optional<X25519PrivateKey> hpkePrivate,
      X25519PublicKey siteBoxPublic,
      String domain) {
    String d = TxtRecordSet.normalize(domain);
    String expected = RecordNames.keyRecordName(d, hostPrivate.publicKey());
    if (!rrset.name().equals(expected)) {
      throw new RecordException(
          rrset.name(),
          "field 'name': this host's key record is "
              + expected
              + " (a key record for another host)");
    }
    Envelope.Parsed env = Envelope.parse(expected, TxtChunks.join(rrset), Envelope.TYPE_KEY, false);
    WireReader r = new WireReader(expected, env.body());
    byte[] enc = r.raw(Hpke.ENC_LENGTH, "enc");
    byte[] ct = r.bytes16("ciphertext");
    r.end("ciphertext");
    Hpke.Sealed sealed = new Hpke.Sealed(enc, ct);
    byte[] plain =
        Hpke.open(hostPrivate, siteBoxPublic, info(d, expected), aad(expected), sealed)
            .or(
                () ->
                    hpkePrivate.flatMap(
                        k -> Hpke.open(k, siteBoxPublic, info(d, expected), aad(expected), sealed)))
            .orElseThrow(
                () ->
                    r.error(
                        "ciphertext",
                        "does not open with this host's "
                            + (hpkePrivate.isEmpty() ? "key" : "WireGuard or HPKE key")
                            + " from site box key "
                            + siteBoxPublic.fingerprint()
                            + " (sealed to another host, by another site, or tampered)"));
    WireReader p = new WireReader(expected, plain);
    long epoch = p.u32("groupKey.epoch");
    byte[] key = p.raw(32, "groupKey.key");
    int number = p.u16("hostNumber");
    p.end("hostNumber");
    if (number < 1) {
      throw p.error("hostNumber", "host number 0 is not allowed");
    }
    return new KeyRecord(number, new GroupKey(epoch, key));
  }

  /**
   * What the site can check of a key record it cannot open (only its host can): chunks, envelope
   * (version, type 3, not deflated), and a body of the HPKE encapsulated key and a ciphertext of
   * exactly the sealed plaintext's size, at the name of some host's key record.
   *
   * @throws RecordException naming the record and the failing field
   */
  static void checkSealed(TxtRecordSet rrset) {
    String name = rrset.name();
    Envelope.Parsed env = Envelope.parse(name, TxtChunks.join(rrset), Envelope.TYPE_KEY, false);
    WireReader r = new WireReader(name, env.body());
    r.raw(Hpke.ENC_LENGTH, "enc");
    byte[] ct = r.bytes16("ciphertext");
    r.end("ciphertext");
    if (ct.length != SEALED_LENGTH) {
      throw r.error("ciphertext", ct.length + " bytes, a sealed group key is " + SEALED_LENGTH);
    }
  }

  /** Plaintext (epoch u32, group key, host number u16) plus the 16-byte tag. */
  private static final int SEALED_LENGTH = 4 + 32 + 2 + Aead.TAG_LENGTH;

  /** HPKE info: {@code "wgmesh-key-v1" 0x00 domain 0x00 kid}. */
  static byte[] info(String domain, String name) {
    String kid = name.substring("_key.".length(), name.indexOf('.', "_key.".length()));
    return ("wgmesh-key-v1\0" + domain + "\0" + kid).getBytes(StandardCharsets.UTF_8);
  }

  /** HPKE aad: the envelope header (so it cannot be altered unnoticed), then the record name. */
  static byte[] aad(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] a = new byte[Envelope.KEY_HEADER.length + n.length];
    System.arraycopy(Envelope.KEY_HEADER, 0, a, 0, Envelope.KEY_HEADER.length);
    System.arraycopy(n, 0, a, Envelope.KEY_HEADER.length, n.length);
    return a;
  }

  @Override
  public String toString() {
    return "KeyRecord[hostNumber=" + hostNumber + ", groupKey=" + groupKey + "]";
  }
}
