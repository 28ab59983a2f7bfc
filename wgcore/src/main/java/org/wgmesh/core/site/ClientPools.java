package org.wgmesh.core.site;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * Addresses of the client pools (issue 25): client c gets the c-th address of each pool (the
 * network address is the 0th), else the lowest free one. The first and last address of a pool are
 * never given out (network and broadcast in IPv4; kept alike in IPv6).
 */
public final class ClientPools {
  private ClientPools() {}

  /** Whether {@code a} lies inside {@code pool}, not its first or last address. */
  public static boolean inside(IpPrefix pool, IpAddress a) {
    IpPrefix single = new IpPrefix(a, a.isV6() ? 128 : 32);
    return pool.contains(single) && !a.equals(pool.network()) && !a.equals(pool.last());
  }

  /** The {@code index}-th address of {@code pool}, when it is inside it ({@link #inside}). */
  public static Optional<IpAddress> addressAt(IpPrefix pool, long index) {
    byte[] net = pool.network().bytes();
    BigInteger value = new BigInteger(1, net).add(BigInteger.valueOf(index));
    byte[] raw = value.toByteArray();
    byte[] out = new byte[net.length];
    if (raw.length > out.length + 1 || (raw.length == out.length + 1 && raw[0] != 0)) {
      return Optional.empty();
    }
    int copy = Math.min(raw.length, out.length);
    System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
    try {
      IpAddress a = new IpAddress(InetAddress.getByAddress(out));
      return inside(pool, a) ? Optional.of(a) : Optional.empty();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(Arrays.toString(out), e);
    }
  }

  /**
   * The address client {@code number} gets from {@code pool}: its {@code number}-th, else the
   * lowest free one; empty when the pool is full.
   */
  public static Optional<IpAddress> allocate(
      IpPrefix pool, int number, Collection<IpAddress> taken) {
    Optional<IpAddress> own = addressAt(pool, number);
    if (own.isPresent() && !taken.contains(own.get())) {
      return own;
    }
    // Beyond the first 2^20 candidates a pool is not searched: no site has that many clients.
    for (long i = 1; i < (1L << 20); i++) {
      Optional<IpAddress> a = addressAt(pool, i);
      if (a.isEmpty()) {
        return Optional.empty();
      }
      if (!taken.contains(a.get())) {
        return a;
      }
    }
    return Optional.empty();
  }
}
