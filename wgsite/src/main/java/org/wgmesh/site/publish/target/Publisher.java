package org.wgmesh.site.publish.target;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.SnapshotDnsSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.PublishException;

/**
 * A place wgmesh publishes its TXT records to: a zone file, a DNS server by RFC 2136 dynamic
 * update, or AWS Route53. A publisher knows nothing of the record format; it stores and reads whole
 * TXT RRsets by name. {@code Publishers.fromUri} (package publish) makes one from a target URI.
 *
 * <p>Every write is idempotent: upserting an RRset that is already there or deleting a name that is
 * not there changes nothing, so a run cut short is completed by running again.
 */
public interface Publisher extends AutoCloseable {
  /** The target as the operator wrote it, without secrets, for messages. */
  String describe();

  /**
   * Reads the TXT RRsets that are ours: names equal to {@code domain} or ending in {@code "." +
   * domain}. A target that can list its records (a zone file, Route53) returns every such set; one
   * that can only be queried (RFC 2136) returns those of {@code candidateNames} that exist.
   *
   * @param domain the mesh domain, without trailing dot
   * @param candidateNames every name the caller may have published (desired and previously
   *     published names); names outside {@code domain} are ignored
   * @return name (normalized) to RRset; absent names are simply missing
   * @throws org.wgmesh.core.error.PublishException when the target cannot be read
   */
  Map<String, TxtRecordSet> readCurrent(String domain, Collection<String> candidateNames);

  /**
   * What endpoints read from this target, for {@code wgpub --verify}: the way an endpoint reads it
   * where there is one (a zone file with the endpoint's zone-file reader, an RFC 2136 server by TXT
   * queries over TCP), else the records as the target lists them (Route53). The default is a
   * snapshot of {@link #readCurrent}.
   *
   * @param domain the mesh domain
   * @param candidateNames the names that may be looked up, for targets that read them up front
   * @throws DnsException when the target cannot be read
   */
  default DnsSource readBack(String domain, Collection<String> candidateNames) {
    try {
      return new SnapshotDnsSource(readCurrent(domain, candidateNames).values(), describe());
    } catch (PublishException e) {
      throw new DnsException(e.what(), e.why(), e.hint().orElse(null), e);
    }
  }

  /**
   * Creates or replaces each RRset whole (all strings, the TTL). Writes in as few atomic steps as
   * the target allows, in list order.
   *
   * @throws org.wgmesh.core.error.PublishException when the target refuses or fails; RRsets of
   *     earlier steps may then already be written (the message says how far it got)
   */
  void upsert(List<TxtRecordSet> sets);

  /**
   * Deletes the TXT RRsets at these names; names without TXT records are skipped.
   *
   * @throws org.wgmesh.core.error.PublishException when the target refuses or fails
   */
  void delete(List<String> names);

  /**
   * How messages name what {@link #upsert} and {@link #delete} did: {@code "written"}, or {@code
   * "would write"} for {@code DryRunPublisher}, which holds the writes back.
   */
  default String writtenVerb() {
    return "written";
  }

  /**
   * Reads the name records (A, AAAA, PTR; issue 25) of {@code zone} at {@code keys} ({@link
   * NameRecordSet#key}): only those, since a zone may hold other records of the same names that
   * wgmesh did not write.
   *
   * @return key to RRset; absent RRsets are missing
   * @throws PublishException when the target cannot be read, or does not publish names
   */
  default Map<String, NameRecordSet> readNames(NameZone zone, Collection<String> keys) {
    throw new PublishException(describe(), "this target does not publish name records");
  }

  /**
   * Writes name records of {@code zone}: each of {@code upserts} replaces the RRset of its name and
   * type whole; each of {@code deletes} is removed (the RRset of that name and type, whatever it
   * holds). Idempotent like {@link #upsert}.
   *
   * @throws PublishException when the target refuses or fails
   */
  default void writeNames(NameZone zone, List<NameRecordSet> upserts, List<NameRecordSet> deletes) {
    throw new PublishException(describe(), "this target does not publish name records");
  }

  /** Releases connections; never throws. */
  @Override
  default void close() {}
}
