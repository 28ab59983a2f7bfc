package org.wgmesh.site.publish.names;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.model.NamesPolicy;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.ReverseNames;
import org.wgmesh.core.site.Site;
import org.wgmesh.site.publish.target.NameRecordSet;
import org.wgmesh.site.publish.target.NameZone;

/**
 * The name records a site wants published (issue 25), zone by zone: in the forward zone (the mesh
 * domain) an A and/or AAAA RRset at {@code <label>.<domain>} per {@link NameEntry}, and in each
 * address's reverse zone a PTR at the address's reverse name pointing at that name. Pure.
 */
public final class NameRecords {
  private NameRecords() {}

  /**
   * The wanted RRsets by zone, each zone's sorted by key; empty without a {@code names:} section.
   */
  public static Map<NameZone, List<NameRecordSet>> wanted(Site site) {
    if (site.names().isEmpty()) {
      return Map.of();
    }
    NamesPolicy policy = site.names().get();
    String domain = TxtRecordSet.normalize(site.settings().domain());
    int ttl = Math.toIntExact(policy.ttl().orElse(site.ttl()).toSeconds());
    Map<NameZone, Map<String, NameRecordSet>> zones = new TreeMap<>(NameRecords::order);
    NameZone forward = NameZone.forward(domain);
    for (NameEntry e : NameList.of(site)) {
      String name = e.label() + "." + domain;
      List<String> v4 = new ArrayList<>();
      List<String> v6 = new ArrayList<>();
      for (IpAddress a : e.addresses()) {
        (a.isV6() ? v6 : v4).add(a.toString());
        // NamesSpec.check refuses an address no reverse zone holds.
        NameZone reverse = NameZone.reverse(policy.reverseZoneOf(a).orElseThrow());
        add(
            zones,
            reverse,
            new NameRecordSet(ReverseNames.ptrName(a), NameRecordSet.Type.PTR, ttl, List.of(name)));
      }
      if (!v4.isEmpty()) {
        add(zones, forward, new NameRecordSet(name, NameRecordSet.Type.A, ttl, v4));
      }
      if (!v6.isEmpty()) {
        add(zones, forward, new NameRecordSet(name, NameRecordSet.Type.AAAA, ttl, v6));
      }
    }
    Map<NameZone, List<NameRecordSet>> out = new LinkedHashMap<>();
    zones.forEach((z, sets) -> out.put(z, List.copyOf(sets.values())));
    return out;
  }

  /** The forward zone first, then reverse zones by name. */
  static int order(NameZone a, NameZone b) {
    if (a.reverse() != b.reverse()) {
      return a.reverse() ? 1 : -1;
    }
    return a.name().compareTo(b.name());
  }

  /** Adds {@code set}, merging values with an RRset already there (one name, two entries). */
  private static void add(
      Map<NameZone, Map<String, NameRecordSet>> zones, NameZone zone, NameRecordSet set) {
    zones
        .computeIfAbsent(zone, z -> new TreeMap<>())
        .merge(
            set.key(),
            set,
            (old, add) -> {
              List<String> values = new ArrayList<>(old.values());
              values.addAll(add.values());
              return old.withValues(values);
            });
  }
}
