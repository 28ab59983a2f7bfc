package org.wgmesh.core.dns;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A TXT RRset as wgmesh publishes it: one resource record per string, each string at most 255
 * bytes. Two sets are equal when name, TTL and the set of strings are equal: DNS does not keep the
 * order of records in an RRset, so order never matters here.
 *
 * @param name absolute owner name, lower case, without the trailing dot
 * @param ttl time to live in seconds
 * @param strings the TXT strings, one per resource record
 */
public record TxtRecordSet(String name, int ttl, List<String> strings) {
  /** The DNS limit for one character-string. */
  public static final int MAX_STRING_BYTES = 255;

  public TxtRecordSet {
    Objects.requireNonNull(name, "name");
    name = normalize(name);
    strings = List.copyOf(strings);
    if (ttl < 0) {
      throw new IllegalArgumentException("negative TTL");
    }
    for (String s : strings) {
      if (s.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
        throw new IllegalArgumentException("TXT string over 255 bytes in " + name);
      }
    }
  }

  /** Lower case, no trailing dot. */
  public static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** Total bytes of the strings (a lower bound of the RRset's wire size). */
  public int dataBytes() {
    int n = 0;
    for (String s : strings) {
      n += s.length() + 1;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TxtRecordSet t
        && t.name.equals(name)
        && t.ttl == ttl
        && t.strings.size() == strings.size()
        && Set.copyOf(t.strings).equals(Set.copyOf(strings));
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, ttl, Set.copyOf(strings));
  }
}
