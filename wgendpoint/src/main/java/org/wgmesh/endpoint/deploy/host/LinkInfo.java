package org.wgmesh.endpoint.deploy.host;

import java.util.Set;

/**
 * One network interface as {@code ip -j addr} shows it.
 *
 * @param name interface name
 * @param up whether the administrative UP flag is set
 * @param addresses its addresses in canonical {@code address/length} form (scope global and site;
 *     link-local ones left out)
 * @param mtu its MTU; 0 when not known
 */
public record LinkInfo(String name, boolean up, Set<String> addresses, int mtu) {
  public LinkInfo {
    addresses = Set.copyOf(addresses);
  }

  /** An interface whose MTU is not known (tests that do not care). */
  public LinkInfo(String name, boolean up, Set<String> addresses) {
    this(name, up, addresses, 0);
  }
}
