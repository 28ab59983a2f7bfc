package org.wgmesh.core.record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeSet;
import org.wgmesh.core.crypto.Ed25519PrivateKey;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.IpPrefix;

/**
 * The public, signed mesh record at {@code <domain>}: mesh settings, the site's public keys, a
 * serial that only increases, issue and expiry times, the members (host numbers) and the current
 * group-key epoch. Times are whole seconds (the constructor truncates).
 *
 * <p>Build one with {@link #builder()}. No component is null.
 *
 * @param settings mesh-wide parameters; {@code settings.domain()} is the record name
 * @param siteSigningKey the Ed25519 key that signs every mesh and host record
 * @param siteBoxKey the X25519 key that seals key records and opens registration blobs
 * @param serial increases with every new mesh record
 * @param issued when it was signed
 * @param expires after this instant the record is refused
 * @param members the host numbers (1..65535) in the mesh, ascending
 * @param epoch the group-key epoch that host records are encrypted under
 * @param nextSigningKey during a site-key roll (issue 12): the Ed25519 key that will sign once the
 *     overlap ends, announced under the current key so endpoints can pin it in advance; empty
 *     otherwise (then nothing of it is on the wire)
 * @param nextBoxKey during a site-key roll: the X25519 key that will seal key records and open
 *     registration blobs once the overlap ends; empty otherwise
 * @param clients the client numbers (issue 25), ascending: each has a client record at {@code
 *     c<number>.<domain>}; written as extension tag 6 only when there are clients
 */
public record MeshRecord(
    MeshSettings settings,
    Ed25519PublicKey siteSigningKey,
    X25519PublicKey siteBoxKey,
    long serial,
    Instant issued,
    Instant expires,
    SortedSet<Integer> members,
    long epoch,
    Optional<Ed25519PublicKey> nextSigningKey,
    Optional<X25519PublicKey> nextBoxKey,
    SortedSet<Integer> clients) {

  /** Extension tag of the next site signing key (see {@code docs/record-format.md}). */
  static final int EXT_NEXT_SIGNING_KEY = 1;

  /** Extension tag of the next site box key. */
  static final int EXT_NEXT_BOX_KEY = 2;

  /** Extension tag of the mesh-wide link MTU (u16), written only when the site sets one. */
  static final int EXT_MTU = 3;

  /** Extension tag of the keepalive in seconds (u16), written only when not the default 25. */
  static final int EXT_KEEPALIVE = 4;

  /** Extension tag of the BFD profile (ASCII name), written only when not {@code normal}. */
  static final int EXT_BFD = 5;

  /**
   * Extension tag of the client numbers (issue 25): {@code u16 highest} and a bitmap as the
   * members', written only when there are clients.
   */
  static final int EXT_CLIENTS = 6;

  /**
   * Extension tag of the VXLAN overlay (issue 25), written only when the site has one: u32 VNI, u16
   * port, the IPv6 network (prefix, /64../80), then the IPv4 network as a list of 0 or 1 prefixes.
   */
  static final int EXT_OVERLAY = 7;

  /**
   * @throws IllegalArgumentException when a value cannot be carried by the format (domain not lower
   *     case without a trailing dot, numbers out of range, expiry not after issue)
   */
  public MeshRecord {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(siteSigningKey, "siteSigningKey");
    Objects.requireNonNull(siteBoxKey, "siteBoxKey");
    Objects.requireNonNull(nextSigningKey, "nextSigningKey");
    Objects.requireNonNull(nextBoxKey, "nextBoxKey");
    issued = issued.truncatedTo(ChronoUnit.SECONDS);
    expires = expires.truncatedTo(ChronoUnit.SECONDS);
    if (!TxtRecordSet.normalize(settings.domain()).equals(settings.domain())) {
      throw new IllegalArgumentException(
          "domain must be lower case without a trailing dot: " + settings.domain());
    }
    RecordChecks.header(serial, issued, expires, epoch);
    TreeSet<Integer> copy = new TreeSet<>(members);
    copy.forEach(RecordNames::checkNumber);
    members = Collections.unmodifiableSortedSet(copy);
    TreeSet<Integer> clientCopy = new TreeSet<>(clients);
    clientCopy.forEach(RecordNames::checkNumber);
    clients = Collections.unmodifiableSortedSet(clientCopy);
    if (nextSigningKey.filter(siteSigningKey::equals).isPresent()) {
      throw new IllegalArgumentException("the next site signing key is the current one");
    }
    if (nextBoxKey.filter(siteBoxKey::equals).isPresent()) {
      throw new IllegalArgumentException("the next site box key is the current one");
    }
  }

  /** A builder with no members and no next keys announced; the rest must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** The record name: the mesh domain. */
  public String name() {
    return settings.domain();
  }

  /**
   * Encodes and signs this record as the RRset at {@link #name()}.
   *
   * @param siteSigning the private key of {@link #siteSigningKey()}
   * @throws IllegalArgumentException when {@code siteSigning} does not match {@link
   *     #siteSigningKey()}
   */
  public TxtRecordSet encode(Ed25519PrivateKey siteSigning, int ttl) {
    if (!siteSigning.publicKey().equals(siteSigningKey)) {
      throw new IllegalArgumentException("the signing key does not match the record's site key");
    }
    WireWriter w = new WireWriter();
    w.str8(settings.domain()).str8(settings.locus());
    w.raw(siteSigningKey.bytes()).raw(siteBoxKey.bytes());
    w.u63(serial).time(issued).time(expires);
    w.prefix(settings.tunnelPrefix()).u16(settings.portbase()).str8(settings.topology().encode());
    w.prefixes(settings.allowedLanPrefixes());
    w.u32(epoch);
    int highest = members.isEmpty() ? 0 : members.last();
    w.u16(highest).raw(bitmap(members, highest));
    // Optional extensions, only when there is something to say: records outside a roll are byte
    // for byte what they were before extensions existed.
    nextSigningKey.ifPresent(k -> w.u8(EXT_NEXT_SIGNING_KEY).bytes16(k.bytes()));
    nextBoxKey.ifPresent(k -> w.u8(EXT_NEXT_BOX_KEY).bytes16(k.bytes()));
    // Link settings likewise only when they differ from the defaults (issues 20 and 21).
    LinkSettings links = settings.links();
    if (links.mtu().isPresent()) {
      w.u8(EXT_MTU).bytes16(new WireWriter().u16(links.mtu().getAsInt()).toByteArray());
    }
    if (links.keepalive() != LinkSettings.DEFAULT.keepalive()) {
      w.u8(EXT_KEEPALIVE).bytes16(new WireWriter().u16(links.keepalive()).toByteArray());
    }
    if (links.bfd() != LinkSettings.DEFAULT.bfd()) {
      w.u8(EXT_BFD).bytes16(links.bfd().text().getBytes(StandardCharsets.US_ASCII));
    }
    if (!clients.isEmpty()) {
      WireWriter c = new WireWriter().u16(clients.last());
      c.raw(bitmap(clients, clients.last()));
      w.u8(EXT_CLIENTS).bytes16(c.toByteArray());
    }
    settings.overlay().ifPresent(o -> w.u8(EXT_OVERLAY).bytes16(overlayValue(o)));
    byte[] envelope = Envelope.build(name(), Envelope.TYPE_MESH, w.toByteArray(), siteSigning);
    return new TxtRecordSet(name(), ttl, TxtChunks.split(envelope));
  }

  /**
   * Decodes and verifies the mesh record against a pinned site key: the signature is checked before
   * the body is parsed, and the record must carry that same key.
   *
   * @param pinned the site signing key the endpoint pinned
   * @param expectedDomain the domain the endpoint asked for; the RRset name and the record's domain
   *     field must both equal it
   * @param now the record must not have expired at this instant
   * @throws RecordException naming {@code expectedDomain} and the failing field; never anything
   *     unchecked, whatever the input
   */
  public static MeshRecord decode(
      TxtRecordSet rrset, Ed25519PublicKey pinned, String expectedDomain, Instant now) {
    return notExpired(
        decodeAnyTime(rrset, Optional.of(Objects.requireNonNull(pinned, "pinned")), expectedDomain),
        now);
  }

  /**
   * Decodes and verifies the mesh record at first contact, with no key pinned yet: the record must
   * be signed by the key it carries; the caller then shows its fingerprint and pins it.
   *
   * @see #decode(TxtRecordSet, Ed25519PublicKey, String, Instant)
   */
  public static MeshRecord decodeFirstContact(
      TxtRecordSet rrset, String expectedDomain, Instant now) {
    return notExpired(decodeAnyTime(rrset, Optional.empty(), expectedDomain), now);
  }

  private static MeshRecord notExpired(MeshRecord mesh, Instant now) {
    RecordChecks.notExpired(mesh.name(), mesh.expires(), now);
    return mesh;
  }

  /**
   * {@link #decode(TxtRecordSet, Ed25519PublicKey, String, Instant)} without the expiry check: for
   * the site's self-check, which reports an expired record with its expiry time.
   */
  static MeshRecord decodeAnyTime(
      TxtRecordSet rrset, Ed25519PublicKey pinned, String expectedDomain) {
    return decodeAnyTime(
        rrset, Optional.of(Objects.requireNonNull(pinned, "pinned")), expectedDomain);
  }

  private static MeshRecord decodeAnyTime(
      TxtRecordSet rrset, Optional<Ed25519PublicKey> pinned, String expectedDomain) {
    String domain = TxtRecordSet.normalize(expectedDomain);
    Envelope.Parsed env = envelope(rrset, domain);
    if (pinned.isPresent() && !env.verifiedBy(pinned.get())) {
      throw new RecordException(
          domain,
          "field 'signature': not signed by the pinned site key " + pinned.get().fingerprint(),
          "a forged record, or the site key changed: compare the site fingerprint with the admin");
    }
    return body(domain, env, pinned);
  }

  /**
   * Decodes and verifies a mesh record signed by one of the keys an endpoint trusts: its pinned
   * site key and, during a site-key roll, the next key a record signed by the pinned one announced.
   * The record must carry the key that signed it. So a next-key announcement is only ever taken
   * from a record signed by a trusted key.
   *
   * @param trusted the keys to accept, at least one
   * @throws RecordException when no trusted key signed it; when the record is signed by the key it
   *     carries (a key this endpoint never learned, e.g. after being offline for a whole roll) the
   *     error names that key and the hint says how to pin it
   */
  public static MeshRecord decodeTrusted(
      TxtRecordSet rrset, List<Ed25519PublicKey> trusted, String expectedDomain, Instant now) {
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("no trusted key");
    }
    String domain = TxtRecordSet.normalize(expectedDomain);
    Envelope.Parsed env = envelope(rrset, domain);
    for (Ed25519PublicKey key : trusted) {
      if (env.verifiedBy(key)) {
        MeshRecord mesh = body(domain, env, Optional.of(key));
        RecordChecks.notExpired(mesh.name(), mesh.expires(), now);
        return mesh;
      }
    }
    String pinned =
        trusted.get(0).fingerprint()
            + (trusted.size() > 1
                ? ", announced next key "
                    + String.join(
                        ", ",
                        trusted.subList(1, trusted.size()).stream()
                            .map(Ed25519PublicKey::fingerprint)
                            .toList())
                : "");
    MeshRecord selfSigned;
    try {
      selfSigned = body(domain, env, Optional.empty());
    } catch (RecordException notEvenThat) {
      throw new RecordException(
          domain,
          "field 'signature': not signed by the pinned site key " + pinned,
          "a forged or damaged record: nothing was changed");
    }
    String carried = selfSigned.siteSigningKey().fingerprint();
    throw new RecordException(
        domain,
        "field 'signature': signed by site key "
            + carried
            + ", which this endpoint has not pinned (pinned: "
            + pinned
            + ")",
        "nothing was changed. If the admin rolled the site key while this endpoint was offline for"
            + " the whole overlap, get the new fingerprint from the admin ('wgsite' prints it) and pin"
            + " it: wgconfig --site-fingerprint "
            + carried
            + " "
            + domain
            + ". Otherwise the record is forged");
  }

  /**
   * The client numbers a published mesh record lists (issue 25), for the site to find the client
   * records a removal must delete; empty when it does not verify with {@code site}.
   */
  public static SortedSet<Integer> publishedClients(
      TxtRecordSet rrset, Ed25519PublicKey site, String domain) {
    try {
      return decodeAnyTime(rrset, site, domain).clients();
    } catch (RecordException e) {
      return new TreeSet<>();
    }
  }

  private static Envelope.Parsed envelope(TxtRecordSet rrset, String domain) {
    if (!rrset.name().equals(domain)) {
      throw new RecordException(
          domain, "field 'name': RRset is for " + rrset.name() + ", not " + domain);
    }
    return Envelope.parse(domain, TxtChunks.join(rrset), Envelope.TYPE_MESH, true);
  }

  /**
   * The body, the signature already checked against {@code pinned} when present; without one it
   * must verify with the key the record carries.
   */
  private static MeshRecord body(
      String domain, Envelope.Parsed env, Optional<Ed25519PublicKey> pinned) {
    WireReader r = new WireReader(domain, env.body());
    String recordDomain = r.str8("domain");
    if (!recordDomain.equals(domain)) {
      throw r.error("domain", "record is for '" + recordDomain + "', expected '" + domain + "'");
    }
    String locus = r.str8("locus");
    Ed25519PublicKey signing = new Ed25519PublicKey(r.raw(32, "siteSigningKey"));
    X25519PublicKey box = new X25519PublicKey(r.raw(32, "siteBoxKey"));
    if (pinned.isPresent() && !pinned.get().equals(signing)) {
      throw r.error(
          "siteSigningKey",
          "carries key " + signing.fingerprint() + ", pinned is " + pinned.get().fingerprint());
    }
    if (pinned.isEmpty() && !env.verifiedBy(signing)) {
      throw new RecordException(
          domain, "field 'signature': not signed by the site key the record carries");
    }
    long serial = r.u63("serial");
    Instant issued = r.time("issued");
    Instant expires = r.time("expires");
    var tunnel = r.prefix("tunnelPrefix");
    int portbase = r.u16("portbase");
    Topology topology = topology(r, r.str8("topology"));
    var allowed = r.prefixes("allowedLanPrefixes");
    long epoch = r.u32("epoch");
    SortedSet<Integer> members = readMembers(r);
    Extensions ext = readExtensions(r, signing, box);
    r.end("extensions");
    if (!expires.isAfter(issued)) {
      throw r.error("expires", "expiry " + expires + " is not after issue " + issued);
    }
    MeshSettings settings =
        new MeshSettings(
            domain, locus, tunnel, portbase, allowed, topology, ext.links, ext.overlay);
    return builder()
        .settings(settings)
        .siteSigningKey(signing)
        .siteBoxKey(box)
        .serial(serial)
        .issued(issued)
        .expires(expires)
        .members(members)
        .epoch(epoch)
        .nextSigningKey(ext.signing)
        .nextBoxKey(ext.box)
        .clients(ext.clients)
        .build();
  }

  /**
   * Optional extensions after the member bitmap: {@code u8 tag, bytes16 value}, tags strictly
   * increasing. Tag 1 is the next site signing key, tag 2 the next site box key (32 bytes each),
   * tag 3 the link MTU, tag 4 the keepalive (u16 each), tag 5 the BFD profile (ASCII), tag 6 the
   * client numbers, tag 7 the VXLAN overlay; unknown tags are skipped (they are signed, so a later
   * format can add some that older readers ignore).
   */
  private record Extensions(
      Optional<Ed25519PublicKey> signing,
      Optional<X25519PublicKey> box,
      LinkSettings links,
      SortedSet<Integer> clients,
      Optional<VxlanOverlay> overlay) {}

  private static Extensions readExtensions(
      WireReader r, Ed25519PublicKey signing, X25519PublicKey box) {
    Optional<Ed25519PublicKey> next = Optional.empty();
    Optional<X25519PublicKey> nextBox = Optional.empty();
    LinkSettings links = LinkSettings.DEFAULT;
    SortedSet<Integer> clients = new TreeSet<>();
    Optional<VxlanOverlay> overlay = Optional.empty();
    int last = 0;
    while (r.remaining() > 0) {
      int tag = r.u8("extensions.tag");
      if (tag <= last) {
        throw r.error("extensions.tag", "tag " + tag + " after " + last + " (must increase)");
      }
      last = tag;
      byte[] value = r.bytes16("extensions[" + tag + "]");
      if (tag == EXT_NEXT_SIGNING_KEY) {
        if (value.length != 32) {
          throw r.error("nextSiteSigningKey", "must be 32 bytes, got " + value.length);
        }
        next = Optional.of(new Ed25519PublicKey(value));
        if (next.get().equals(signing)) {
          throw r.error("nextSiteSigningKey", "equals the current site signing key");
        }
      } else if (tag == EXT_NEXT_BOX_KEY) {
        if (value.length != 32) {
          throw r.error("nextSiteBoxKey", "must be 32 bytes, got " + value.length);
        }
        nextBox = Optional.of(new X25519PublicKey(value));
        if (nextBox.get().equals(box)) {
          throw r.error("nextSiteBoxKey", "equals the current site box key");
        }
      } else if (tag == EXT_MTU) {
        int mtu = u16(r, value, "mtu");
        if (mtu < LinkSettings.MIN_MTU || mtu > LinkSettings.MAX_MTU) {
          throw r.error(
              "mtu",
              mtu + " is out of range " + LinkSettings.MIN_MTU + ".." + LinkSettings.MAX_MTU);
        }
        links = links.withMtu(OptionalInt.of(mtu));
      } else if (tag == EXT_KEEPALIVE) {
        int keepalive = u16(r, value, "keepalive");
        if (keepalive > LinkSettings.MAX_KEEPALIVE) {
          throw r.error(
              "keepalive", keepalive + " is out of range 0.." + LinkSettings.MAX_KEEPALIVE);
        }
        links = links.withKeepalive(keepalive);
      } else if (tag == EXT_BFD) {
        String name = new String(value, StandardCharsets.US_ASCII);
        try {
          links = links.withBfd(BfdProfile.parse(name, "bfd"));
        } catch (InputException e) {
          throw r.error(
              "bfd",
              e.why()
                  + " (this version knows "
                  + BfdProfile.names()
                  + "; upgrade wgmesh if the site is newer)");
        }
      } else if (tag == EXT_CLIENTS) {
        WireReader c = new WireReader(r.record(), value);
        clients = readBitmap(c, "clients");
        c.end("clients");
        if (clients.isEmpty()) {
          throw r.error("clients", "an empty client list is written as none");
        }
      } else if (tag == EXT_OVERLAY) {
        overlay = Optional.of(overlay(r.record(), value));
      }
    }
    return new Extensions(next, nextBox, links, clients, overlay);
  }

  /** The value of extension 7: see {@link #EXT_OVERLAY}. */
  private static byte[] overlayValue(VxlanOverlay o) {
    return new WireWriter()
        .u32(o.vni())
        .u16(o.port())
        .prefix(o.ipv6())
        .prefixes(o.ipv4().stream().toList())
        .toByteArray();
  }

  /** Extension 7 read back, every value checked as the site file checks it. */
  private static VxlanOverlay overlay(String record, byte[] value) {
    WireReader v = new WireReader(record, value);
    long vni = v.u32("overlay.vni");
    if (vni < 1 || vni > VxlanOverlay.MAX_VNI) {
      throw v.error("overlay.vni", vni + " is out of range 1.." + VxlanOverlay.MAX_VNI);
    }
    int port = v.u16("overlay.port");
    if (port < 1) {
      throw v.error("overlay.port", "must be 1..65535, is 0");
    }
    IpPrefix ipv6 = v.prefix("overlay.ipv6");
    if (!ipv6.isV6()
        || ipv6.length() < VxlanOverlay.IPV6_LENGTH
        || ipv6.length() > VxlanOverlay.MAX_IPV6_LENGTH) {
      throw v.error("overlay.ipv6", "must be an IPv6 /64 to /80, is " + ipv6);
    }
    List<IpPrefix> ipv4 = v.prefixes("overlay.ipv4");
    if (ipv4.size() > 1 || ipv4.stream().anyMatch(p -> p.isV6() || p.length() > 30)) {
      throw v.error("overlay.ipv4", "must be none or one IPv4 network up to /30, is " + ipv4);
    }
    v.end("overlay");
    return new VxlanOverlay((int) vni, port, ipv4.stream().findFirst(), ipv6);
  }

  /** A two-byte big-endian extension value. */
  private static int u16(WireReader r, byte[] value, String field) {
    if (value.length != 2) {
      throw r.error(field, "must be 2 bytes, got " + value.length);
    }
    return ((value[0] & 0xff) << 8) | (value[1] & 0xff);
  }

  /** The policy carried in the record; an unknown one names the field (a newer site, perhaps). */
  private static Topology topology(WireReader r, String text) {
    try {
      return Topology.decode(text, "topology");
    } catch (InputException e) {
      throw r.error(
          "topology",
          e.why()
              + "; this version knows "
              + Topology.FullMesh.NAME
              + " and "
              + Topology.HubAndSpoke.NAME
              + " (upgrade wgmesh if the site is newer)");
    }
  }

  /** Bit for host n: byte (n-1)/8, bit 7-((n-1)%8), most significant first. */
  private static byte[] bitmap(SortedSet<Integer> members, int highest) {
    byte[] map = new byte[(highest + 7) / 8];
    for (int n : members) {
      map[(n - 1) >>> 3] |= (byte) (0x80 >>> ((n - 1) & 7));
    }
    return map;
  }

  private static SortedSet<Integer> readMembers(WireReader r) {
    return readBitmap(r, "members");
  }

  /** {@code u16 highest} and the bitmap of {@link #bitmap}; {@code field} names it in errors. */
  private static SortedSet<Integer> readBitmap(WireReader r, String field) {
    int highest = r.u16(field + ".highest");
    byte[] map = r.raw((highest + 7) / 8, field + ".bitmap");
    TreeSet<Integer> members = new TreeSet<>();
    for (int i = 0; i < map.length * 8; i++) {
      if ((map[i >>> 3] & (0x80 >>> (i & 7))) != 0) {
        if (i + 1 > highest) {
          throw r.error(field + ".bitmap", "bit set past the highest number " + highest);
        }
        members.add(i + 1);
      }
    }
    if (highest > 0 && !members.contains(highest)) {
      throw r.error(field + ".highest", "highest number " + highest + " is not in the bitmap");
    }
    return members;
  }

  /**
   * Assembles a {@link MeshRecord} by name rather than by position: members default to none, the
   * next keys to none (a record outside a site-key roll). {@link #build()} validates like the
   * constructor.
   */
  public static final class Builder {
    private MeshSettings settings;
    private Ed25519PublicKey siteSigningKey;
    private X25519PublicKey siteBoxKey;
    private long serial;
    private Instant issued;
    private Instant expires;
    private SortedSet<Integer> members = new TreeSet<>();
    private long epoch;
    private Optional<Ed25519PublicKey> nextSigningKey = Optional.empty();
    private Optional<X25519PublicKey> nextBoxKey = Optional.empty();
    private SortedSet<Integer> clients = new TreeSet<>();

    private Builder() {}

    /** The client numbers (issue 25); none unless set. */
    public Builder clients(SortedSet<Integer> clients) {
      this.clients = clients;
      return this;
    }

    public Builder settings(MeshSettings settings) {
      this.settings = settings;
      return this;
    }

    public Builder siteSigningKey(Ed25519PublicKey key) {
      this.siteSigningKey = key;
      return this;
    }

    public Builder siteBoxKey(X25519PublicKey key) {
      this.siteBoxKey = key;
      return this;
    }

    public Builder serial(long serial) {
      this.serial = serial;
      return this;
    }

    public Builder issued(Instant issued) {
      this.issued = issued;
      return this;
    }

    public Builder expires(Instant expires) {
      this.expires = expires;
      return this;
    }

    public Builder members(SortedSet<Integer> members) {
      this.members = members;
      return this;
    }

    public Builder epoch(long epoch) {
      this.epoch = epoch;
      return this;
    }

    /** The next site signing key to announce (not null: leave it unset for none). */
    public Builder nextSigningKey(Ed25519PublicKey key) {
      this.nextSigningKey = Optional.of(key);
      return this;
    }

    public Builder nextSigningKey(Optional<Ed25519PublicKey> key) {
      this.nextSigningKey = key;
      return this;
    }

    /** The next site box key to announce (not null: leave it unset for none). */
    public Builder nextBoxKey(X25519PublicKey key) {
      this.nextBoxKey = Optional.of(key);
      return this;
    }

    public Builder nextBoxKey(Optional<X25519PublicKey> key) {
      this.nextBoxKey = key;
      return this;
    }

    /**
     * The record.
     *
     * @throws NullPointerException when settings, a site key or a time is unset
     * @throws IllegalArgumentException as {@link MeshRecord#MeshRecord the constructor}
     */
    public MeshRecord build() {
      return new MeshRecord(
          settings,
          siteSigningKey,
          siteBoxKey,
          serial,
          issued,
          expires,
          members,
          epoch,
          nextSigningKey,
          nextBoxKey,
          clients);
    }
  }
}
