package org.wgmesh.core.model;

import java.util.Objects;
import java.util.OptionalInt;
import org.wgmesh.core.error.InputException;

/**
 * How every WireGuard link of the mesh is tuned: its MTU, its keepalive and its BFD timers. The
 * site sets mesh-wide values (published in the mesh record, {@code docs/record-format.md}), an
 * endpoint may override each for its own links ({@code docs/endpoint-file.md}).
 *
 * @param mtu the MTU of every link; empty: computed per link from the underlay family it uses
 *     ({@link #defaultMtu})
 * @param keepalive WireGuard's persistent keepalive in seconds, 0 for off
 * @param bfd the BFD timers
 */
public record LinkSettings(OptionalInt mtu, int keepalive, BfdProfile bfd) {
  /** The smallest MTU: IPv6 needs 1280 on every link, and the links carry the BGP sessions. */
  public static final int MIN_MTU = 1280;

  /** The largest MTU accepted (jumbo frames). */
  public static final int MAX_MTU = 9000;

  /**
   * The largest keepalive accepted, in seconds (WireGuard takes up to 65535; an hour is plenty).
   */
  public static final int MAX_KEEPALIVE = 3600;

  /**
   * The keepalive before it was a setting: keeps NAT and conntrack entries of the path open, so a
   * peer behind one can still be reached.
   */
  public static final int DEFAULT_KEEPALIVE = 25;

  /** What a site says when it says nothing: MTU by family, keepalive 25 s, BFD normal. */
  public static final LinkSettings DEFAULT =
      new LinkSettings(OptionalInt.empty(), DEFAULT_KEEPALIVE, BfdProfile.NORMAL);

  /**
   * @throws InputException when a value is out of range
   */
  public LinkSettings {
    Objects.requireNonNull(mtu, "mtu");
    Objects.requireNonNull(bfd, "bfd");
    if (mtu.isPresent()) {
      checkMtu(mtu.getAsInt(), "mtu");
    }
    checkKeepalive(keepalive, "keepalive");
  }

  /**
   * WireGuard's overhead on the underlay: outer IP header (20 or 40 bytes), UDP (8) and its own
   * header and tag (32).
   */
  public static int overhead(boolean v6) {
    return v6 ? 80 : 60;
  }

  /**
   * The MTU of a link over an underlay of this family: 1420 over IPv4, 1400 over IPv6. On a
   * 1500-byte path that leaves 20 bytes beyond WireGuard's {@link #overhead} (room for PPPoE's 8,
   * say) in both families.
   */
  public static int defaultMtu(boolean v6) {
    return v6 ? 1400 : 1420;
  }

  /** This setting's MTU, or the default of the link's underlay family. */
  public int mtuFor(boolean v6Underlay) {
    return mtu.orElse(defaultMtu(v6Underlay));
  }

  /** Whether this is {@link #DEFAULT} (the mesh record then carries none of it). */
  public boolean isDefault() {
    return equals(DEFAULT);
  }

  /** A copy with {@code m} as the MTU. */
  public LinkSettings withMtu(OptionalInt m) {
    return new LinkSettings(m, keepalive, bfd);
  }

  /** A copy with {@code k} as the keepalive. */
  public LinkSettings withKeepalive(int k) {
    return new LinkSettings(mtu, k, bfd);
  }

  /** A copy with {@code b} as the BFD profile. */
  public LinkSettings withBfd(BfdProfile b) {
    return new LinkSettings(mtu, keepalive, b);
  }

  /**
   * Checks an MTU.
   *
   * @throws InputException naming {@code what} when it is outside {@value #MIN_MTU}..{@value
   *     #MAX_MTU}
   */
  public static int checkMtu(int mtu, String what) {
    if (mtu < MIN_MTU || mtu > MAX_MTU) {
      throw new InputException(
          what,
          mtu + " is out of range " + MIN_MTU + ".." + MAX_MTU,
          "leave it unset for the default of the underlay (1420 over IPv4, 1400 over IPv6)");
    }
    return mtu;
  }

  /**
   * Checks a keepalive.
   *
   * @throws InputException naming {@code what} when it is outside 0..{@value #MAX_KEEPALIVE}
   */
  public static int checkKeepalive(int seconds, String what) {
    if (seconds < 0 || seconds > MAX_KEEPALIVE) {
      throw new InputException(
          what,
          seconds + " is out of range 0.." + MAX_KEEPALIVE + " (seconds, 0 for off)",
          "hosts behind NAT need one shorter than their NAT's UDP timeout; 25 is the default");
    }
    return seconds;
  }

  /**
   * Parses a whole number for {@code what}.
   *
   * @throws InputException when {@code text} is not one
   */
  public static int number(String text, String what) {
    if (!text.matches("[0-9]{1,6}")) {
      throw new InputException(what, "'" + text + "' is not a whole number");
    }
    return Integer.parseInt(text);
  }
}
