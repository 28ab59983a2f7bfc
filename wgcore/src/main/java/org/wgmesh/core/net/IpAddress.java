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
    return format(address);
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

  /** Canonical text of an address: RFC 5952 compressed IPv6, dotted IPv4. */
  private static String format(InetAddress a) {
    if (!(a instanceof Inet6Address)) {
      return a.getHostAddress();
    }
    byte[] b = a.getAddress();
    int[] h = new int[8];
    for (int i = 0; i < 8; i++) {
      h[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (h[i] == 0) {
        int j = i;
        while (j < 8 && h[j] == 0) {
          j++;
        }
        if (j - i > bestLen && j - i >= 2) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(h[i]));
    }
    return sb.toString();
  }
}
