package org.wgmesh.site.publish.names;

import java.util.ArrayList;
import java.util.List;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.NamesPolicy;
import org.wgmesh.core.site.Site;

/**
 * The names a site publishes (issue 25): one {@link NameEntry} per host, and one per client. Empty
 * without a {@code names:} section.
 */
public final class NameList {
  private NameList() {}

  /** Every name of {@code site}: its hosts', then its clients'. */
  public static List<NameEntry> of(Site site) {
    if (site.names().isEmpty()) {
      return List.of();
    }
    NamesPolicy policy = site.names().get();
    List<NameEntry> out = new ArrayList<>();
    for (HostEntry h : site.hosts()) {
      out.add(new NameEntry(h.hostname(), policy.addressesOf(h, site.settings().tunnelPrefix())));
    }
    out.addAll(clients(site));
    return out;
  }

  /**
   * The clients' names: a client (a device without wgmesh) has only its addresses from the site's
   * client pools, so whatever {@code names.addresses} says, its entry carries those.
   */
  static List<NameEntry> clients(Site site) {
    return site.clients().list().stream().map(c -> new NameEntry(c.name(), c.addresses())).toList();
  }
}
