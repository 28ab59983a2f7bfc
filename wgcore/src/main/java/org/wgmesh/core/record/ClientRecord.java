package org.wgmesh.core.record;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.wgmesh.core.crypto.Aead;
import org.wgmesh.core.crypto.Ed25519PrivateKey;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.net.IpAddress;

/**
 * A client record at {@code c<number>.<domain>} (issue 25): one client's {@link ClientEntry},
 * encrypted under the group key of {@code epoch} and signed by the site, exactly as a {@link
 * HostRecord} is (the same clear header: epoch, number, serial, issue and expiry; the envelope type
 * says client). One record per client, whatever it attaches to. The mesh record's extension tag 6
 * lists the client numbers, so endpoints know which to fetch.
 *
 * @param entry the client
 * @param serial from the site's one serial counter
 * @param issued when it was signed
 * @param expires after this instant the record is refused
 * @param epoch the group-key epoch it is encrypted under
 */
public record ClientRecord(
    ClientEntry entry, long serial, Instant issued, Instant expires, long epoch) {

  /** The most hosts a client attaches to that the format carries. */
  static final int MAX_ATTACHED = 255;

  /**
   * @throws IllegalArgumentException for values the format cannot carry
   */
  public ClientRecord {
    Objects.requireNonNull(entry, "entry");
    RecordNames.checkNumber(entry.number());
    issued = issued.truncatedTo(ChronoUnit.SECONDS);
    expires = expires.truncatedTo(ChronoUnit.SECONDS);
    RecordChecks.header(serial, issued, expires, epoch);
    if (entry.attachedTo().size() > MAX_ATTACHED || entry.addresses().size() > 255) {
      throw new IllegalArgumentException("over 255 attached hosts or addresses");
    }
    entry.attachedTo().forEach(RecordNames::checkNumber);
    if (entry.name().getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new IllegalArgumentException("client name over 255 bytes");
    }
  }

  /** Encrypts and signs this record for {@code domain}, with the AEAD nonce given. */
  TxtRecordSet encode(
      String domain, GroupKey groupKey, Ed25519PrivateKey siteSigning, int ttl, byte[] nonce) {
    String d = TxtRecordSet.normalize(domain);
    String name = RecordNames.clientRecordName(d, entry.number());
    HostRecord.Clear clear =
        new HostRecord.Clear(name, epoch, entry.number(), serial, issued, expires);
    return HostRecord.sealAndSign(
        clear,
        Envelope.TYPE_CLIENT,
        aad(name, d, epoch),
        plaintext(),
        groupKey,
        siteSigning,
        ttl,
        nonce);
  }

  /**
   * Verifies the signature, then the clear header (name, epoch, expiry), then decrypts and checks
   * that the entry's number matches the record name.
   *
   * @throws RecordException naming the record and the failing field; never anything unchecked
   */
  public static ClientRecord decode(
      TxtRecordSet rrset,
      Ed25519PublicKey siteSigning,
      GroupKey groupKey,
      String domain,
      Instant now) {
    HostRecord.Header h = header(rrset, siteSigning, domain);
    HostRecord.checkEpoch(h, groupKey);
    RecordChecks.notExpired(h.name(), h.expires(), now);
    return decrypt(h, groupKey, domain);
  }

  /**
   * The signed clear part of a published client record (the host record's header layout).
   *
   * @throws RecordException when it is malformed or not signed by {@code siteSigning}
   */
  static HostRecord.Header header(TxtRecordSet rrset, Ed25519PublicKey siteSigning, String domain) {
    return HostRecord.header(
        rrset,
        siteSigning,
        domain,
        "client",
        RecordNames.clientNumberOf(rrset.name(), domain),
        Envelope.TYPE_CLIENT);
  }

  /**
   * Decrypts a verified header with the group key of its epoch and checks the entry, whatever the
   * time.
   *
   * @throws RecordException naming the record and the failing field
   */
  static ClientRecord decrypt(HostRecord.Header h, GroupKey groupKey, String domain) {
    HostRecord.checkEpoch(h, groupKey);
    byte[] plain =
        Aead.open(
                groupKey.key(),
                aad(h.name(), TxtRecordSet.normalize(domain), h.epoch()),
                h.sealed())
            .orElseThrow(
                () ->
                    h.reader()
                        .error(
                            "ciphertext",
                            "does not decrypt under the group key of epoch " + h.epoch()));
    WireReader p = new WireReader(h.name(), plain);
    String name = p.str8("entry.name");
    int number = p.u16("entry.number");
    if (number != h.number()) {
      throw p.error(
          "entry.number", "client number " + number + " inside, " + h.number() + " in the header");
    }
    X25519PublicKey key = new X25519PublicKey(p.raw(32, "entry.publicKey"));
    List<IpAddress> addresses = p.addresses("entry.addresses");
    int count = p.u8("entry.attachedTo.count");
    List<Integer> attached = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int host = p.u16("entry.attachedTo");
      if (host < 1 || attached.contains(host)) {
        throw p.error("entry.attachedTo", "host " + host + " is not a host number or named twice");
      }
      attached.add(host);
    }
    int port = p.u16("entry.port");
    int keepalive = p.u16("entry.keepalive");
    p.end("entry");
    ClientEntry entry;
    try {
      entry = new ClientEntry(name, number, key, addresses, attached, port, keepalive);
    } catch (IllegalArgumentException e) {
      throw p.error("entry", e.getMessage());
    }
    return new ClientRecord(entry, h.serial(), h.issued(), h.expires(), h.epoch());
  }

  private byte[] plaintext() {
    WireWriter p = new WireWriter();
    p.str8(entry.name()).u16(entry.number()).raw(entry.publicKey().bytes());
    p.addresses(entry.addresses()).u8(entry.attachedTo().size());
    entry.attachedTo().forEach(p::u16);
    p.u16(entry.port()).u16(entry.keepalive());
    return p.toByteArray();
  }

  /** {@code "wgmesh-client-v1" 0x00 name 0x00 domain 0x00 epoch(u32)}. */
  static byte[] aad(String name, String domain, long epoch) {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    a.writeBytes(
        ("wgmesh-client-v1\0" + name + "\0" + domain + "\0").getBytes(StandardCharsets.UTF_8));
    a.writeBytes(new WireWriter().u32(epoch).toByteArray());
    return a.toByteArray();
  }
}
