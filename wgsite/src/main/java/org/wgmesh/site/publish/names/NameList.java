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
   * The clients' names: where clients join the name list. A client (a device without wgmesh, {@code
   * ClientEntry}) has only its tunnel addresses from the site's client pools, so whatever {@code
   * names.addresses} says, its entry is {@code new NameEntry(client.name(), client.addresses())}.
   * Empty until the site file holds clients; once {@code Site} has them, map each here (the name
   * rules of {@code NamesSpec.check} then apply to clients too).
   */
  static List<NameEntry> clients(Site site) {
    return List.of();
  }
}
