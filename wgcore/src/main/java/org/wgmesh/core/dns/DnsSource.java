package org.wgmesh.core.dns;

import java.util.Optional;

/**
 * Where TXT records are read from: DNS through a resolver, or a zone file for offline use and
 * tests. Implementations follow CNAMEs and fall back to TCP for large answers.
 */
public interface DnsSource {
  /**
   * Reads the TXT RRset at {@code name}.
   *
   * @return the RRset, or empty when the name has no TXT records (NXDOMAIN or NODATA)
   * @throws org.wgmesh.core.error.DnsException on timeout, refusal or another failure to get an
   *     answer; never for a plain "no such record"
   */
  Optional<TxtRecordSet> lookup(String name);
}
