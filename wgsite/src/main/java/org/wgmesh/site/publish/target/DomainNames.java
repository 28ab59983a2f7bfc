package org.wgmesh.site.publish.target;

import java.util.LinkedHashMap;
import java.util.Map;
import org.wgmesh.core.dns.TxtRecordSet;

/** Name arithmetic the publishers share. */
public final class DomainNames {
  private DomainNames() {}

  /**
   * Whether {@code name} is {@code domain} or below it, comparing whole labels: {@code
   * a.mesh.example} is below {@code mesh.example}, {@code amesh.example} is not. Case and a
   * trailing dot do not matter.
   */
  public static boolean isAtOrBelow(String name, String domain) {
    String n = TxtRecordSet.normalize(name);
    String d = TxtRecordSet.normalize(domain);
    return n.equals(d) || n.endsWith("." + d);
  }

  /** The sets at or below {@code domain}, by name, in the given order. */
  public static Map<String, TxtRecordSet> atOrBelow(Iterable<TxtRecordSet> sets, String domain) {
    Map<String, TxtRecordSet> ours = new LinkedHashMap<>();
    for (TxtRecordSet set : sets) {
      if (isAtOrBelow(set.name(), domain)) {
        ours.put(set.name(), set);
      }
    }
    return ours;
  }
}
