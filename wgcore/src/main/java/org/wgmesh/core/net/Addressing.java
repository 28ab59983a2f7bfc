package org.wgmesh.core.net;

import java.util.regex.Pattern;

/**
 * Everything numbered from host numbers, in one place, so the site (allocation, validation) and the
 * endpoint (planning) derive the same values. Host numbers run from 1 to {@link #MAX_HOST}; every
 * derivation below is injective on that range, so nothing collides for any mesh size the numbers
 * allow (the original broke past 155 hosts).
 *
 * <ul>
 *   <li>Interface on host A towards peer B: {@code wg<B>}; it listens on {@code portbase + B}; A's
 *       endpoint for B is B's address at {@code portbase + A}.
 *   <li>Link between a &lt; b inside the site's /48 tunnel prefix P: the /80 {@code P:a:b::}; host
 *       a has {@code P:a:b::1}, host b has {@code P:a:b::2} (a and b are written in hex, so each
 *       fills one 16-bit group).
 *   <li>BGP router id: 1.0.0.0 plus the host number, as a dotted quad (unique 32-bit id).
 *   <li>Host n's mesh address: {@code P:0:1::n}/128 (n in hex), on its namespace's loopback and
 *       announced by BGP: one stable address per host whatever its links (names, the overlay).
 *   <li>Clients (issue 25): the default IPv6 client pool is {@code P:0:2::/80}; client c's
 *       interface on each host it attaches to is {@code wgc<c>}. {@code P:0:3::/80} is kept for the
 *       VXLAN overlay's addresses.
 * </ul>
 *
 * <p>Link networks have a, b &ge; 1, so nothing under {@code P:0::/32} is a link: the rows above
 * live there.
 */
public final class Addressing {
  /** Highest host number: one 16-bit group of the link address. */
  public static final int MAX_HOST = 65535;

  /** Prefix length of a tunnel (link) network. */
  public static final int LINK_PREFIX_LENGTH = 80;

  /** Prefix length the site's tunnel prefix must have. */
  public static final int TUNNEL_PREFIX_LENGTH = 48;

  /** Highest client number. */
  public static final int MAX_CLIENT = 65535;

  /** The names {@link #clientInterfaceName} gives: {@code wgc} and a client number. */
  public static final Pattern CLIENT_INTERFACE_NAME = Pattern.compile("wgc[0-9]+");

  private Addressing() {}

  /** The names {@link #interfaceName} gives: {@code wg} and a host number. */
  public static final Pattern INTERFACE_NAME = Pattern.compile("wg[0-9]+");

  /** Name of the WireGuard interface towards {@code peer}. */
  public static String interfaceName(int peer) {
    return "wg" + checkHost(peer);
  }

  /** UDP port the interface towards {@code peer} listens on. */
  public static int listenPort(int portbase, int peer) {
    return portbase + checkHost(peer);
  }

  /** UDP port of {@code self}'s interface on the peer: where {@code self} sends to. */
  public static int remotePort(int portbase, int self) {
    return portbase + checkHost(self);
  }

  /** The /80 link network between two hosts, order-independent. */
  public static IpPrefix linkNetwork(IpPrefix tunnelPrefix, int a, int b) {
    return new IpPrefix(linkAddress(tunnelPrefix, a, b, 0), LINK_PREFIX_LENGTH);
  }

  /** {@code self}'s address on its link to {@code peer} (without prefix length). */
  public static IpAddress linkAddress(IpPrefix tunnelPrefix, int self, int peer) {
    return linkAddress(tunnelPrefix, self, peer, self < peer ? 1 : 2);
  }

  private static IpAddress linkAddress(IpPrefix tunnelPrefix, int x, int y, int host) {
    checkHost(x);
    checkHost(y);
    if (x == y) {
      throw new IllegalArgumentException("a host has no link to itself: " + x);
    }
    checkTunnelPrefix(tunnelPrefix);
    int lo = Math.min(x, y);
    int hi = Math.max(x, y);
    byte[] b = tunnelPrefix.network().bytes();
    b[6] = (byte) (lo >> 8);
    b[7] = (byte) lo;
    b[8] = (byte) (hi >> 8);
    b[9] = (byte) hi;
    b[15] = (byte) host;
    return IpPrefix.of(b);
  }

  /** Host {@code n}'s mesh address {@code P:0:1::n} (without prefix length). */
  public static IpAddress meshAddress(IpPrefix tunnelPrefix, int n) {
    return inSubnet(tunnelPrefix, 1, checkHost(n));
  }

  /**
   * The default IPv6 pool of client addresses, {@code P:0:2::/80}: an /80, as the 2 sits in the
   * fifth group (a /64 would be {@code P:0::/64}, which holds the mesh addresses too).
   */
  public static IpPrefix clientPool6(IpPrefix tunnelPrefix) {
    return new IpPrefix(inSubnet(tunnelPrefix, 2, 0), ROW_PREFIX_LENGTH);
  }

  /**
   * The network of the VXLAN overlay's IPv6 addresses, {@code P:0:3::/80}. An /80, not a /64: the
   * rows under {@code P:0::/64} differ in the fifth group (the 3 here), which a /64 would not cover
   * ({@code P:0:3::/64} has host bits set and means {@code P::/64}, the rows' common /64).
   */
  public static IpPrefix overlayNetwork6(IpPrefix tunnelPrefix) {
    return new IpPrefix(inSubnet(tunnelPrefix, 3, 0), ROW_PREFIX_LENGTH);
  }

  /**
   * Prefix length of the rows under {@code P:0::/64} (mesh addresses P:0:1::/80, the overlay
   * P:0:3::/80): the fifth group tells them apart.
   */
  public static final int ROW_PREFIX_LENGTH = 80;

  /** Name of the WireGuard interface towards client {@code c} on the hosts it attaches to. */
  public static String clientInterfaceName(int c) {
    if (c < 1 || c > MAX_CLIENT) {
      throw new IllegalArgumentException("client number must be 1.." + MAX_CLIENT + ": " + c);
    }
    return "wgc" + c;
  }

  /**
   * Host {@code n}'s address in an overlay network (issue 25): the network's address plus n, with
   * the network's prefix length ({@code 198.51.100.0/24} gives host 7 {@code 198.51.100.7/24},
   * {@code P:0:3::/64} gives {@code P:0:3::7/64}).
   *
   * @throws IllegalArgumentException when the network has no such address (an IPv4 network's
   *     broadcast address and beyond)
   */
  public static IpPrefix overlayAddress(IpPrefix network, int n) {
    checkHost(n);
    int hostBits = (network.isV6() ? 128 : 32) - network.length();
    if (hostBits < 63 && n > (1L << hostBits) - (network.isV6() ? 1 : 2)) {
      throw new IllegalArgumentException("host number " + n + " has no address in " + network);
    }
    byte[] b = network.network().bytes();
    int carry = n;
    for (int i = b.length - 1; i >= 0 && carry > 0; i--) {
      int v = (b[i] & 0xff) + (carry & 0xff);
      b[i] = (byte) v;
      carry = (carry >>> 8) + (v >>> 8);
    }
    return new IpPrefix(IpPrefix.of(b), network.length());
  }

  // P:0:subnet::index, for the rows under P:0::/32.
  private static IpAddress inSubnet(IpPrefix tunnelPrefix, int subnet, int index) {
    checkTunnelPrefix(tunnelPrefix);
    byte[] b = tunnelPrefix.network().bytes();
    b[8] = (byte) (subnet >> 8);
    b[9] = (byte) subnet;
    b[14] = (byte) (index >> 8);
    b[15] = (byte) index;
    return IpPrefix.of(b);
  }

  private static void checkTunnelPrefix(IpPrefix tunnelPrefix) {
    if (!tunnelPrefix.isV6() || tunnelPrefix.length() != TUNNEL_PREFIX_LENGTH) {
      throw new IllegalArgumentException("tunnel prefix must be an IPv6 /48: " + tunnelPrefix);
    }
  }

  /** The BGP router id of host {@code n}: 1.0.0.0 + n. */
  public static String routerId(int n) {
    long id = (1L << 24) + checkHost(n);
    return ((id >> 24) & 255)
        + "."
        + ((id >> 16) & 255)
        + "."
        + ((id >> 8) & 255)
        + "."
        + (id & 255);
  }

  private static int checkHost(int n) {
    if (n < 1 || n > MAX_HOST) {
      throw new IllegalArgumentException("host number must be 1.." + MAX_HOST + ": " + n);
    }
    return n;
  }
}
