package org.wgmesh.core.model;

import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpPrefix;

/**
 * The VXLAN overlay of a mesh (issue 25, the site file's {@code overlay: vxlan:}): one layer-2
 * segment over the WireGuard links, whose endpoints are the hosts' mesh addresses, so the hosts can
 * run a routing protocol of the operator's choice between them. Host n has the n-th address of each
 * overlay network on it.
 *
 * @param vni the VXLAN network identifier, 1..{@link #MAX_VNI}
 * @param port the UDP port of the VXLAN packets (between mesh addresses)
 * @param ipv4 the IPv4 network of the overlay addresses, when the site gives one
 * @param ipv6 the IPv6 network of the overlay addresses: {@code P:0:3::/80} ({@link
 *     org.wgmesh.core.net.Addressing#overlayNetwork6}) unless the site gives a /64 of its own
 */
public record VxlanOverlay(int vni, int port, Optional<IpPrefix> ipv4, IpPrefix ipv6) {
  /** The highest VNI: VXLAN identifiers have 24 bits. */
  public static final int MAX_VNI = (1 << 24) - 1;

  /** The IANA port of VXLAN, the default. */
  public static final int DEFAULT_PORT = 4789;

  /**
   * What VXLAN over IPv6 adds to every frame: outer IPv6 header 40 + UDP 8 + VXLAN 8 + the inner
   * Ethernet header 14 = 70 bytes. The overlay device's MTU is the WireGuard link MTU minus this.
   */
  public static final int OVERHEAD = 40 + 8 + 8 + 14;

  /** Prefix length of an IPv6 overlay network of the operator's: host n gets {@code ::n}. */
  public static final int IPV6_LENGTH = 64;

  /** The longest IPv6 overlay network: the site's own is a /80. */
  public static final int MAX_IPV6_LENGTH = 80;

  /**
   * @throws IllegalArgumentException when a value is out of range (the site file's checks say which
   *     key)
   */
  public VxlanOverlay {
    if (vni < 1 || vni > MAX_VNI) {
      throw new IllegalArgumentException("VNI must be 1.." + MAX_VNI + ": " + vni);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535: " + port);
    }
    Objects.requireNonNull(ipv4, "ipv4");
    Objects.requireNonNull(ipv6, "ipv6");
    ipv4.ifPresent(
        p -> {
          if (p.isV6() || !p.masked().equals(p) || p.length() > 30) {
            throw new IllegalArgumentException("not an IPv4 network of 4 or more addresses: " + p);
          }
        });
    if (!ipv6.isV6()
        || ipv6.length() < IPV6_LENGTH
        || ipv6.length() > MAX_IPV6_LENGTH
        || !ipv6.masked().equals(ipv6)) {
      throw new IllegalArgumentException("not an IPv6 network /64../80: " + ipv6);
    }
  }

  /** The highest host number {@code ipv4} has an address for (not its broadcast address). */
  public static long highestIpv4Host(IpPrefix ipv4) {
    return (1L << (32 - ipv4.length())) - 2;
  }

  /** Host {@code n}'s IPv4 overlay address with the network's length, when there is a network. */
  public Optional<IpPrefix> ipv4Address(int n) {
    return ipv4.map(p -> Addressing.overlayAddress(p, n));
  }

  /** Host {@code n}'s IPv6 overlay address {@code ::n} with the network's length. */
  public IpPrefix ipv6Address(int n) {
    return Addressing.overlayAddress(ipv6, n);
  }

  /** The MTU of the overlay device over WireGuard links of {@code linkMtu}. */
  public static int mtuOver(int linkMtu) {
    return linkMtu - OVERHEAD;
  }
}
