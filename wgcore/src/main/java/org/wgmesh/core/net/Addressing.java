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
 * </ul>
 */
public final class Addressing {
  /** Highest host number: one 16-bit group of the link address. */
  public static final int MAX_HOST = 65535;

  /** Prefix length of a tunnel (link) network. */
  public static final int LINK_PREFIX_LENGTH = 80;

  /** Prefix length the site's tunnel prefix must have. */
  public static final int TUNNEL_PREFIX_LENGTH = 48;

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
    if (!tunnelPrefix.isV6() || tunnelPrefix.length() != TUNNEL_PREFIX_LENGTH) {
      throw new IllegalArgumentException("tunnel prefix must be an IPv6 /48: " + tunnelPrefix);
    }
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
