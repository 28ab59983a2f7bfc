package org.wgmesh.site.publish.target;

import java.util.Objects;
import org.wgmesh.core.dns.TxtRecordSet;

/**
 * A zone wgpub writes name records into (issue 25): the forward zone of the mesh domain (where the
 * TXT records are; a target writes it where it writes them) or a reverse zone for PTR records
 * ({@code 2.0.192.in-addr.arpa}), which a target writes separately (a zone-file target into a
 * fragment file of its own, RFC 2136 as updates of that zone, Route53 into that hosted zone).
 *
 * @param name the zone's name: the mesh domain for the forward zone; lower case, no trailing dot
 * @param reverse whether it is a reverse zone
 */
public record NameZone(String name, boolean reverse) {
  public NameZone {
    name = TxtRecordSet.normalize(Objects.requireNonNull(name, "name"));
  }

  /** The forward zone of {@code domain}. */
  public static NameZone forward(String domain) {
    return new NameZone(domain, false);
  }

  /** The reverse zone {@code name}. */
  public static NameZone reverse(String name) {
    return new NameZone(name, true);
  }

  @Override
  public String toString() {
    return (reverse ? "reverse zone " : "zone ") + name;
  }
}
