package org.wgmesh.endpoint.deploy.plan;

import java.util.List;
import java.util.Objects;
import org.wgmesh.core.net.IpPrefix;

/**
 * A host as the BGP origin of its attached clients' addresses (issue 25): BIRD accepts a route to a
 * client address only when the AS that ends its path is a host the client attaches to, and only the
 * exact address (/32, /128), never a covering or longer prefix.
 *
 * @param number the host number
 * @param hostname for comments
 * @param asn its AS number
 * @param v4 the IPv4 host prefixes of the clients attached to it, sorted
 * @param v6 the IPv6 host prefixes likewise
 */
public record ClientOrigin(
    int number, String hostname, long asn, List<IpPrefix> v4, List<IpPrefix> v6) {
  public ClientOrigin {
    Objects.requireNonNull(hostname, "hostname");
    v4 = List.copyOf(v4);
    v6 = List.copyOf(v6);
  }
}
