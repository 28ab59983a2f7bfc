package org.wgmesh.core.record;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * Writes the binary body of a record: big-endian fixed-width integers, length-prefixed strings and
 * lists (see docs/record-format.md, "Encoding primitives"). Refuses values the format cannot carry
 * with {@link IllegalArgumentException}: the site validates its inputs before this point.
 */
final class WireWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

  WireWriter u8(int v) {
    check(v >= 0 && v <= 0xff, "u8", v);
    out.write(v);
    return this;
  }

  WireWriter u16(int v) {
    check(v >= 0 && v <= 0xffff, "u16", v);
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  WireWriter u32(long v) {
    check(v >= 0 && v <= 0xffff_ffffL, "u32", v);
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
    return this;
  }

  /** A non-negative 64-bit number (the top bit is always clear). */
  WireWriter u63(long v) {
    check(v >= 0, "u64", v);
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
    return this;
  }

  /** Seconds since 1970-01-01T00:00:00Z, as a u64. */
  WireWriter time(Instant t) {
    return u63(t.getEpochSecond());
  }

  WireWriter raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  /** u16 length, then the bytes. */
  WireWriter bytes16(byte[] b) {
    u16(b.length);
    return raw(b);
  }

  /** u8 length, then UTF-8. */
  WireWriter str8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    check(b.length <= 0xff, "string length", b.length);
    u8(b.length);
    return raw(b);
  }

  /** u8 family (4 or 6), then 4 or 16 address bytes. */
  WireWriter address(IpAddress a) {
    u8(a.isV6() ? 6 : 4);
    return raw(a.bytes());
  }

  /** An address, then u8 prefix length. */
  WireWriter prefix(IpPrefix p) {
    address(p.network());
    return u8(p.length());
  }

  WireWriter addresses(List<IpAddress> list) {
    check(list.size() <= 0xff, "list size", list.size());
    u8(list.size());
    list.forEach(this::address);
    return this;
  }

  WireWriter prefixes(List<IpPrefix> list) {
    check(list.size() <= 0xff, "list size", list.size());
    u8(list.size());
    list.forEach(this::prefix);
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private static void check(boolean ok, String what, long v) {
    if (!ok) {
      throw new IllegalArgumentException(what + " out of range for the record format: " + v);
    }
  }
}
