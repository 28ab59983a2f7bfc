package org.wgmesh.core.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.wgmesh.core.error.InputException;

/**
 * Reverse DNS names (issue 25, names): the PTR name of an address ({@code 1.2.0.192.in-addr.arpa},
 * {@code ...ip6.arpa} in nibbles), which reverse zone holds it, and the zone wgmesh derives when
 * the site file names none (an IPv4 address's /24, an IPv6 address's /48).
 */
public final class ReverseNames {
  /** The parent of every IPv4 reverse zone. */
  public static final String IN_ADDR = "in-addr.arpa";

  /** The parent of every IPv6 reverse zone. */
  public static final String IP6 = "ip6.arpa";

  /** Octets of an IPv4 address the default reverse zone covers: its /24. */
  static final int DEFAULT_V4_OCTETS = 3;

  /** Nibbles of an IPv6 address the default reverse zone covers: its /48. */
  static final int DEFAULT_V6_NIBBLES = 12;

  private static final Pattern OCTET =
      Pattern.compile("25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]");
  private static final Pattern NIBBLE = Pattern.compile("[0-9a-f]");

  private ReverseNames() {}

  /** The PTR owner name of {@code a}, lower case, without the trailing dot. */
  public static String ptrName(IpAddress a) {
    return String.join(".", labels(a)) + "." + (a.isV6() ? IP6 : IN_ADDR);
  }

  /**
   * The reverse zone wgmesh uses for {@code a} when the site file names none: the zone of its /24
   * (IPv4) or its /48 (IPv6, the tunnel prefix's size).
   */
  public static String defaultZone(IpAddress a) {
    List<String> l = labels(a);
    int keep = a.isV6() ? DEFAULT_V6_NIBBLES : DEFAULT_V4_OCTETS;
    return String.join(".", l.subList(l.size() - keep, l.size()))
        + "."
        + (a.isV6() ? IP6 : IN_ADDR);
  }

  /**
   * The most specific of {@code zones} that holds {@code a}'s PTR name, if any: with zones for both
   * a /16 and a /24, an address in the /24 goes to the /24's zone (the parent delegates it).
   */
  public static Optional<String> zoneFor(IpAddress a, Collection<String> zones) {
    String ptr = ptrName(a);
    String best = null;
    for (String z : zones) {
      if ((ptr.equals(z) || ptr.endsWith("." + z))
          && (best == null || z.length() > best.length())) {
        best = z;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Checks a reverse zone name ({@code 2.0.192.in-addr.arpa}, {@code 8.b.d.0.1.0.0.2.ip6.arpa}):
   * below {@code in-addr.arpa} one to four octets 0..255, below {@code ip6.arpa} one to 32 single
   * hex nibbles. Returns it lower case without a trailing dot.
   *
   * @throws InputException naming {@code what} for another name
   */
  public static String checkZone(String text, String what) {
    String z = text.strip().toLowerCase(Locale.ROOT);
    z = z.endsWith(".") ? z.substring(0, z.length() - 1) : z;
    boolean v6 = z.endsWith("." + IP6);
    if (!v6 && !z.endsWith("." + IN_ADDR)) {
      throw new InputException(
          what,
          "'" + text + "' is not a reverse zone",
          "name a zone below in-addr.arpa or ip6.arpa, e.g. 2.0.192.in-addr.arpa");
    }
    String head = z.substring(0, z.length() - (v6 ? IP6 : IN_ADDR).length() - 1);
    String[] parts = head.split("\\.", -1);
    Pattern label = v6 ? NIBBLE : OCTET;
    int max = v6 ? 32 : 4;
    if (parts.length > max) {
      throw new InputException(what, "'" + text + "' has more than " + max + " address labels");
    }
    for (String p : parts) {
      if (!label.matcher(p).matches()) {
        throw new InputException(
            what,
            "'"
                + text
                + "': label '"
                + p
                + "' is not "
                + (v6 ? "one hex nibble" : "an octet 0..255"),
            v6
                ? "write the prefix's nibbles in reverse, e.g. 8.b.d.0.1.0.0.2.ip6.arpa"
                : "write the network's octets in reverse, e.g. 2.0.192.in-addr.arpa");
      }
    }
    return z;
  }

  /** The address's labels as in its PTR name: octets or nibbles, least significant first. */
  private static List<String> labels(IpAddress a) {
    byte[] b = a.bytes();
    List<String> out = new ArrayList<>();
    for (int i = b.length - 1; i >= 0; i--) {
      int v = b[i] & 0xff;
      if (a.isV6()) {
        out.add(Integer.toHexString(v & 0xf));
        out.add(Integer.toHexString(v >> 4));
      } else {
        out.add(Integer.toString(v));
      }
    }
    return out;
  }
}
