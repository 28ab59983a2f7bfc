package org.wgmesh.site.publish.target;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.wgmesh.core.dns.TxtRecordSet;

/**
 * One A, AAAA or PTR RRset wgpub writes for the site's names (issue 25): values in presentation
 * form without trailing dot (an address literal, or the PTR's target name), sorted and without
 * duplicates, so that equal RRsets compare equal whatever order a target lists them in.
 *
 * @param name the owner name, lower case without trailing dot
 * @param type A, AAAA or PTR
 * @param ttl seconds
 * @param values the records' data
 */
public record NameRecordSet(String name, Type type, int ttl, List<String> values) {
  /** The record types of names. */
  public enum Type {
    A,
    AAAA,
    PTR
  }

  public NameRecordSet {
    name = TxtRecordSet.normalize(Objects.requireNonNull(name, "name"));
    Objects.requireNonNull(type, "type");
    values =
        List.copyOf(
            new TreeSet<>(
                values.stream()
                    .map(v -> type == Type.PTR ? TxtRecordSet.normalize(v) : v)
                    .toList()));
    if (values.isEmpty()) {
      throw new IllegalArgumentException("an RRset needs a value: " + name + " " + type);
    }
  }

  /** {@code NAME TYPE}: what identifies the RRset in a zone. */
  public String key() {
    return key(name, type);
  }

  /** {@code NAME TYPE} of an RRset. */
  public static String key(String name, Type type) {
    return TxtRecordSet.normalize(name) + " " + type;
  }

  /** The same RRset with other values. */
  public NameRecordSet withValues(List<String> other) {
    return new NameRecordSet(name, type, ttl, other);
  }
}
