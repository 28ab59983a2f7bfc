package org.wgmesh.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.wgmesh.core.error.InputException;

/**
 * A CIDR prefix such as {@code 198.51.100.0/24} or {@code fd12:3456:789a::/48}. Host bits must be
 * zero: {@code 198.51.100.1/24} is refused (it is an interface address, see {@link
 * #parseInterface}).
 *
 * @param network the network address
 * @param length the prefix length
 */
public record IpPrefix(IpAddress network, int length) implements Comparable<IpPrefix> {
  public IpPrefix {
    int max = network.isV6() ? 128 : 32;
    if (length < 0 || length > max) {
      throw new IllegalArgumentException("prefix length out of range: " + length);
    }
  }

  /**
   * Parses {@code address/length} with zero host bits.
   *
   * @param what names the source in an error
   * @throws InputException naming the allowed form
   */
  public static IpPrefix parse(String text, String what) {
    IpPrefix p = parseAny(text, what);
    IpPrefix masked = p.masked();
    if (!masked.equals(p)) {
      throw new InputException(
          what, "'" + text + "' has host bits set", "did you mean " + masked + "?");
    }
    return p;
  }

  /** Parses {@code address/length} where host bits may be set (an interface address). */
  public static IpPrefix parseInterface(String text, String what) {
    return parseAny(text, what);
  }

  private static IpPrefix parseAny(String text, String what) {
    if (text == null || !text.contains("/")) {
      throw new InputException(what, "'" + text + "' is not a prefix: expected ADDRESS/LENGTH");
    }
    int slash = text.indexOf('/');
    IpAddress a = IpAddress.parse(text.substring(0, slash), what);
    int len;
    try {
      len = Integer.parseInt(text.substring(slash + 1).strip());
    } catch (NumberFormatException e) {
      throw new InputException(what, "'" + text + "' has no numeric prefix length");
    }
    int max = a.isV6() ? 128 : 32;
    if (len < 0 || len > max) {
      throw new InputException(what, "'" + text + "': prefix length must be 0.." + max);
    }
    return new IpPrefix(a, len);
  }

  public boolean isV6() {
    return network.isV6();
  }

  /** The same prefix with host bits cleared. */
  public IpPrefix masked() {
    byte[] b = network.bytes();
    for (int i = 0; i < b.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, length - i * 8));
      b[i] &= (byte) (0xff << (8 - bitsHere));
    }
    return new IpPrefix(of(b), length);
  }

  /** The highest address inside this prefix (all host bits set). */
  public IpAddress last() {
    byte[] b = network.bytes();
    for (int i = 0; i < b.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, length - i * 8));
      b[i] |= (byte) (0xff >>> bitsHere);
    }
    return of(b);
  }

  /** Whether {@code other} lies inside this prefix (same family, equal or longer length). */
  public boolean contains(IpPrefix other) {
    return other.isV6() == isV6()
        && other.length >= length
        && new IpPrefix(other.network, length).masked().network.equals(network);
  }

  /** Whether the two prefixes share any address. */
  public boolean overlaps(IpPrefix other) {
    return contains(other) || other.contains(this);
  }

  @Override
  public String toString() {
    return network + "/" + length;
  }

  @Override
  public int compareTo(IpPrefix o) {
    int c = network.compareTo(o.network);
    return c != 0 ? c : Integer.compare(length, o.length);
  }

  static IpAddress of(byte[] raw) {
    try {
      return new IpAddress(InetAddress.getByAddress(raw));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad address length " + raw.length, e);
    }
  }
}
