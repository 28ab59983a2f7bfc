package org.wgmesh.site.publish.names;

import java.util.List;
import java.util.Objects;
import org.wgmesh.core.net.IpAddress;

/**
 * One name the site publishes (issue 25): {@code <label>.<domain>} with A/AAAA records for its
 * addresses, and a PTR for each address pointing back at it.
 *
 * @param label the host's (or client's) name below the domain, lower case
 * @param addresses its addresses, IPv4 and IPv6
 */
public record NameEntry(String label, List<IpAddress> addresses) {
  public NameEntry {
    Objects.requireNonNull(label, "label");
    addresses = List.copyOf(addresses);
  }
}
