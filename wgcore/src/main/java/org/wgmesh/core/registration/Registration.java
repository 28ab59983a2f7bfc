package org.wgmesh.core.registration;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * What a host asks the site to admit: the content of a registration blob.
 *
 * <p>Build one with {@link #builder()}, change one with {@link #toBuilder()}. No component is null.
 *
 * @param uuid chosen by the host; its identity across key rotation
 * @param hostname a DNS-style host name (letters, digits, hyphens, dots), lower-cased
 * @param publicKey its WireGuard public key (also the key that sealed the blob)
 * @param endpoints public addresses peers should send to, best first (at most {@link
 *     #MAX_ENDPOINTS})
 * @param lanPrefixes LAN prefixes behind it (at most {@link #MAX_LAN_PREFIXES})
 * @param created when the host made the blob (second precision)
 * @param sharedLans its addresses on networks it may share with other hosts, interface form ({@code
 *     192.168.7.10/24}; at most {@link #MAX_SHARED_LANS}): hosts with addresses in one network link
 *     directly over it (the same-LAN shortcut)
 * @param hpkePublic the public half of its HPKE key (issue 12), to which the site seals its key
 *     record; empty when the host has none (a blob from before), then the site seals to {@code
 *     publicKey}
 */
public record Registration(
    UUID uuid,
    String hostname,
    X25519PublicKey publicKey,
    List<IpAddress> endpoints,
    List<IpPrefix> lanPrefixes,
    Instant created,
    List<IpPrefix> sharedLans,
    Optional<X25519PublicKey> hpkePublic) {
  /** Most shared-LAN addresses one host may list. */
  public static final int MAX_SHARED_LANS = 16;

  /** Most endpoint addresses one host may list. */
  public static final int MAX_ENDPOINTS = 16;

  /** Most LAN prefixes one host may announce. */
  public static final int MAX_LAN_PREFIXES = 64;

  /**
   * @throws InputException naming the field when a value is missing or out of bounds
   */
  public Registration {
    if (uuid == null) {
      throw new InputException("registration: uuid", "missing");
    }
    hostname = checkHostname(hostname, "registration: hostname");
    if (publicKey == null) {
      throw new InputException("registration: public key", "missing");
    }
    endpoints = List.copyOf(endpoints);
    lanPrefixes = List.copyOf(lanPrefixes);
    if (endpoints.size() > MAX_ENDPOINTS) {
      throw new InputException(
          "registration: endpoints", "more than " + MAX_ENDPOINTS + " addresses");
    }
    if (lanPrefixes.size() > MAX_LAN_PREFIXES) {
      throw new InputException(
          "registration: LAN prefixes", "more than " + MAX_LAN_PREFIXES + " prefixes");
    }
    if (created == null) {
      throw new InputException("registration: created", "missing");
    }
    created = Instant.ofEpochSecond(created.getEpochSecond());
    sharedLans = List.copyOf(sharedLans);
    if (sharedLans.size() > MAX_SHARED_LANS) {
      throw new InputException(
          "registration: shared LANs", "more than " + MAX_SHARED_LANS + " addresses");
    }
    Objects.requireNonNull(hpkePublic, "hpkePublic");
    if (hpkePublic.filter(publicKey::equals).isPresent()) {
      throw new InputException(
          "registration: HPKE key", "is the WireGuard key; the HPKE key must be a key of its own");
    }
  }

  /** A builder with no addresses, prefixes or HPKE key; the rest must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this registration's values. */
  public Builder toBuilder() {
    return new Builder()
        .uuid(uuid)
        .hostname(hostname)
        .publicKey(publicKey)
        .endpoints(endpoints)
        .lanPrefixes(lanPrefixes)
        .created(created)
        .sharedLans(sharedLans)
        .hpkePublic(hpkePublic);
  }

  /**
   * Checks a host name: 1..253 characters, dot-separated labels of letters, digits and inner
   * hyphens (RFC 1123), and returns it lower-cased; the rule of {@link DomainName}.
   *
   * @param what names the field in an error
   * @throws InputException when it is not such a name
   */
  public static String checkHostname(String hostname, String what) {
    return DomainName.checkLabels(hostname, what);
  }

  /**
   * Assembles a {@link Registration} by name rather than by position: lists default to empty, the
   * HPKE key to none. {@link #build()} validates like the constructor.
   */
  public static final class Builder {
    private UUID uuid;
    private String hostname;
    private X25519PublicKey publicKey;
    private List<IpAddress> endpoints = List.of();
    private List<IpPrefix> lanPrefixes = List.of();
    private Instant created;
    private List<IpPrefix> sharedLans = List.of();
    private Optional<X25519PublicKey> hpkePublic = Optional.empty();

    private Builder() {}

    public Builder uuid(UUID uuid) {
      this.uuid = uuid;
      return this;
    }

    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public Builder publicKey(X25519PublicKey publicKey) {
      this.publicKey = publicKey;
      return this;
    }

    public Builder endpoints(List<IpAddress> endpoints) {
      this.endpoints = endpoints;
      return this;
    }

    public Builder lanPrefixes(List<IpPrefix> lanPrefixes) {
      this.lanPrefixes = lanPrefixes;
      return this;
    }

    public Builder created(Instant created) {
      this.created = created;
      return this;
    }

    public Builder sharedLans(List<IpPrefix> sharedLans) {
      this.sharedLans = sharedLans;
      return this;
    }

    /** Its HPKE key (not null: leave it unset for none). */
    public Builder hpkePublic(X25519PublicKey key) {
      this.hpkePublic = Optional.of(key);
      return this;
    }

    public Builder hpkePublic(Optional<X25519PublicKey> key) {
      this.hpkePublic = key;
      return this;
    }

    /**
     * The registration.
     *
     * @throws InputException naming the field when a value is missing or out of bounds
     */
    public Registration build() {
      return new Registration(
          uuid, hostname, publicKey, endpoints, lanPrefixes, created, sharedLans, hpkePublic);
    }
  }
}
