package org.wgmesh.endpoint.deploy.plan;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * One WireGuard interface towards one client (issue 25) on a host the client attaches to: a device
 * that runs no wgmesh dials in (it roams, so no {@code Endpoint}), may send only from its own
 * addresses, and the host routes those addresses to it and announces them by BGP.
 *
 * @param interfaceName {@code wgc<client number>}
 * @param listenPort the client's port (the same on every host it attaches to)
 * @param clientNumber the client's number
 * @param clientName its name in the site file (comments, {@code --check} lines)
 * @param publicKey its WireGuard key
 * @param addresses its addresses (one IPv4 and/or one IPv6)
 * @param keepalive seconds, 0 for none
 * @param primary whether this host is the client's primary host: it announces the client's
 *     addresses plainly, a secondary with its AS prepended ({@link #SECONDARY_PREPEND} more times)
 * @param mtu the interface MTU: the link MTU over the family of this host's first public address
 * @param v6Underlay whether that family (where the client's packets arrive) is IPv6
 */
public record ClientLink(
    String interfaceName,
    int listenPort,
    int clientNumber,
    String clientName,
    X25519PublicKey publicKey,
    List<IpAddress> addresses,
    int keepalive,
    boolean primary,
    int mtu,
    boolean v6Underlay) {
  /**
   * How many more times a secondary host puts its own AS in front of a client's route: enough that
   * every host, whatever its own path to the primary, prefers the primary's announcement.
   */
  public static final int SECONDARY_PREPEND = 3;

  public ClientLink {
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(clientName, "clientName");
    Objects.requireNonNull(publicKey, "publicKey");
    addresses = List.copyOf(addresses);
  }

  /** The client's addresses as host prefixes (/32, /128), sorted. */
  public List<IpPrefix> hostPrefixes() {
    return hostPrefixes(addresses);
  }

  /** WireGuard's {@code AllowedIPs}: exactly the client's addresses. */
  public String allowedIps() {
    return hostPrefixes().stream().map(IpPrefix::toString).collect(Collectors.joining(", "));
  }

  /** {@code addresses} as host prefixes (/32, /128), sorted. */
  static List<IpPrefix> hostPrefixes(List<IpAddress> addresses) {
    return addresses.stream()
        .map(a -> new IpPrefix(a, a.isV6() ? 128 : 32))
        .sorted()
        .distinct()
        .toList();
  }
}
