package org.wgmesh.core.model;

import java.util.List;
import java.util.Objects;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpAddress;

/**
 * A client as the hosts it attaches to see it (issue 25): a device that runs no wgmesh (a laptop or
 * a phone with the stock WireGuard app) and reaches the mesh through one or more member hosts. Each
 * attached host renders it as one WireGuard interface ({@link Addressing#clientInterfaceName}) with
 * keepalive, routes its addresses there and announces them by BGP, so every LAN reaches it.
 *
 * @param name its name in the site file (lower case, unique among hosts and clients)
 * @param number the client number (1..{@link Addressing#MAX_CLIENT}), from which its interface name
 *     on the attached hosts derives
 * @param publicKey its WireGuard public key
 * @param addresses its addresses (one IPv4 and/or one IPv6), from the site's client pools
 * @param attachedTo the host numbers of the hosts it attaches to, the primary first: the primary
 *     announces its addresses plainly, the others with a longer AS path, so the mesh sends its
 *     traffic where its configuration sends it (see docs/clients.md)
 * @param port the UDP port every attached host listens on for it
 * @param keepalive the persistent keepalive in seconds the hosts use towards it (0: none)
 */
public record ClientEntry(
    String name,
    int number,
    X25519PublicKey publicKey,
    List<IpAddress> addresses,
    List<Integer> attachedTo,
    int port,
    int keepalive) {
  /**
   * @throws NullPointerException naming the component that is null
   * @throws IllegalArgumentException when the number, port or keepalive is out of range, or it has
   *     no address or no attached host
   */
  public ClientEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(publicKey, "publicKey");
    addresses = List.copyOf(addresses);
    attachedTo = List.copyOf(attachedTo);
    if (number < 1 || number > Addressing.MAX_CLIENT) {
      throw new IllegalArgumentException(
          "client number must be 1.." + Addressing.MAX_CLIENT + ": " + number);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("client port must be 1..65535: " + port);
    }
    if (keepalive < 0 || keepalive > 65535) {
      throw new IllegalArgumentException("keepalive must be 0..65535: " + keepalive);
    }
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("client " + name + " has no address");
    }
    if (attachedTo.isEmpty()) {
      throw new IllegalArgumentException("client " + name + " attaches to no host");
    }
  }

  /** Whether host {@code hostNumber} is one it attaches to. */
  public boolean attachesTo(int hostNumber) {
    return attachedTo.contains(hostNumber);
  }

  /** Whether host {@code hostNumber} is its primary host (the first it attaches to). */
  public boolean isPrimary(int hostNumber) {
    return attachedTo.get(0) == hostNumber;
  }
}
