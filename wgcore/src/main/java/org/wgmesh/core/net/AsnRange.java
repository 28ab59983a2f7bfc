package org.wgmesh.core.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.wgmesh.core.error.InputException;

/**
 * A set of BGP AS numbers written as {@code a:b[,c][,d:e]} (the original's grammar). Every number
 * must be a private ASN: 64512-65534 (2-byte) or 4200000000-4294967294 (4-byte, RFC 6996).
 *
 * @param spans inclusive {@code [low, high]} spans, sorted and non-overlapping
 */
public record AsnRange(List<long[]> spans) {
  /** The 2-byte private range, the default: 1023 numbers. */
  public static final String DEFAULT = "64512:65534";

  /**
   * The 4-byte private range (RFC 6996), which a site whose range is {@link #DEFAULT} gains when
   * all of it is in use.
   */
  public static final String FOUR_BYTE_PRIVATE = "4200000000:4294967294";

  public AsnRange {
    spans = List.copyOf(spans);
  }

  /**
   * Parses {@code a:b[,c][,d:e]}.
   *
   * @throws InputException naming the bad part and the allowed ranges
   */
  public static AsnRange parse(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new InputException(what, "empty ASN range", "write it as LOW:HIGH, e.g. " + DEFAULT);
    }
    List<long[]> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      String[] lh = p.split(":", -1);
      if (lh.length > 2) {
        throw new InputException(what, "'" + p + "' is not N or LOW:HIGH");
      }
      long lo = number(lh[0], what);
      long hi = lh.length == 2 ? number(lh[1], what) : lo;
      if (hi < lo) {
        throw new InputException(what, "'" + p + "': high end is below low end");
      }
      if (!isPrivate(lo) || !isPrivate(hi) || (lo <= 65534 && hi >= 4200000000L)) {
        throw new InputException(
            what,
            "'" + p + "' is not inside a private ASN range",
            "use 64512-65534 or 4200000000-4294967294 (RFC 6996)");
      }
      out.add(new long[] {lo, hi});
    }
    out.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < out.size(); i++) {
      if (out.get(i)[0] <= out.get(i - 1)[1]) {
        throw new InputException(what, "spans in '" + text + "' overlap");
      }
    }
    return new AsnRange(out);
  }

  private static long number(String s, String what) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new InputException(what, "'" + s + "' is not a number");
    }
  }

  /** Whether {@code asn} is in a private range (RFC 6996). */
  public static boolean isPrivate(long asn) {
    return (asn >= 64512 && asn <= 65534) || (asn >= 4200000000L && asn <= 4294967294L);
  }

  public boolean contains(long asn) {
    for (long[] s : spans) {
      if (asn >= s[0] && asn <= s[1]) {
        return true;
      }
    }
    return false;
  }

  /** How many numbers the range holds. */
  public long size() {
    long n = 0;
    for (long[] s : spans) {
      n += s[1] - s[0] + 1;
    }
    return n;
  }

  /** The lowest number in the range not in {@code used}, or -1 when all are taken. */
  public long lowestFree(Set<Long> used) {
    return lowestFree(used, Long.MIN_VALUE);
  }

  /**
   * The lowest number in the range, at least {@code from}, not in {@code used}, or -1 when all are
   * taken: where a caller that only ever adds to {@code used} resumes its search.
   */
  public long lowestFree(Set<Long> used, long from) {
    for (long[] s : spans) {
      for (long a = Math.max(s[0], from); a <= s[1]; a++) {
        if (!used.contains(a)) {
          return a;
        }
      }
    }
    return -1;
  }

  /** This range with the 4-byte private range ({@link #FOUR_BYTE_PRIVATE}) added. */
  public AsnRange withFourBytePrivate() {
    return parse(this + "," + FOUR_BYTE_PRIVATE, "asn-range");
  }

  /** The canonical text, as written back to the site file. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (long[] s : spans) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(s[0]);
      if (s[1] != s[0]) {
        sb.append(':').append(s[1]);
      }
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AsnRange r && r.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
