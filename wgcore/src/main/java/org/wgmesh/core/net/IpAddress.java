package org.wgmesh.core.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.wgmesh.core.error.InputException;

/**
 * An IPv4 or IPv6 address literal. Parsing never performs a DNS lookup: a hostname is rejected.
 *
 * @param address the parsed address
 */
public record IpAddress(InetAddress address) implements Comparable<IpAddress> {
  private static final Pattern V4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern V6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  /**
   * Parses an address literal ({@code 192.0.2.1}, {@code 2001:db8::1}; brackets allowed around v6).
   *
   * @param what names the source in an error
   * @throws InputException when it is not an address literal
   */
  public static IpAddress parse(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new InputException(what, "missing IP address");
    }
    String t = text.strip();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    boolean v4 = V4.matcher(t).matches();
    boolean v6 = t.contains(":") && V6_CHARS.matcher(t).matches();
    if (!v4 && !v6) {
      throw new InputException(what, "'" + text + "' is not an IPv4 or IPv6 address");
    }
    try {
      // A literal: getByName does not resolve it.
      return new IpAddress(InetAddress.getByName(t));
    } catch (UnknownHostException e) {
      throw new InputException(what, "'" + text + "' is not an IPv4 or IPv6 address");
    }
  }

  public boolean isV6() {
    return address instanceof Inet6Address;
  }

  /** Canonical text: compressed IPv6 without brackets, dotted IPv4. */
  @Override
  public String toString() {
    return IpPrefix.format(address);
  }

  /** The form a {@code host:port} endpoint needs: IPv6 in brackets. */
  public String forEndpoint() {
    return isV6() ? "[" + this + "]" : toString();
  }

  public byte[] bytes() {
    return address.getAddress();
  }

  @Override
  public int compareTo(IpAddress o) {
    byte[] a = bytes();
    byte[] b = o.bytes();
    if (a.length != b.length) {
      return Integer.compare(a.length, b.length);
    }
    return Arrays.compareUnsigned(a, b);
  }
}
