package org.wgmesh.core.testing;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Function;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.DnsException;

/**
 * A {@link DnsSource} over a map of RRsets, for tests: names are normalized, lookups are recorded,
 * and a name can be made to fail like a broken resolver. Thread-safe (readers look up in parallel).
 */
public final class InMemoryDnsSource implements DnsSource {
  private final Map<String, TxtRecordSet> records = new ConcurrentHashMap<>();
  private final Map<String, DnsException> failures = new ConcurrentHashMap<>();
  private final Collection<String> lookups = new ConcurrentSkipListSet<>();

  public InMemoryDnsSource() {}

  /** A source holding {@code rrsets}. */
  public static InMemoryDnsSource of(Collection<TxtRecordSet> rrsets) {
    InMemoryDnsSource s = new InMemoryDnsSource();
    rrsets.forEach(s::put);
    return s;
  }

  /** Adds or replaces the RRset at its name. */
  public InMemoryDnsSource put(TxtRecordSet rrset) {
    records.put(rrset.name(), rrset);
    return this;
  }

  /** Removes the RRset at {@code name}. */
  public InMemoryDnsSource remove(String name) {
    records.remove(TxtRecordSet.normalize(name));
    return this;
  }

  /** Makes lookups of {@code name} throw {@code failure}. */
  public InMemoryDnsSource failWith(String name, DnsException failure) {
    failures.put(TxtRecordSet.normalize(name), failure);
    return this;
  }

  /** Applies {@code change} to the RRset at {@code name} (tests that tamper with records). */
  public InMemoryDnsSource modify(String name, Function<TxtRecordSet, TxtRecordSet> change) {
    records.computeIfPresent(TxtRecordSet.normalize(name), (k, v) -> change.apply(v));
    return this;
  }

  /** A snapshot of every RRset, by name. */
  public Map<String, TxtRecordSet> snapshot() {
    return Map.copyOf(records);
  }

  /** The names looked up so far (sorted, without repeats). */
  public List<String> lookups() {
    return List.copyOf(lookups);
  }

  @Override
  public Optional<TxtRecordSet> lookup(String name) {
    String n = TxtRecordSet.normalize(name);
    lookups.add(n);
    DnsException failure = failures.get(n);
    if (failure != null) {
      throw failure;
    }
    return Optional.ofNullable(records.get(n));
  }
}
