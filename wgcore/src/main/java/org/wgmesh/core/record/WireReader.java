package org.wgmesh.core.record;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * Reads what {@link WireWriter} writes, strictly: every read names its field, and running out of
 * bytes, a value out of range or a non-canonical form is a {@link RecordException} naming the
 * record and that field. Never throws anything else.
 */
final class WireReader {
  private final String record;
  private final byte[] data;
  private int pos;

  WireReader(String record, byte[] data) {
    this(record, data, 0);
  }

  WireReader(String record, byte[] data, int start) {
    this.record = record;
    this.data = data;
    this.pos = start;
  }

  /** The record this reads, as errors name it. */
  String record() {
    return record;
  }

  RecordException error(String field, String why) {
    return new RecordException(record, "field '" + field + "': " + why);
  }

  private void need(int n, String field) {
    if (n < 0 || data.length - pos < n) {
      throw error(
          field, "truncated (needs " + n + " more bytes, " + (data.length - pos) + " left)");
    }
  }

  int u8(String field) {
    need(1, field);
    return data[pos++] & 0xff;
  }

  int u16(String field) {
    need(2, field);
    int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  long u32(String field) {
    need(4, field);
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (data[pos++] & 0xff);
    }
    return v;
  }

  /** A u64 whose top bit must be clear (so it fits a Java long). */
  long u63(String field) {
    need(8, field);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (data[pos++] & 0xff);
    }
    if (v < 0) {
      throw error(field, "value out of range (top bit set)");
    }
    return v;
  }

  Instant time(String field) {
    long s = u63(field);
    if (s > Instant.MAX.getEpochSecond()) {
      throw error(field, "time out of range");
    }
    return Instant.ofEpochSecond(s);
  }

  byte[] raw(int n, String field) {
    need(n, field);
    byte[] b = new byte[n];
    System.arraycopy(data, pos, b, 0, n);
    pos += n;
    return b;
  }

  byte[] bytes16(String field) {
    int n = u16(field + ".length");
    return raw(n, field);
  }

  String str8(String field) {
    int n = u8(field + ".length");
    byte[] b = raw(n, field);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw error(field, "not valid UTF-8");
    }
  }

  IpAddress address(String field) {
    int family = u8(field + ".family");
    int len;
    if (family == 4) {
      len = 4;
    } else if (family == 6) {
      len = 16;
    } else {
      throw error(field + ".family", "must be 4 or 6, got " + family);
    }
    byte[] b = raw(len, field);
    InetAddress a;
    try {
      a = InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw error(field, "not an address");
    }
    if (family == 6 && !(a instanceof Inet6Address)) {
      // Java turns ::ffff:a.b.c.d into an IPv4 address; the encoder never writes that form.
      throw error(field, "IPv4-mapped IPv6 address is not allowed (write it as IPv4)");
    }
    return new IpAddress(a);
  }

  IpPrefix prefix(String field) {
    IpAddress a = address(field);
    int len = u8(field + ".length");
    int max = a.isV6() ? 128 : 32;
    if (len > max) {
      throw error(field + ".length", "prefix length " + len + " exceeds " + max);
    }
    IpPrefix p = new IpPrefix(a, len);
    if (!p.masked().equals(p)) {
      throw error(field, "prefix " + p + " has host bits set");
    }
    return p;
  }

  /** An address and a prefix length, host bits allowed (an interface address). */
  IpPrefix interfaceAddress(String field) {
    IpAddress a = address(field);
    int len = u8(field + ".length");
    int max = a.isV6() ? 128 : 32;
    if (len > max) {
      throw error(field + ".length", "prefix length " + len + " exceeds " + max);
    }
    return new IpPrefix(a, len);
  }

  List<IpPrefix> interfaceAddresses(String field) {
    int n = u8(field + ".count");
    List<IpPrefix> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(interfaceAddress(field + "[" + i + "]"));
    }
    return out;
  }

  List<IpAddress> addresses(String field) {
    int n = u8(field + ".count");
    List<IpAddress> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(address(field + "[" + i + "]"));
    }
    return out;
  }

  List<IpPrefix> prefixes(String field) {
    int n = u8(field + ".count");
    List<IpPrefix> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(prefix(field + "[" + i + "]"));
    }
    return out;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return data.length - pos;
  }

  /** Fails when bytes are left over: trailing garbage is an error, not ignored. */
  void end(String field) {
    if (pos != data.length) {
      throw error(field, (data.length - pos) + " unexpected trailing bytes");
    }
  }
}
