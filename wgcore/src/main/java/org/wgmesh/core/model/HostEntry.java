package org.wgmesh.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * One admitted host as every member of the mesh sees it: what the site file holds for it and what
 * its (encrypted) host record carries.
 *
 * <p>Build one with {@link #builder()}; change one with {@link #toBuilder()} or a {@code with}
 * method. No component is null.
 *
 * @param uuid chosen by the host at registration; stable across key rotation
 * @param hostname for people; not an identifier
 * @param number the host number (1..65535) from which ports, interfaces and link addresses derive
 * @param asn its private BGP AS number
 * @param publicKey its WireGuard public key
 * @param endpoints public addresses peers send to, best first; may be empty (then it only dials
 *     out)
 * @param lanPrefixes the LAN prefixes it announces into the mesh
 * @param sharedLans its addresses on networks it may share with other hosts, in interface form
 *     ({@code 192.168.7.10/24}): two hosts with addresses in one network link directly over it (the
 *     same-LAN shortcut, {@link MeshLinks}); may be empty
 * @param hpkePublic the public half of its HPKE key (issue 12), to which its key record is sealed;
 *     empty when it registered none (then the key record is sealed to {@code publicKey}, as
 *     before). Only the site file holds it: host records do not carry it, so an entry read from one
 *     has none
 * @param keySwitch a scheduled switch from the previous key to {@code publicKey}, if any: until its
 *     time the host still uses the previous key ({@link #keyAt})
 * @param enrolledAs the identity the host enrolled with through the enrolment service (issue 23):
 *     its device certificate's subject, or {@code token:<id>} for a join token; empty for a host
 *     admitted from a blob. A later request under the same identity may replace its key (rejoin).
 *     Only the site file holds it: host records do not carry it
 * @param observed where its peers agree its WireGuard packets come from (issue 24), when the site
 *     learned it from their health reports: state, not configuration, so the site file never holds
 *     it; its host record carries it. {@link MeshLinks} sends to it instead of {@code endpoints}
 *     when the NAT in front of the host keeps ports ({@link Observed})
 */
public record HostEntry(
    UUID uuid,
    String hostname,
    int number,
    long asn,
    X25519PublicKey publicKey,
    List<IpAddress> endpoints,
    List<IpPrefix> lanPrefixes,
    List<IpPrefix> sharedLans,
    Optional<X25519PublicKey> hpkePublic,
    Optional<KeySwitch> keySwitch,
    Optional<String> enrolledAs,
    Optional<Observed> observed) {
  /**
   * @throws NullPointerException naming the component that is null
   * @throws IllegalArgumentException when the key switch is from the key itself
   */
  public HostEntry {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(publicKey, "publicKey");
    endpoints = List.copyOf(endpoints);
    lanPrefixes = List.copyOf(lanPrefixes);
    sharedLans = List.copyOf(sharedLans);
    Objects.requireNonNull(hpkePublic, "hpkePublic");
    Objects.requireNonNull(keySwitch, "keySwitch");
    Objects.requireNonNull(enrolledAs, "enrolledAs");
    Objects.requireNonNull(observed, "observed");
    if (keySwitch.filter(s -> s.from().equals(publicKey)).isPresent()) {
      throw new IllegalArgumentException("a key switch from the key itself");
    }
  }

  /**
   * A builder with no addresses, prefixes, HPKE key, key switch or observed address; the rest must
   * be set.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this entry's values. */
  public Builder toBuilder() {
    return new Builder()
        .uuid(uuid)
        .hostname(hostname)
        .number(number)
        .asn(asn)
        .publicKey(publicKey)
        .endpoints(endpoints)
        .lanPrefixes(lanPrefixes)
        .sharedLans(sharedLans)
        .hpkePublic(hpkePublic)
        .keySwitch(keySwitch)
        .enrolledAs(enrolledAs)
        .observed(observed);
  }

  /**
   * Whether peers can send to it: it lists a public address (else it sits behind NAT). Its
   * registered addresses only: an observed address does not make a host public.
   */
  public boolean isPublic() {
    return !endpoints.isEmpty();
  }

  /** This entry with {@code sharedLans} replaced. */
  public HostEntry withSharedLans(List<IpPrefix> lans) {
    return toBuilder().sharedLans(lans).build();
  }

  /** This entry with {@code key} as its HPKE key. */
  public HostEntry withHpkePublic(X25519PublicKey key) {
    return toBuilder().hpkePublic(key).build();
  }

  /** This entry without an HPKE key (its key record is then sealed to its WireGuard key). */
  public HostEntry withoutHpkePublic() {
    return toBuilder().hpkePublic(Optional.empty()).build();
  }

  /** This entry with {@code s} as its scheduled key switch. */
  public HostEntry withKeySwitch(KeySwitch s) {
    return toBuilder().keySwitch(s).build();
  }

  /** This entry with no key switch scheduled. */
  public HostEntry withoutKeySwitch() {
    return toBuilder().keySwitch(Optional.empty()).build();
  }

  /** This entry with {@code o} as the address its peers see it at. */
  public HostEntry withObserved(Observed o) {
    return toBuilder().observed(o).build();
  }

  /** This entry without an observed address. */
  public HostEntry withoutObserved() {
    return toBuilder().observed(Optional.empty()).build();
  }

  /** The WireGuard key the host uses at {@code t}: the previous one until a scheduled switch. */
  public X25519PublicKey keyAt(Instant t) {
    return pendingSwitchAt(t).map(KeySwitch::from).orElse(publicKey);
  }

  /** The switch still ahead at {@code t}, if any. */
  public Optional<KeySwitch> pendingSwitchAt(Instant t) {
    return keySwitch.filter(s -> s.pendingAt(t));
  }

  /**
   * This entry as it stands at {@code t}: the key in use then as its key, no switch. What the
   * deploy planner configures, so a peer's interface keeps the previous key until the switch.
   */
  public HostEntry settledAt(Instant t) {
    if (keySwitch.isEmpty()) {
      return this;
    }
    return toBuilder().publicKey(keyAt(t)).keySwitch(Optional.empty()).build();
  }

  /** The key its key record is sealed to: its HPKE key when it has one, else its WireGuard key. */
  public X25519PublicKey sealingKey() {
    return hpkePublic.orElse(publicKey);
  }

  /**
   * This entry as its host record carries it: without the HPKE key and the enrolment identity,
   * which only the site keeps.
   */
  public HostEntry published() {
    if (hpkePublic.isEmpty() && enrolledAs.isEmpty()) {
      return this;
    }
    return toBuilder().hpkePublic(Optional.empty()).enrolledAs(Optional.empty()).build();
  }

  /**
   * Assembles a {@link HostEntry} by name rather than by position: lists default to empty, the HPKE
   * key, the key switch, the enrolment identity and the observed address to none. {@link #build()}
   * validates like the constructor.
   */
  public static final class Builder {
    private UUID uuid;
    private String hostname;
    private int number;
    private long asn;
    private X25519PublicKey publicKey;
    private List<IpAddress> endpoints = List.of();
    private List<IpPrefix> lanPrefixes = List.of();
    private List<IpPrefix> sharedLans = List.of();
    private Optional<X25519PublicKey> hpkePublic = Optional.empty();
    private Optional<KeySwitch> keySwitch = Optional.empty();
    private Optional<String> enrolledAs = Optional.empty();
    private Optional<Observed> observed = Optional.empty();

    private Builder() {}

    public Builder uuid(UUID uuid) {
      this.uuid = uuid;
      return this;
    }

    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public Builder number(int number) {
      this.number = number;
      return this;
    }

    public Builder asn(long asn) {
      this.asn = asn;
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

    /** Its scheduled key switch (not null: leave it unset for none). */
    public Builder keySwitch(KeySwitch s) {
      this.keySwitch = Optional.of(s);
      return this;
    }

    public Builder keySwitch(Optional<KeySwitch> s) {
      this.keySwitch = s;
      return this;
    }

    /** The identity it enrolled with, if it came through the enrolment service. */
    public Builder enrolledAs(Optional<String> identity) {
      this.enrolledAs = identity;
      return this;
    }

    /** Its observed address (not null: leave it unset for none). */
    public Builder observed(Observed o) {
      this.observed = Optional.of(o);
      return this;
    }

    public Builder observed(Optional<Observed> o) {
      this.observed = o;
      return this;
    }

    /**
     * The entry.
     *
     * @throws NullPointerException when uuid, hostname or public key is unset
     * @throws IllegalArgumentException when the key switch is from the key itself
     */
    public HostEntry build() {
      return new HostEntry(
          uuid,
          hostname,
          number,
          asn,
          publicKey,
          endpoints,
          lanPrefixes,
          sharedLans,
          hpkePublic,
          keySwitch,
          enrolledAs,
          observed);
    }
  }
}
