package org.wgmesh.endpoint.deploy.plan;

import java.util.List;
import java.util.Objects;
import org.wgmesh.core.net.IpPrefix;

/**
 * One host as a BGP origin: its AS number and the LAN prefixes it may originate, from the verified
 * mesh view. BIRD accepts a route only when its prefix lies within (equal or longer) a prefix of
 * the host whose AS ends the route's AS path.
 *
 * @param number the host number
 * @param hostname for comments
 * @param asn its AS number
 * @param v4 its IPv4 LAN prefixes, sorted; may be empty
 * @param v6 its IPv6 LAN prefixes, sorted; may be empty
 */
public record LanOrigin(
    int number, String hostname, long asn, List<IpPrefix> v4, List<IpPrefix> v6) {
  public LanOrigin {
    Objects.requireNonNull(hostname, "hostname");
    v4 = List.copyOf(v4);
    v6 = List.copyOf(v6);
  }

  /** The origin of {@code prefixes}, split by family and sorted. */
  static LanOrigin of(int number, String hostname, long asn, List<IpPrefix> prefixes) {
    return new LanOrigin(
        number,
        hostname,
        asn,
        prefixes.stream().filter(p -> !p.isV6()).sorted().toList(),
        prefixes.stream().filter(IpPrefix::isV6).sorted().toList());
  }
}
