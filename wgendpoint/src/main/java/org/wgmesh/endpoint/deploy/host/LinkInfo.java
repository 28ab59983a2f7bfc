package org.wgmesh.endpoint.deploy.host;

import java.util.Set;

/**
 * One network interface as {@code ip -j addr} shows it.
 *
 * @param name interface name
 * @param up whether the administrative UP flag is set
 * @param addresses its addresses in canonical {@code address/length} form (scope global and site;
 *     link-local ones left out)
 */
public record LinkInfo(String name, boolean up, Set<String> addresses) {
  public LinkInfo {
    addresses = Set.copyOf(addresses);
  }
}
