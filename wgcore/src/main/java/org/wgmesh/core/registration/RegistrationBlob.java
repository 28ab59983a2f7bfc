package org.wgmesh.core.registration;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.wgmesh.core.crypto.Hpke;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * The registration blob a host hands to the site admin: a versioned base64url envelope (no padding)
 * holding the site domain, the host's X25519 public key and its {@link Registration} sealed with
 * HPKE auth mode from the host key to the site's box key. Opening it proves the sender holds the
 * private key of the WireGuard key it registers. The layout is in {@code docs/record-format.md},
 * section "Registration blob".
 *
 * <p>Thread-safe and stateless.
 */
public final class RegistrationBlob {
  /** First bytes of every blob: "WGMR". */
  static final byte[] MAGIC = {'W', 'G', 'M', 'R'};

  /** The one envelope version this code writes and reads. */
  static final int VERSION = 1;

  /** HPKE info prefix; the domain follows, so a blob for one site never opens for another. */
  static final String INFO_PREFIX = "wgmesh-registration-v1";

  /** Longest blob text accepted (the largest valid blob is 2,767 characters). */
  static final int MAX_TEXT = 8192;

  private static final int KEY = 32;
  private static final int TAG = 16;

  private RegistrationBlob() {}

  /**
   * Seals {@code r} from the host to the site.
   *
   * @param hostKey the host's private key; its public key must be {@code r.publicKey()}
   * @param siteBoxKey the site's X25519 public key (from the mesh record)
   * @param domain the site domain, e.g. {@code mesh.example.com}
   * @return the blob text: base64url without padding, one line
   * @throws InputException when the host key does not match the registered key or the domain is
   *     invalid
   */
  public static String seal(
      Registration r, X25519PrivateKey hostKey, X25519PublicKey siteBoxKey, String domain) {
    String d = checkDomain(domain, "domain");
    X25519PublicKey sender = hostKey.publicKey();
    if (!sender.equals(r.publicKey())) {
      throw new InputException(
          "registration: public key", "is not the public key of the sealing host key");
    }
    byte[] header = header(d, sender);
    Hpke.Sealed s = Hpke.seal(hostKey, siteBoxKey, info(d), header, encodeBody(r));
    ByteBuffer out = ByteBuffer.allocate(header.length + KEY + s.ciphertext().length);
    out.put(header).put(s.enc()).put(s.ciphertext());
    return BlobBase64.encode(out.array());
  }

  /**
   * Opens a blob addressed to this site.
   *
   * @param siteBoxKey the site's X25519 private key
   * @param expectedDomain this site's domain; a blob for another domain is refused by name
   * @return the registration, whose {@code publicKey} is the proven sender key
   * @throws InputException naming the field for every malformed, foreign or tampered blob
   */
  public static Registration open(String blob, X25519PrivateKey siteBoxKey, String expectedDomain) {
    if (blob == null || blob.isBlank()) {
      throw new InputException("registration blob", "empty");
    }
    String text = blob.strip();
    if (text.length() > MAX_TEXT) {
      throw new InputException("registration blob", "longer than " + MAX_TEXT + " characters");
    }
    byte[] raw;
    try {
      raw = BlobBase64.decode(text);
    } catch (IllegalArgumentException e) {
      throw new InputException(
          "registration blob",
          "not base64url text: " + e.getMessage(),
          "copy the whole blob printed by 'wghost', on one line");
    }
    Reader in = new Reader(raw, "registration blob");
    if (!Arrays.equals(in.bytes(MAGIC.length, "magic"), MAGIC)) {
      throw new InputException("registration blob: magic", "not a wgmesh registration blob");
    }
    int version = in.u8("version");
    if (version != VERSION) {
      throw new InputException(
          "registration blob: version",
          "version " + version + " is not supported (this wgsite reads version " + VERSION + ")",
          "upgrade wgsite, or create the blob with a matching wghost");
    }
    String domain = checkDomain(in.string8("domain"), "registration blob: domain");
    String expected = checkDomain(expectedDomain, "domain");
    if (!domain.equals(expected)) {
      throw new InputException(
          "registration blob: domain",
          "the blob is for site '" + domain + "', this site is '" + expected + "'",
          "run 'wghost " + expected + "' on the host to make a blob for this site");
    }
    X25519PublicKey sender = new X25519PublicKey(in.bytes(KEY, "host key"));
    int headerLength = in.position();
    byte[] enc = in.bytes(KEY, "encapsulated key");
    int rest = in.remaining();
    if (rest < TAG) {
      throw new InputException("registration blob: ciphertext", "truncated");
    }
    byte[] ciphertext = in.bytes(rest, "ciphertext");
    byte[] header = Arrays.copyOf(raw, headerLength);
    byte[] plain =
        Hpke.open(siteBoxKey, sender, info(domain), header, new Hpke.Sealed(enc, ciphertext))
            .orElseThrow(
                () ->
                    new InputException(
                        "registration blob: ciphertext",
                        "does not decrypt with this site's key (tampered, truncated, or sealed to"
                            + " another site key)",
                        "ask the host for a fresh blob from 'wghost " + expected + "'"));
    Registration r = decodeBody(plain);
    if (!r.publicKey().equals(sender)) {
      throw new InputException(
          "registration blob: public key",
          "the registered WireGuard key is not the key that sealed the blob");
    }
    return r;
  }

  private static byte[] header(String domain, X25519PublicKey sender) {
    byte[] d = domain.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 1 + 1 + d.length + KEY);
    b.put(MAGIC).put((byte) VERSION).put((byte) d.length).put(d).put(sender.bytes());
    return b.array();
  }

  private static byte[] info(String domain) {
    return (INFO_PREFIX + "\0" + domain).getBytes(StandardCharsets.US_ASCII);
  }

  /** Checks a DNS domain name (the site domain): host-name rules, lower-cased, no trailing dot. */
  static String checkDomain(String domain, String what) {
    String d =
        domain == null
            ? null
            : domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    return Registration.checkHostname(d, what);
  }

  // Body: uuid(16) created(8, epoch seconds) hostname(len8 + ascii) key(32)
  //       endpoints(count8, each: family8 + 4|16) lanPrefixes(count8, each: family8 + 4|16 + len8)
  //       [sharedLans(count8 >= 1, each: family8 + 4|16 + len8), only when there are any]
  //       [hpkePublic(32), only when there is one; then sharedLans is always written, count8 0
  //        when there are none]
  static byte[] encodeBody(Registration r) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteBuffer u = ByteBuffer.allocate(24);
    u.putLong(r.uuid().getMostSignificantBits()).putLong(r.uuid().getLeastSignificantBits());
    u.putLong(r.created().getEpochSecond());
    o.writeBytes(u.array());
    byte[] h = r.hostname().getBytes(StandardCharsets.US_ASCII);
    o.write(h.length);
    o.writeBytes(h);
    o.writeBytes(r.publicKey().bytes());
    o.write(r.endpoints().size());
    for (IpAddress a : r.endpoints()) {
      writeAddress(o, a);
    }
    o.write(r.lanPrefixes().size());
    for (IpPrefix p : r.lanPrefixes()) {
      writeAddress(o, p.network());
      o.write(p.length());
    }
    // Optional (issue 13): written only when there are any, so blobs without stay as before.
    if (!r.sharedLans().isEmpty() || r.hpkePublic().isPresent()) {
      o.write(r.sharedLans().size());
      for (IpPrefix p : r.sharedLans()) {
        writeAddress(o, p.network());
        o.write(p.length());
      }
    }
    // Optional (issue 12): the HPKE key, after the shared LANs (count 0 when there are none).
    r.hpkePublic().ifPresent(k -> o.writeBytes(k.bytes()));
    return o.toByteArray();
  }

  private static void writeAddress(ByteArrayOutputStream o, IpAddress a) {
    o.write(a.isV6() ? 6 : 4);
    o.writeBytes(a.bytes());
  }

  static Registration decodeBody(byte[] plain) {
    Reader in = new Reader(plain, "registration");
    long msb = in.u64("uuid");
    long lsb = in.u64("uuid");
    long created = in.u64("created");
    if (created < 0 || created > Instant.MAX.getEpochSecond()) {
      throw new InputException("registration: created", "time out of range");
    }
    String hostname = in.string8("hostname");
    X25519PublicKey key = new X25519PublicKey(in.bytes(KEY, "public key"));
    int ne = in.u8("endpoints");
    if (ne > Registration.MAX_ENDPOINTS) {
      throw new InputException(
          "registration: endpoints", ne + " addresses, at most " + Registration.MAX_ENDPOINTS);
    }
    List<IpAddress> endpoints = new ArrayList<>();
    for (int i = 0; i < ne; i++) {
      endpoints.add(in.address("endpoints[" + i + "]"));
    }
    int np = in.u8("LAN prefixes");
    if (np > Registration.MAX_LAN_PREFIXES) {
      throw new InputException(
          "registration: LAN prefixes", np + " prefixes, at most " + Registration.MAX_LAN_PREFIXES);
    }
    List<IpPrefix> prefixes = new ArrayList<>();
    for (int i = 0; i < np; i++) {
      String what = "LAN prefixes[" + i + "]";
      IpAddress a = in.address(what);
      int len = in.u8(what);
      if (len > (a.isV6() ? 128 : 32)) {
        throw new InputException("registration: " + what, "prefix length " + len + " out of range");
      }
      IpPrefix p = new IpPrefix(a, len);
      if (!p.masked().equals(p)) {
        throw new InputException("registration: " + what, "'" + p + "' has host bits set");
      }
      prefixes.add(p);
    }
    List<IpPrefix> shared = new ArrayList<>();
    Optional<X25519PublicKey> hpke = Optional.empty();
    if (in.remaining() != 0) {
      int ns = in.u8("shared LANs");
      if (ns == 0 && in.remaining() != KEY) {
        // Never written: a registration without shared LANs ends after the LAN prefixes.
        throw new InputException(
            "registration", (in.remaining() + 1) + " unexpected bytes after the last field");
      }
      if (ns > Registration.MAX_SHARED_LANS) {
        throw new InputException(
            "registration: shared LANs",
            ns + " addresses, must be 1.." + Registration.MAX_SHARED_LANS + " when present");
      }
      for (int i = 0; i < ns; i++) {
        String what = "shared LANs[" + i + "]";
        IpAddress a = in.address(what);
        int len = in.u8(what);
        if (len > (a.isV6() ? 128 : 32)) {
          throw new InputException(
              "registration: " + what, "prefix length " + len + " out of range");
        }
        shared.add(new IpPrefix(a, len));
      }
      if (in.remaining() == KEY) {
        hpke = Optional.of(new X25519PublicKey(in.bytes(KEY, "HPKE key")));
      }
    }
    if (in.remaining() != 0) {
      throw new InputException(
          "registration", in.remaining() + " unexpected bytes after the last field");
    }
    return Registration.builder()
        .uuid(new UUID(msb, lsb))
        .hostname(hostname)
        .publicKey(key)
        .endpoints(endpoints)
        .lanPrefixes(prefixes)
        .created(Instant.ofEpochSecond(created))
        .sharedLans(shared)
        .hpkePublic(hpke)
        .build();
  }

  /** Bounds-checked reads that name the field that ran out. */
  private static final class Reader {
    private final ByteBuffer b;
    private final String what;

    Reader(byte[] data, String what) {
      this.b = ByteBuffer.wrap(data);
      this.what = what;
    }

    private void need(int n, String field) {
      if (b.remaining() < n) {
        throw new InputException(what + ": " + field, "truncated");
      }
    }

    int position() {
      return b.position();
    }

    int remaining() {
      return b.remaining();
    }

    byte[] bytes(int n, String field) {
      need(n, field);
      byte[] out = new byte[n];
      b.get(out);
      return out;
    }

    int u8(String field) {
      need(1, field);
      return b.get() & 0xff;
    }

    long u64(String field) {
      need(8, field);
      return b.getLong();
    }

    String string8(String field) {
      int n = u8(field);
      byte[] s = bytes(n, field);
      for (byte c : s) {
        if (c < 0x21 || c > 0x7e) {
          throw new InputException(what + ": " + field, "not printable ASCII");
        }
      }
      return new String(s, StandardCharsets.US_ASCII);
    }

    IpAddress address(String field) {
      int family = u8(field);
      int len =
          switch (family) {
            case 4 -> 4;
            case 6 -> 16;
            default ->
                throw new InputException(what + ": " + field, "unknown address family " + family);
          };
      byte[] raw = bytes(len, field);
      try {
        return new IpAddress(InetAddress.getByAddress(raw));
      } catch (UnknownHostException e) {
        throw new InputException(what + ": " + field, "bad address");
      }
    }
  }
}
