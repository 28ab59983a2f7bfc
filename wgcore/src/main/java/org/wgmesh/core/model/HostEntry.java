package org.wgmesh.core.model;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * One admitted host as every member of the mesh sees it: what the site file holds for it and what
 * its (encrypted) host record carries.
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
 *     null when it registered none (then the key record is sealed to {@code publicKey}, as before).
 *     Only the site file holds it: host records do not carry it, so an entry read from one has null
 * @param keySwitch a scheduled switch from the previous key to {@code publicKey}, or null: until
 *     its time the host still uses the previous key ({@link #keyAt})
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
    X25519PublicKey hpkePublic,
    KeySwitch keySwitch) {
  public HostEntry {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(publicKey, "publicKey");
    endpoints = List.copyOf(endpoints);
    lanPrefixes = List.copyOf(lanPrefixes);
    sharedLans = List.copyOf(sharedLans);
    if (keySwitch != null && keySwitch.from().equals(publicKey)) {
      throw new IllegalArgumentException("a key switch from the key itself");
    }
  }

  /** A host with no key switch scheduled. */
  public HostEntry(
      UUID uuid,
      String hostname,
      int number,
      long asn,
      X25519PublicKey publicKey,
      List<IpAddress> endpoints,
      List<IpPrefix> lanPrefixes,
      List<IpPrefix> sharedLans,
      X25519PublicKey hpkePublic) {
    this(
        uuid,
        hostname,
        number,
        asn,
        publicKey,
        endpoints,
        lanPrefixes,
        sharedLans,
        hpkePublic,
        null);
  }

  /** A host without an HPKE key of its own (its key record is sealed to its WireGuard key). */
  public HostEntry(
      UUID uuid,
      String hostname,
      int number,
      long asn,
      X25519PublicKey publicKey,
      List<IpAddress> endpoints,
      List<IpPrefix> lanPrefixes,
      List<IpPrefix> sharedLans) {
    this(uuid, hostname, number, asn, publicKey, endpoints, lanPrefixes, sharedLans, null);
  }

  /** A host that shares no LAN with others. */
  public HostEntry(
      UUID uuid,
      String hostname,
      int number,
      long asn,
      X25519PublicKey publicKey,
      List<IpAddress> endpoints,
      List<IpPrefix> lanPrefixes) {
    this(uuid, hostname, number, asn, publicKey, endpoints, lanPrefixes, List.of());
  }

  /** Whether peers can send to it: it lists a public address (else it sits behind NAT). */
  public boolean isPublic() {
    return !endpoints.isEmpty();
  }

  /** This entry with {@code sharedLans} replaced. */
  public HostEntry withSharedLans(List<IpPrefix> lans) {
    return new HostEntry(
        uuid,
        hostname,
        number,
        asn,
        publicKey,
        endpoints,
        lanPrefixes,
        lans,
        hpkePublic,
        keySwitch);
  }

  /** This entry with {@code key} as its HPKE key (null: none). */
  public HostEntry withHpkePublic(X25519PublicKey key) {
    return new HostEntry(
        uuid, hostname, number, asn, publicKey, endpoints, lanPrefixes, sharedLans, key, keySwitch);
  }

  /** This entry with {@code s} as its scheduled key switch (null: none). */
  public HostEntry withKeySwitch(KeySwitch s) {
    return new HostEntry(
        uuid, hostname, number, asn, publicKey, endpoints, lanPrefixes, sharedLans, hpkePublic, s);
  }

  /** The WireGuard key the host uses at {@code t}: the previous one until a scheduled switch. */
  public X25519PublicKey keyAt(java.time.Instant t) {
    return keySwitch != null && keySwitch.pendingAt(t) ? keySwitch.from() : publicKey;
  }

  /** The switch still ahead at {@code t}, if any. */
  public java.util.Optional<KeySwitch> pendingSwitchAt(java.time.Instant t) {
    return keySwitch != null && keySwitch.pendingAt(t)
        ? java.util.Optional.of(keySwitch)
        : java.util.Optional.empty();
  }

  /**
   * This entry as it stands at {@code t}: the key in use then as its key, no switch. What the
   * deploy planner configures, so a peer's interface keeps the previous key until the switch.
   */
  public HostEntry settledAt(java.time.Instant t) {
    if (keySwitch == null) {
      return this;
    }
    return new HostEntry(
        uuid,
        hostname,
        number,
        asn,
        keyAt(t),
        endpoints,
        lanPrefixes,
        sharedLans,
        hpkePublic,
        null);
  }

  /** The key its key record is sealed to: its HPKE key when it has one, else its WireGuard key. */
  public X25519PublicKey sealingKey() {
    return hpkePublic != null ? hpkePublic : publicKey;
  }

  /** This entry as its host record carries it (without the HPKE key, which only the site keeps). */
  public HostEntry published() {
    return hpkePublic == null ? this : withHpkePublic(null);
  }
}
