package org.wgmesh.core.site;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshLinks;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpPrefix;

/**
 * The rules that span several entries of a site: nothing two hosts may share (uuid, hostname,
 * WireGuard key, also a previous key still in use before a key switch, number, ASN, LAN prefix),
 * numbers and ports in range, ASNs inside the site range, LAN prefixes inside the allowed ones,
 * retired numbers not in use. Used both when a file is read (where errors name the YAML line) and
 * whenever a {@link Site} is built in code.
 */
final class SiteRules {
  /** Says where a property is: {@code Property 'hosts[3].uuid' at line 14}, or without a line. */
  interface Locator {
    String where(String path);
  }

  static final Locator NO_LINES = path -> "Property '" + path + "'";

  private SiteRules() {}

  /**
   * @param asnRange the site's ASN range, empty where it is not known (a mesh read from records,
   *     which do not carry it: then only the uniqueness of ASNs is checked)
   * @throws ConfigException naming the first offending property and the one it collides with
   */
  static void check(
      String source,
      Locator at,
      MeshSettings settings,
      Optional<AsnRange> asnRange,
      List<HostEntry> hosts,
      List<RetiredHost> retired) {
    Map<UUID, Integer> uuids = new HashMap<>();
    Map<String, Integer> names = new HashMap<>();
    Map<Object, Integer> keys = new HashMap<>();
    Map<Integer, Integer> numbers = new HashMap<>();
    Map<Long, Integer> asns = new HashMap<>();
    List<Lan> lans = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      HostEntry h = hosts.get(i);
      String p = "hosts[" + i + "]";
      unique(source, at, uuids, h.uuid(), i, p + ".uuid", "uuid " + h.uuid());
      unique(source, at, names, h.hostname(), i, p + ".hostname", "hostname " + h.hostname());
      unique(source, at, keys, h.publicKey(), i, p + ".public-key", "public key " + h.publicKey());
      if (h.number() < 1 || h.number() > Addressing.MAX_HOST) {
        throw fail(
            source,
            at,
            p + ".number",
            "must be 1.." + Addressing.MAX_HOST + ", is " + h.number(),
            null);
      }
      if (settings.portbase() + h.number() > 65535) {
        throw fail(
            source,
            at,
            p + ".number",
            "port " + settings.portbase() + " + " + h.number() + " is above 65535",
            "lower 'portbase' so that portbase + the highest host number fits");
      }
      unique(
          source,
          at,
          numbers,
          h.number(),
          i,
          p + ".number",
          "number " + h.number() + " (port " + (settings.portbase() + h.number()) + ")");
      if (asnRange.isPresent() && !asnRange.get().contains(h.asn())) {
        throw fail(
            source,
            at,
            p + ".asn",
            "AS " + h.asn() + " is outside asn-range " + asnRange.get(),
            null);
      }
      unique(source, at, asns, h.asn(), i, p + ".asn", "AS " + h.asn());
      for (int j = 0; j < h.lanPrefixes().size(); j++) {
        IpPrefix lan = h.lanPrefixes().get(j);
        String lp = p + ".lan-prefixes[" + j + "]";
        if (settings.allowedLanPrefixes().stream().noneMatch(a -> a.contains(lan))) {
          throw fail(
              source,
              at,
              lp,
              lan + " is not inside allowed-lan-prefixes " + settings.allowedLanPrefixes(),
              "add a covering prefix to 'allowed-lan-prefixes' if this LAN belongs in the mesh");
        }
        if (lan.overlaps(settings.tunnelPrefix())) {
          throw fail(
              source, at, lp, lan + " overlaps the tunnel prefix " + settings.tunnelPrefix(), null);
        }
        lans.add(new Lan(lan, i, lp));
      }
    }
    checkLanOverlap(source, at, lans);
    checkPreviousKeys(source, at, hosts, keys);
    Map<Object, String> sharedAddresses = new HashMap<>();
    for (int i = 0; i < hosts.size(); i++) {
      List<IpPrefix> shared = hosts.get(i).sharedLans();
      for (int j = 0; j < shared.size(); j++) {
        String path = "hosts[" + i + "].shared-lans[" + j + "]";
        String prev = sharedAddresses.putIfAbsent(shared.get(j).network(), path);
        if (prev != null) {
          throw fail(
              source,
              at,
              path,
              "address " + shared.get(j).network() + " is also " + at.where(prev),
              "two hosts cannot have one address; list each host's own address on the LAN");
        }
      }
    }
    settings.overlay().ifPresent(o -> checkOverlay(source, at, settings, o, hosts, lans));
    MeshLinks.check(settings.topology(), hosts)
        .ifPresent(
            problem -> {
              throw fail(source, at, problem.field(), problem.why(), problem.hint());
            });
    Map<Integer, Integer> retiredNumbers = new HashMap<>();
    for (int i = 0; i < retired.size(); i++) {
      RetiredHost r = retired.get(i);
      String p = "retired[" + i + "].number";
      if (r.number() < 1 || r.number() > Addressing.MAX_HOST) {
        throw fail(source, at, p, "must be 1.." + Addressing.MAX_HOST + ", is " + r.number(), null);
      }
      if (numbers.containsKey(r.number())) {
        throw fail(
            source,
            at,
            p,
            "number "
                + r.number()
                + " is retired but also used by "
                + at.where("hosts[" + numbers.get(r.number()) + "].number"),
            "a retired number is free only after the removal is published");
      }
      Integer prev = retiredNumbers.put(r.number(), i);
      if (prev != null) {
        throw fail(
            source,
            at,
            p,
            "number "
                + r.number()
                + " is retired twice (also "
                + at.where("retired[" + prev + "].number")
                + ")",
            null);
      }
    }
  }

  private record Lan(IpPrefix prefix, int host, String path) {}

  /**
   * The VXLAN overlay (issue 25): its IPv4 network has an address for every host number, and
   * neither of its networks shares addresses with a LAN; an IPv6 /64 of the operator's lies outside
   * the tunnel prefix (whose /64s are links and the rows of {@link Addressing}).
   */
  private static void checkOverlay(
      String source,
      Locator at,
      MeshSettings settings,
      VxlanOverlay overlay,
      List<HostEntry> hosts,
      List<Lan> lans) {
    String v4 = "overlay.vxlan.ipv4";
    String v6 = "overlay.vxlan.ipv6";
    if (overlay.ipv4().isPresent()) {
      IpPrefix net = overlay.ipv4().get();
      long highest = VxlanOverlay.highestIpv4Host(net);
      for (int i = 0; i < hosts.size(); i++) {
        if (hosts.get(i).number() > highest) {
          throw fail(
              source,
              at,
              v4,
              net
                  + " has addresses for host numbers 1.."
                  + highest
                  + ", but "
                  + at.where("hosts[" + i + "].number")
                  + " is "
                  + hosts.get(i).number(),
              "give a larger network (host n gets the n-th address)");
        }
      }
    }
    boolean defaultV6 = overlay.ipv6().equals(Addressing.overlayNetwork6(settings.tunnelPrefix()));
    if (!defaultV6 && overlay.ipv6().overlaps(settings.tunnelPrefix())) {
      throw fail(
          source,
          at,
          v6,
          overlay.ipv6() + " is inside the tunnel prefix " + settings.tunnelPrefix(),
          "write 'default' for " + Addressing.overlayNetwork6(settings.tunnelPrefix()));
    }
    for (Lan l : lans) {
      for (IpPrefix net :
          overlay.ipv4().isPresent()
              ? List.of(overlay.ipv4().get(), overlay.ipv6())
              : List.of(overlay.ipv6())) {
        if (net.isV6() == l.prefix().isV6() && net.overlaps(l.prefix())) {
          throw fail(
              source,
              at,
              net.isV6() ? v6 : v4,
              net + " overlaps the LAN " + l.prefix() + " (" + at.where(l.path()) + ")",
              "the overlay needs addresses of its own");
        }
      }
    }
  }

  /**
   * A host's {@code previous-key} (a scheduled key switch) is still in use until the switch: it may
   * be neither another host's {@code public-key} nor another host's {@code previous-key}.
   */
  private static void checkPreviousKeys(
      String source, Locator at, List<HostEntry> hosts, Map<Object, Integer> publicKeys) {
    Map<Object, Integer> previous = new HashMap<>();
    for (int i = 0; i < hosts.size(); i++) {
      HostEntry h = hosts.get(i);
      if (h.keySwitch().isEmpty()) {
        continue;
      }
      Object from = h.keySwitch().get().from();
      String p = "hosts[" + i + "].previous-key";
      Integer owner = publicKeys.get(from);
      if (owner != null && owner != i) {
        throw fail(
            source,
            at,
            p,
            "is the public key of " + at.where("hosts[" + owner + "].public-key"),
            "each host needs its own key; a previous key stays in use until key-switch-at");
      }
      Integer prev = previous.putIfAbsent(from, i);
      if (prev != null) {
        throw fail(
            source,
            at,
            p,
            "duplicate previous key, already used by "
                + at.where("hosts[" + prev + "].previous-key"),
            "each host needs its own key; a previous key stays in use until key-switch-at");
      }
    }
  }

  /**
   * Sorted by address, any overlap is between neighbours-in-order or a containing earlier prefix.
   */
  private static void checkLanOverlap(String source, Locator at, List<Lan> lans) {
    List<Lan> sorted = new ArrayList<>(lans);
    sorted.sort(Comparator.comparing(Lan::prefix));
    // Keep the prefix that reaches furthest so far: a prefix that overlaps any earlier one overlaps
    // it.
    Lan widest = null;
    for (Lan l : sorted) {
      if (widest != null && widest.prefix().overlaps(l.prefix())) {
        throw fail(
            source,
            at,
            l.path(),
            l.prefix() + " overlaps " + widest.prefix() + " (" + at.where(widest.path()) + ")",
            "two LAN prefixes may not share addresses: BGP could not tell where to route them");
      }
      if (widest == null
          || !widest.prefix().contains(l.prefix())
          || widest.prefix().isV6() != l.prefix().isV6()) {
        widest = l;
      }
    }
  }

  private static <K> void unique(
      String source, Locator at, Map<K, Integer> seen, K key, int index, String path, String what) {
    Integer prev = seen.putIfAbsent(key, index);
    if (prev != null) {
      String field = path.substring(path.indexOf('.') + 1);
      throw fail(
          source,
          at,
          path,
          "duplicate " + what + ", already used by " + at.where("hosts[" + prev + "]." + field),
          null);
    }
  }

  private static ConfigException fail(
      String source, Locator at, String path, String why, String hint) {
    return new ConfigException(source, at.where(path) + ": " + why, hint);
  }
}
