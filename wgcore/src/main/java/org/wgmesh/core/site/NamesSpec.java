package org.wgmesh.core.site;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.NamesPolicy;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.net.ReverseNames;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.yaml.YamlNode;

/**
 * The site file's {@code names:} section (issue 25) read into a {@link NamesPolicy}, written back,
 * and checked against the hosts. Beside {@link SiteSpec} like {@link EnrolmentSpec}; every error
 * names the key path and line.
 */
final class NamesSpec {
  static final String KEY = "names";
  static final Set<String> KEYS = Set.of("addresses", "ttl", "reverse-zones", "lan-addresses");

  private NamesSpec() {}

  /** Reads the section; the cross-host rules are {@link #check}. */
  static NamesPolicy parse(YamlNode n) {
    Map<String, YamlNode> e = n.entries(KEYS);
    YamlNode addrNode = n.require(e, "addresses");
    NamesPolicy.Addresses addresses =
        switch (addrNode.text()) {
          case "tunnel" -> NamesPolicy.Addresses.TUNNEL;
          case "lan" -> NamesPolicy.Addresses.LAN;
          default ->
              throw addrNode.error(
                  "unknown addresses '" + addrNode.text() + "'",
                  "use tunnel (each host's mesh address) or lan (its LAN addresses)");
        };
    Optional<Duration> ttl =
        YamlNode.optional(e, "ttl")
            .map(
                t -> {
                  Duration d = t.as(s -> Durations.parse(s, t.path()));
                  if (d.getSeconds() < 1 || d.getSeconds() > 86400) {
                    throw t.error(Durations.format(d) + " is out of range 1s..1d");
                  }
                  return d;
                });
    List<String> zones = new ArrayList<>();
    Map<String, YamlNode> seenZones = new HashMap<>();
    for (YamlNode z :
        YamlNode.optional(e, "reverse-zones").map(YamlNode::items).orElse(List.of())) {
      String zone = z.as(t -> ReverseNames.checkZone(t, "reverse zone"));
      YamlNode prev = seenZones.putIfAbsent(zone, z);
      if (prev != null) {
        throw z.error("reverse zone " + zone + " is listed twice (also line " + prev.line() + ")");
      }
      zones.add(zone);
    }
    Map<String, List<IpAddress>> lan = new LinkedHashMap<>();
    Optional<YamlNode> lanNode = YamlNode.optional(e, "lan-addresses");
    if (lanNode.isPresent() && addresses != NamesPolicy.Addresses.LAN) {
      throw lanNode.get().error("only goes with addresses: lan", "remove it, or write lan");
    }
    if (lanNode.isPresent()) {
      for (Map.Entry<String, YamlNode> h : lanNode.get().entries().entrySet()) {
        String host = Registration.checkHostname(h.getKey(), "host name");
        List<IpAddress> list = new ArrayList<>();
        for (YamlNode a : h.getValue().items()) {
          list.add(a.as(t -> IpAddress.parse(t, "LAN address")));
        }
        if (list.isEmpty()) {
          throw h.getValue().error("lists no address", "give the host's addresses on its LANs");
        }
        lan.put(host, list);
      }
    }
    return new NamesPolicy(addresses, ttl, zones, lan);
  }

  /** The section as the site file writes it. */
  static Map<String, Object> render(NamesPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("addresses", p.addresses().text());
    p.ttl().ifPresent(t -> m.put("ttl", Durations.format(t)));
    if (!p.reverseZones().isEmpty()) {
      m.put("reverse-zones", p.reverseZones());
    }
    if (!p.lanAddresses().isEmpty()) {
      Map<String, Object> lan = new LinkedHashMap<>();
      p.lanAddresses().forEach((h, l) -> lan.put(h, l.stream().map(IpAddress::toString).toList()));
      m.put("lan-addresses", lan);
    }
    return m;
  }

  /**
   * The rules between the names and the hosts and clients: every name a valid DNS name that is no
   * record name wgmesh already uses under the domain (a host called {@code h2} would shadow host
   * 2's record, a client called {@code c2} client 2's); with {@code addresses: lan} every host has
   * an address, each inside one of its LANs; no address carried by two names (its PTR would point
   * at both); every address in a reverse zone. A client's names carry its pool addresses.
   *
   * @param what the site file (and line) for the error
   * @throws ConfigException naming the host or client and what is wrong
   */
  static void check(
      NamesPolicy p,
      MeshSettings settings,
      List<HostEntry> hosts,
      List<SiteClient> clients,
      String what) {
    Map<IpAddress, String> owners = new HashMap<>();
    for (HostEntry h : hosts) {
      String who = "host " + h.hostname() + " (h" + h.number() + ")";
      List<IpAddress> addresses = p.addressesOf(h, settings.tunnelPrefix());
      if (addresses.isEmpty()) {
        throw new ConfigException(
            what,
            who + ": names.addresses is lan, but the site knows no LAN address of this host",
            "give it shared-lans, or list its addresses under names.lan-addresses." + h.hostname());
      }
      if (p.lanAddresses().containsKey(h.hostname())) {
        for (IpAddress a : addresses) {
          if (!insideLans(a, h)) {
            throw new ConfigException(
                what,
                who + ": LAN address " + a + " is in none of its lan-prefixes or shared-lans",
                "give an address on one of the host's LANs");
          }
        }
      }
      checkName(p, settings, what, who, h.hostname(), addresses, owners);
    }
    for (SiteClient c : clients) {
      String who = "client " + c.name() + " (c" + c.number() + ")";
      checkName(p, settings, what, who, c.name(), c.addresses(), owners);
    }
  }

  /** The rules every name has, host's or client's; {@code owners} collects the addresses. */
  private static void checkName(
      NamesPolicy p,
      MeshSettings settings,
      String what,
      String who,
      String label,
      List<IpAddress> addresses,
      Map<IpAddress, String> owners) {
    String domain = settings.domain();
    String name = label + "." + domain;
    try {
      DomainName.checkLabels(name, "name");
    } catch (InputException e) {
      throw new ConfigException(
          what, who + ": name " + name + ": " + e.why(), "use a shorter name or domain");
    }
    if (isRecordLabel(label)) {
      throw new ConfigException(
          what,
          who + ": its name " + name + " is the name of a wgmesh record under " + domain,
          "rename it: names h<number> and c<number> are the host and client records'"
              + " (docs/record-format.md)");
    }
    for (IpAddress a : addresses) {
      String other = owners.putIfAbsent(a, who);
      if (other != null) {
        throw new ConfigException(
            what,
            who + ": address " + a + " is also " + other + "'s",
            "each address has one PTR: give each its own");
      }
      if (p.reverseZoneOf(a).isEmpty()) {
        throw new ConfigException(
            what,
            who
                + ": no reverse zone in names.reverse-zones holds "
                + a
                + " ("
                + ReverseNames.ptrName(a)
                + ")",
            "add its reverse zone, e.g. " + ReverseNames.defaultZone(a));
      }
    }
  }

  /**
   * {@code h<number>} and {@code c<number>}: the labels of host and client records ({@code
   * RecordNames}).
   */
  private static final Pattern HOST_RECORD_LABEL = Pattern.compile("[hc][1-9][0-9]{0,4}");

  /**
   * Whether {@code hostname} as the label below the domain is the name of a wgmesh record ({@code
   * RecordNames.isOurs}, which this package cannot use: core.record depends on it): a host record
   * {@code h<1..65535>} or a client record {@code c<1..65535>}. Key records ({@code _key.<kid>})
   * cannot clash: a host name has no {@code _}.
   */
  static boolean isRecordLabel(String hostname) {
    return HOST_RECORD_LABEL.matcher(hostname).matches()
        && Integer.parseInt(hostname.substring(1)) <= 65535;
  }

  private static boolean insideLans(IpAddress a, HostEntry h) {
    IpPrefix host = new IpPrefix(a, a.isV6() ? 128 : 32);
    return h.lanPrefixes().stream().anyMatch(l -> l.contains(host))
        || h.sharedLans().stream().anyMatch(l -> l.masked().contains(host));
  }
}
