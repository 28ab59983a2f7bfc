package org.wgmesh.core.dns;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link DnsSource} over RRsets read once, for targets that are listed rather than queried (the
 * publisher's Route53 listing): a lookup answers from that list, a name not in it has no records.
 * Immutable and thread-safe.
 */
public final class SnapshotDnsSource implements DnsSource {
  private final Map<String, TxtRecordSet> records;
  private final String description;

  /**
   * @param rrsets the RRsets read (a later one replaces an earlier one of the same name)
   * @param description where they were read from, for messages
   */
  public SnapshotDnsSource(Collection<TxtRecordSet> rrsets, String description) {
    Map<String, TxtRecordSet> m = new TreeMap<>();
    rrsets.forEach(r -> m.put(r.name(), r));
    this.records = Map.copyOf(m);
    this.description = description;
  }

  @Override
  public Optional<TxtRecordSet> lookup(String name) {
    return Optional.ofNullable(records.get(TxtRecordSet.normalize(name)));
  }

  @Override
  public String toString() {
    return description;
  }
}
