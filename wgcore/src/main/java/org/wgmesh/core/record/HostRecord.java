package org.wgmesh.core.record;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.wgmesh.core.crypto.Aead;
import org.wgmesh.core.crypto.Ed25519PrivateKey;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.KeySwitch;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * A host record at {@code h<number>.<domain>}: one member's {@link HostEntry}, encrypted under the
 * group key of {@code epoch} and signed by the site. Serial, times, epoch and number travel in
 * clear (signed) so the site can judge a published record without decrypting it; everything about
 * the host itself is inside the ciphertext. Times are whole seconds.
 *
 * @param entry the host
 * @param serial increases with every new record at this name
 * @param issued when it was signed
 * @param expires after this instant the record is refused
 * @param epoch the group-key epoch it is encrypted under
 */
public record HostRecord(
    HostEntry entry, long serial, Instant issued, Instant expires, long epoch) {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Written in place of a key switch's previous key to say "no key switch" when an observed address
   * follows: the all-zero X25519 key is a point of small order, never a key a host holds (a DH with
   * it gives zero, which X25519 refuses), so no real switch is ever written this way.
   */
  private static final byte[] NO_KEY_SWITCH = new byte[32];

  /** The observed address's flags byte: bit 0 says the ports were kept; other bits must be 0. */
  private static final int PORTS_KEPT = 1;

  /**
   * @throws IllegalArgumentException for values the format cannot carry
   */
  public HostRecord {
    Objects.requireNonNull(entry, "entry");
    RecordNames.checkNumber(entry.number());
    issued = issued.truncatedTo(ChronoUnit.SECONDS);
    expires = expires.truncatedTo(ChronoUnit.SECONDS);
    RecordChecks.header(serial, issued, expires, epoch);
    if (entry.asn() < 0 || entry.asn() > 0xffff_ffffL) {
      throw new IllegalArgumentException("ASN out of range: " + entry.asn());
    }
    if (entry.keySwitch().filter(k -> isNoKeySwitch(k.from().bytes())).isPresent()) {
      throw new IllegalArgumentException("a key switch from the all-zero key");
    }
  }

  /**
   * Encrypts and signs this record for {@code domain}.
   *
   * @param groupKey must be of {@link #epoch()}
   * @throws IllegalArgumentException when the group key is of another epoch
   */
  public TxtRecordSet encode(
      String domain, GroupKey groupKey, Ed25519PrivateKey siteSigning, int ttl) {
    return encode(domain, groupKey, siteSigning, ttl, RANDOM);
  }

  /**
   * As {@link #encode(String, GroupKey, Ed25519PrivateKey, int)}, with the nonce from {@code
   * random} (tests).
   */
  TxtRecordSet encode(
      String domain, GroupKey groupKey, Ed25519PrivateKey siteSigning, int ttl, Random random) {
    if (groupKey.epoch() != epoch) {
      throw new IllegalArgumentException(
          "group key epoch " + groupKey.epoch() + " is not the record's epoch " + epoch);
    }
    byte[] nonce = new byte[Aead.NONCE_LENGTH];
    random.nextBytes(nonce);
    return encode(domain, groupKey, siteSigning, ttl, nonce);
  }

  /** As {@link #encode(String, GroupKey, Ed25519PrivateKey, int)}, with the AEAD nonce given. */
  TxtRecordSet encode(
      String domain, GroupKey groupKey, Ed25519PrivateKey siteSigning, int ttl, byte[] nonce) {
    String d = TxtRecordSet.normalize(domain);
    String name = RecordNames.hostRecordName(d, entry.number());
    Clear clear = new Clear(name, epoch, entry.number(), serial, issued, expires);
    return sealAndSign(
        clear,
        Envelope.TYPE_HOST,
        aad(name, d, epoch),
        plaintext(),
        groupKey,
        siteSigning,
        ttl,
        nonce);
  }

  /**
   * The layout host and client records share (issue 25): the clear header of {@code clear} (its
   * epoch, number, serial, issued, expires), then {@code plaintext} sealed under the group key of
   * that epoch with {@code aad}, signed as an envelope of {@code type}.
   */
  static TxtRecordSet sealAndSign(
      Clear clear,
      int type,
      byte[] aad,
      byte[] plaintext,
      GroupKey groupKey,
      Ed25519PrivateKey siteSigning,
      int ttl,
      byte[] nonce) {
    if (groupKey.epoch() != clear.epoch()) {
      throw new IllegalArgumentException(
          "group key epoch " + groupKey.epoch() + " is not the record's epoch " + clear.epoch());
    }
    byte[] sealed = Aead.seal(groupKey.key(), aad, plaintext, nonce);
    WireWriter w = new WireWriter();
    w.u32(clear.epoch())
        .u16(clear.number())
        .u63(clear.serial())
        .time(clear.issued())
        .time(clear.expires())
        .bytes16(sealed);
    byte[] envelope = Envelope.build(clear.name(), type, w.toByteArray(), siteSigning);
    return new TxtRecordSet(clear.name(), ttl, TxtChunks.split(envelope));
  }

  /**
   * {@link #decode(TxtRecordSet, Ed25519PublicKey, GroupKey, String, Instant)} at the current time.
   */
  public static HostRecord decode(
      TxtRecordSet rrset, Ed25519PublicKey siteSigning, GroupKey groupKey, String domain) {
    return decode(rrset, siteSigning, groupKey, domain, Instant.now());
  }

  /**
   * Verifies the signature, then the clear header (name, epoch, expiry), then decrypts and checks
   * that the entry's number matches the record name.
   *
   * @throws RecordException naming the record and the failing field; never anything unchecked
   */
  public static HostRecord decode(
      TxtRecordSet rrset,
      Ed25519PublicKey siteSigning,
      GroupKey groupKey,
      String domain,
      Instant now) {
    return open(header(rrset, siteSigning, domain), groupKey, domain, now);
  }

  /**
   * The rest of {@link #decode}: checks epoch and expiry of a header whose signature {@link
   * #header} has verified, decrypts and checks the entry. For the site, which reads every published
   * header first and should not verify each signature twice.
   *
   * @throws RecordException naming the record and the failing field
   */
  static HostRecord open(Header h, GroupKey groupKey, String domain, Instant now) {
    checkEpoch(h, groupKey);
    RecordChecks.notExpired(h.name, h.expires, now);
    return decrypt(h, groupKey, domain);
  }

  /**
   * @throws RecordException (field {@code epoch}) when {@code groupKey} is not of the header's
   *     epoch
   */
  static void checkEpoch(Header h, GroupKey groupKey) {
    if (h.epoch != groupKey.epoch()) {
      throw new RecordException(
          h.name,
          "field 'epoch': encrypted under group key epoch "
              + h.epoch
              + ", the key held is of epoch "
              + groupKey.epoch(),
          (h.epoch < groupKey.epoch()
                  ? "a record of an earlier group-key epoch (a host removal rewrites every record)"
                  : "a record newer than the mesh and key records read")
              + ": a DNS cache holds records of two publications, or a publication is in progress:"
              + " retry after the records' TTL, or flush the resolver's cache of the domain");
    }
  }

  /**
   * Decrypts a verified header with the group key of its epoch and checks the entry, whatever the
   * time (the site's self-check judges expiry on its own).
   *
   * @throws RecordException naming the record and the failing field
   */
  static HostRecord decrypt(Header h, GroupKey groupKey, String domain) {
    WireReader r = h.reader;
    checkEpoch(h, groupKey);
    byte[] plain =
        Aead.open(groupKey.key(), aad(h.name, TxtRecordSet.normalize(domain), h.epoch), h.sealed)
            .orElseThrow(
                () ->
                    r.error(
                        "ciphertext", "does not decrypt under the group key of epoch " + h.epoch));
    WireReader p = new WireReader(h.name, plain);
    byte[] uuidBytes = p.raw(16, "entry.uuid");
    ByteBuffer ub = ByteBuffer.wrap(uuidBytes);
    UUID uuid = new UUID(ub.getLong(), ub.getLong());
    String hostname = p.str8("entry.hostname");
    int number = p.u16("entry.number");
    if (number != h.number) {
      throw p.error(
          "entry.number", "host number " + number + " inside, " + h.number + " in the header");
    }
    long asn = p.u32("entry.asn");
    X25519PublicKey key = new X25519PublicKey(p.raw(32, "entry.publicKey"));
    var endpoints = p.addresses("entry.endpoints");
    var lans = p.prefixes("entry.lanPrefixes");
    // Optional trailing field (issue 13): records written before it end here, and a host that
    // shares no LAN is still written without it, byte for byte as before.
    List<IpPrefix> shared = List.of();
    Optional<KeySwitch> keySwitch = Optional.empty();
    Optional<Observed> observed = Optional.empty();
    if (p.remaining() > 0) {
      shared = p.interfaceAddresses("entry.sharedLans");
      // Second optional trailing field (issue 12): a scheduled key switch, the previous key and
      // the switch time. Before it an empty shared-LAN list is written; without it, no list.
      if (p.remaining() > 0) {
        byte[] from = p.raw(32, "entry.keySwitch.from");
        if (isNoKeySwitch(from)) {
          // Third optional trailing field (issue 24): the marker stands only before it.
          if (p.remaining() == 0) {
            throw p.error(
                "entry.keySwitch.from", "no key switch is written only before an observed address");
          }
        } else {
          keySwitch = Optional.of(keySwitch(p, new X25519PublicKey(from), key));
        }
        if (p.remaining() > 0) {
          observed = Optional.of(observed(p));
        }
      } else if (shared.isEmpty()) {
        throw p.error("entry.sharedLans", "an empty list is written as no list");
      }
    }
    p.end("entry");
    HostEntry entry =
        HostEntry.builder()
            .uuid(uuid)
            .hostname(hostname)
            .number(number)
            .asn(asn)
            .publicKey(key)
            .endpoints(endpoints)
            .lanPrefixes(lans)
            .sharedLans(shared)
            .keySwitch(keySwitch)
            .observed(observed)
            .build();
    return new HostRecord(entry, h.serial, h.issued, h.expires, h.epoch);
  }

  private static KeySwitch keySwitch(WireReader p, X25519PublicKey from, X25519PublicKey key) {
    Instant at = p.time("entry.keySwitch.at");
    if (from.equals(key)) {
      throw p.error("entry.keySwitch.from", "a switch from the key itself");
    }
    return new KeySwitch(from, at);
  }

  private static Observed observed(WireReader p) {
    IpAddress address = p.address("entry.observed.address");
    int flags = p.u8("entry.observed.flags");
    if ((flags & ~PORTS_KEPT) != 0) {
      throw p.error("entry.observed.flags", "unknown bits set: " + flags);
    }
    return new Observed(address, flags == PORTS_KEPT);
  }

  private static boolean isNoKeySwitch(byte[] from) {
    return Arrays.equals(from, NO_KEY_SWITCH);
  }

  /**
   * The signed clear part of a published host record, without decrypting it: lets the site see
   * serial, epoch and expiry of what is published.
   *
   * @throws RecordException when it is malformed or not signed by {@code siteSigning}
   */
  static Header header(TxtRecordSet rrset, Ed25519PublicKey siteSigning, String domain) {
    return header(
        rrset,
        siteSigning,
        domain,
        "host",
        RecordNames.hostNumberOf(rrset.name(), domain),
        Envelope.TYPE_HOST);
  }

  /**
   * The signed clear part of a sealed record of {@code kind} ({@code host}, or {@code client}:
   * client records share the host record's header layout, issue 25), published at a name that gives
   * {@code labelNumber} (negative: not such a name).
   *
   * @throws RecordException when it is malformed or not signed by {@code siteSigning}
   */
  static Header header(
      TxtRecordSet rrset,
      Ed25519PublicKey siteSigning,
      String domain,
      String kind,
      int labelNumber,
      int envelopeType) {
    String name = rrset.name();
    if (labelNumber < 0) {
      throw new RecordException(
          name,
          "field 'name': not a " + kind + " record name of " + TxtRecordSet.normalize(domain));
    }
    Envelope.Parsed env = Envelope.parse(name, TxtChunks.join(rrset), envelopeType, true);
    if (!env.verifiedBy(siteSigning)) {
      throw new RecordException(
          name,
          "field 'signature': not signed by the site key " + siteSigning.fingerprint(),
          "the record was altered after the site signed it (tampered or damaged): run wgpub on the site"
              + " to publish it again");
    }
    WireReader r = new WireReader(name, env.body());
    long epoch = r.u32("epoch");
    int number = r.u16("number");
    if (number != labelNumber) {
      throw r.error("number", "record for " + kind + " " + number + " published at " + name);
    }
    long serial = r.u63("serial");
    Instant issued = r.time("issued");
    Instant expires = r.time("expires");
    byte[] sealed = r.bytes16("ciphertext");
    r.end("ciphertext");
    if (!expires.isAfter(issued)) {
      throw r.error("expires", "expiry " + expires + " is not after issue " + issued);
    }
    return new Header(name, r, epoch, number, serial, issued, expires, sealed);
  }

  /** The clear, signed part of a host record. */
  /** The clear fields of a sealed record being written: see {@link #sealAndSign}. */
  record Clear(String name, long epoch, int number, long serial, Instant issued, Instant expires) {}

  record Header(
      String name,
      WireReader reader,
      long epoch,
      int number,
      long serial,
      Instant issued,
      Instant expires,
      byte[] sealed) {}

  private byte[] plaintext() {
    ByteBuffer ub = ByteBuffer.allocate(16);
    ub.putLong(entry.uuid().getMostSignificantBits())
        .putLong(entry.uuid().getLeastSignificantBits());
    WireWriter p = new WireWriter();
    p.raw(ub.array())
        .str8(entry.hostname())
        .u16(entry.number())
        .u32(entry.asn())
        .raw(entry.publicKey().bytes());
    p.addresses(entry.endpoints()).prefixes(entry.lanPrefixes());
    // Each optional trailing field is written only when it or one after it is present, so an entry
    // without the later fields is encoded exactly as before they existed.
    Optional<Observed> observed = entry.observed();
    if (!entry.sharedLans().isEmpty() || entry.keySwitch().isPresent() || observed.isPresent()) {
      p.prefixes(entry.sharedLans());
    }
    if (entry.keySwitch().isPresent()) {
      KeySwitch s = entry.keySwitch().get();
      p.raw(s.from().bytes()).time(s.at());
    } else if (observed.isPresent()) {
      p.raw(NO_KEY_SWITCH);
    }
    observed.ifPresent(o -> p.address(o.address()).u8(o.portsKept() ? PORTS_KEPT : 0));
    return p.toByteArray();
  }

  /** {@code "wgmesh-host-v1" 0x00 name 0x00 domain 0x00 epoch(u32)}. */
  static byte[] aad(String name, String domain, long epoch) {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    a.writeBytes(
        ("wgmesh-host-v1\0" + name + "\0" + domain + "\0").getBytes(StandardCharsets.UTF_8));
    a.writeBytes(new WireWriter().u32(epoch).toByteArray());
    return a.toByteArray();
  }
}
