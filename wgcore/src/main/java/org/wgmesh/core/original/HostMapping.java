package org.wgmesh.core.original;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;

/**
 * The hosts of an original site as {@link HostEntry}s (issue 26): uuid, hostname, number (the
 * octet), AS and key kept; what the original allowed but the new site cannot hold is changed and
 * noted, or refused naming both properties when only the admin can choose (two hosts with one
 * octet, AS, key or name).
 */
final class HostMapping {
  /** The original's octets above this broke its tester prefix ({@code 192.168.100+o}). */
  private static final int ORIGINAL_SAFE_OCTET = 155;

  /** The fields a change report names after a host, that count it as not kept as it was. */
  private static final List<String> IDENTITY_FIELDS = List.of("hostname", "number", "asn");

  private final OriginalSite original;
  private final ImportOptions options;
  private final ImportNotes notes;
  private AsnRange asnRange;

  HostMapping(OriginalSite original, ImportOptions options, ImportNotes notes) {
    this.original = original;
    this.options = options;
    this.notes = notes;
  }

  /** The ASN range, widened by any kept AS outside it ({@link #map} first). */
  AsnRange asnRange() {
    return asnRange;
  }

  List<HostEntry> map(List<OriginalHost> hosts) {
    asnRange = range();
    Map<UUID, List<IpPrefix>> nodeLans = nodeLans(hosts);
    Map<String, String> hostnames = hostnames(hosts);
    unique(hosts, "public_key_encoded", h -> h.publicKey().toBase64(), "key");
    Map<UUID, Integer> numbers = numbers(hosts);
    Map<UUID, Long> asns = asns(hosts);
    Set<String> lanHosts = new HashSet<>(options.lans().keySet());
    List<HostEntry> out = new ArrayList<>();
    for (OriginalHost h : hosts) {
      String name = hostnames.get(h.uuid().toString());
      List<IpPrefix> lans = new ArrayList<>();
      h.localNetworks().ifPresent(n -> lans.addAll(localNetworks(h, n)));
      lans.addAll(nodeLans.getOrDefault(h.uuid(), List.of()));
      lans.addAll(options.lans().getOrDefault(name, List.of()));
      lanHosts.remove(name);
      out.add(
          HostEntry.builder()
              .uuid(h.uuid())
              .hostname(name)
              .number(numbers.get(h.uuid()))
              .asn(asns.get(h.uuid()))
              .publicKey(h.publicKey())
              .endpoints(endpoints(h, name))
              .lanPrefixes(List.copyOf(new LinkedHashSet<>(lans)))
              .build());
    }
    if (!lanHosts.isEmpty()) {
      throw new InputException(
          "--lan",
          "no imported host is named " + lanHosts,
          "give HOSTNAME=PREFIX of an imported host");
    }
    Set<String> changedHosts = new HashSet<>();
    for (ImportReport.Change c : notes.changed) {
      for (String field : IDENTITY_FIELDS) {
        if (c.subject().endsWith(" " + field)) {
          changedHosts.add(c.subject().substring(0, c.subject().length() - field.length() - 1));
        }
      }
    }
    notes.kept(
        (hosts.size() - changedHosts.size())
            + " of "
            + hosts.size()
            + " hosts with uuid, hostname, number (= octet), AS and key unchanged"
            + (changedHosts.isEmpty() ? "" : " (the others: see changed)"));
    return out;
  }

  private AsnRange range() {
    if (options.asnRange().isPresent()) {
      AsnRange r = AsnRange.parse(options.asnRange().get(), "--asn-range");
      notes.changed("asn-range", original.asnRange(), r, "--asn-range");
      return r;
    }
    try {
      AsnRange r = AsnRange.parse(original.asnRange(), "global.asn_range");
      notes.kept("asn-range " + r);
      return r;
    } catch (InputException e) {
      throw new ConfigException(
          original.source(),
          "Property 'global.asn_range': " + e.why(),
          "give a private range with --asn-range (hosts' private AS numbers are kept)");
    }
  }

  private Map<String, String> hostnames(List<OriginalHost> hosts) {
    Map<String, String> out = new HashMap<>();
    Map<String, OriginalHost> seen = new HashMap<>();
    for (OriginalHost h : hosts) {
      String name;
      try {
        name = Registration.checkHostname(h.hostname(), "hostname");
      } catch (InputException e) {
        throw new ConfigException(
            original.source(),
            h.where("hostname") + ": " + e.why(),
            "rename the host in a copy of the original file, or leave it out with --exclude "
                + h.uuid());
      }
      OriginalHost other = seen.putIfAbsent(name, h);
      if (other != null) {
        throw duplicate(h, other, "hostname", "hostname " + name);
      }
      if (!name.equals(h.hostname())) {
        notes.changed(subject(h, "hostname"), h.hostname(), name, "host names are lower case");
      }
      out.put(h.uuid().toString(), name);
    }
    return out;
  }

  private void unique(
      List<OriginalHost> hosts,
      String property,
      Function<OriginalHost, Object> value,
      String what) {
    Map<Object, OriginalHost> seen = new HashMap<>();
    for (OriginalHost h : hosts) {
      OriginalHost other = seen.putIfAbsent(value.apply(h), h);
      if (other != null) {
        throw duplicate(h, other, property, what + " " + value.apply(h));
      }
    }
  }

  private ConfigException duplicate(
      OriginalHost h, OriginalHost other, String property, String what) {
    return new ConfigException(
        original.source(),
        h.where(property) + ": duplicate " + what + ", already used by " + other.where(property),
        "the original allowed it but the two hosts could not link; fix a copy of the file, or"
            + " leave one out with --exclude");
  }

  /** Octets kept as numbers; unassigned ones get the lowest free numbers. */
  private Map<UUID, Integer> numbers(List<OriginalHost> hosts) {
    Map<UUID, Integer> out = new HashMap<>();
    Map<Long, OriginalHost> seen = new HashMap<>();
    List<OriginalHost> unassigned = new ArrayList<>();
    for (OriginalHost h : hosts) {
      long o = h.octet();
      if (o < 1) { // OriginalYaml refuses octets above Addressing.MAX_HOST
        unassigned.add(h);
        continue;
      }
      OriginalHost other = seen.putIfAbsent(o, h);
      if (other != null) {
        throw duplicate(h, other, "octet", "octet " + o);
      }
      out.put(h.uuid(), (int) o);
      if (o > ORIGINAL_SAFE_OCTET) {
        notes.kept(
            h.hostname()
                + " number "
                + o
                + " (the original's tester prefix, router id or veth addresses broke at this octet;"
                + " numbering here holds up to "
                + Addressing.MAX_HOST
                + ")");
      }
    }
    int next = 1;
    for (OriginalHost h : unassigned) {
      while (seen.containsKey((long) next)) {
        next++;
      }
      seen.put((long) next, h);
      out.put(h.uuid(), next);
      notes.changed(
          subject(h, "number"),
          h.octet(),
          next,
          "the original never assigned it an octet: the lowest free number");
    }
    return out;
  }

  /** Private ASNs kept (widening the range when outside it); the rest get the lowest free. */
  private Map<UUID, Long> asns(List<OriginalHost> hosts) {
    Map<UUID, Long> out = new HashMap<>();
    Map<Long, OriginalHost> seen = new HashMap<>();
    List<OriginalHost> fresh = new ArrayList<>();
    for (OriginalHost h : hosts) {
      if (!AsnRange.isPrivate(h.asn())) {
        fresh.add(h);
        continue;
      }
      OriginalHost other = seen.putIfAbsent(h.asn(), h);
      if (other != null) {
        throw duplicate(h, other, "asn", "AS " + h.asn());
      }
      out.put(h.uuid(), h.asn());
      if (!asnRange.contains(h.asn())) {
        asnRange = AsnRange.parse(asnRange + "," + h.asn(), "asn-range");
        notes.changed("asn-range", "without " + h.asn(), asnRange, h.hostname() + "'s AS is kept");
      }
    }
    long from = Long.MIN_VALUE;
    for (OriginalHost h : fresh) {
      long a = asnRange.lowestFree(seen.keySet(), from);
      if (a < 0) {
        throw new ConfigException(
            original.source(),
            h.where("asn") + ": no free AS number left in " + asnRange,
            "give a larger private range with --asn-range");
      }
      seen.put(a, h);
      from = a;
      out.put(h.uuid(), a);
      notes.changed(
          subject(h, "asn"),
          h.asn(),
          a,
          h.asn() == -1
              ? "the original never assigned one: the lowest free in the range"
              : "not a private AS number (RFC 6996): the lowest free in the range");
    }
    return out;
  }

  /** {@code local_ipv4} then {@code local_ipv6}, as peers can use them. */
  private List<IpAddress> endpoints(OriginalHost h, String name) {
    Set<IpAddress> out = new LinkedHashSet<>();
    addEndpoints(h, name, "local_ipv4", h.localIpv4(), out);
    addEndpoints(h, name, "local_ipv6", h.localIpv6(), out);
    return List.copyOf(out);
  }

  private void addEndpoints(
      OriginalHost h, String name, String property, List<String> values, Set<IpAddress> out) {
    for (String v : values) {
      IpAddress a;
      int length;
      try {
        if (v.contains("/")) {
          IpPrefix p = IpPrefix.parseInterface(v.strip(), property);
          a = p.network();
          length = p.length();
        } else {
          a = IpAddress.parse(v.strip(), property);
          length = a.isV6() ? 128 : 32;
        }
      } catch (InputException e) {
        throw new ConfigException(
            original.source(),
            h.where(property) + ": " + e.why(),
            "the original stores only addresses here; fix the hand edit in a copy");
      }
      var ia = a.address();
      if (ia.isAnyLocalAddress()
          || ia.isLoopbackAddress()
          || ia.isMulticastAddress()
          || ia.isLinkLocalAddress()) {
        notes.changed(
            name + " endpoint",
            v,
            "(dropped)",
            "peers cannot reach it (unspecified, loopback, multicast or link-local)");
        continue;
      }
      if (length != (a.isV6() ? 128 : 32)) {
        notes.changed(name + " endpoint", v, a, "an endpoint is an address, not a network");
      }
      out.add(a);
    }
  }

  /** What a change report names: the host as imported (lower case), then the field. */
  private static String subject(OriginalHost h, String field) {
    return h.hostname().toLowerCase(Locale.ROOT) + " " + field;
  }

  /** {@code local_networks}: unused by the original, but an admin may have filled it in. */
  private List<IpPrefix> localNetworks(OriginalHost h, String text) {
    List<IpPrefix> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        out.add(IpPrefix.parse(part.strip(), "local_networks"));
      } catch (InputException e) {
        throw new ConfigException(
            original.source(),
            h.where("local_networks") + ": " + e.why(),
            "write comma-separated network prefixes, e.g. 10.0.1.0/24");
      }
    }
    return out;
  }

  /** The trust networks of the node files, by uuid; each file must belong to this site. */
  private Map<UUID, List<IpPrefix>> nodeLans(List<OriginalHost> hosts) {
    Map<UUID, OriginalHost> byUuid = new HashMap<>();
    original.hosts().forEach(h -> byUuid.put(h.uuid(), h));
    Set<UUID> chosen = new HashSet<>();
    hosts.forEach(h -> chosen.add(h.uuid()));
    Map<UUID, List<IpPrefix>> out = new LinkedHashMap<>();
    Map<UUID, String> seen = new HashMap<>();
    for (OriginalNode n : options.nodes()) {
      if (!n.sitePublicKey().equals(original.publicKey())) {
        throw nodeError(
            n,
            "site_pubkey",
            "is "
                + n.sitePublicKey().toBase64()
                + ", not this site's "
                + original.publicKey().toBase64(),
            "the node file belongs to another original site");
      }
      OriginalHost h = byUuid.get(n.uuid());
      if (h == null) {
        throw nodeError(
            n,
            "uuid",
            n.uuid() + " is not a host of " + original.source(),
            "admit it on the original first, or leave its node file out");
      }
      if (!h.hostname().equalsIgnoreCase(n.hostname())) {
        throw nodeError(
            n,
            "hostname",
            "'" + n.hostname() + "' but the site has '" + h.hostname() + "' for " + n.uuid(),
            "the node file and the site file disagree: fix a copy of one");
      }
      String prev = seen.put(n.uuid(), n.source());
      if (prev != null) {
        throw nodeError(
            n,
            "uuid",
            n.uuid() + " is also the host of " + prev,
            "give each host's node file once");
      }
      if (!chosen.contains(n.uuid())) {
        continue;
      }
      List<IpPrefix> lans = new ArrayList<>();
      for (String t : n.trustAddresses()) {
        try {
          lans.add(IpPrefix.parseInterface(t.strip(), "trust_address").masked());
        } catch (InputException e) {
          throw nodeError(
              n, "trust_address", e.why(), "list the LAN interface's addresses, e.g. 10.0.1.1/24");
        }
      }
      out.put(n.uuid(), lans);
    }
    return out;
  }

  private static ConfigException nodeError(
      OriginalNode n, String property, String why, String hint) {
    return new ConfigException(n.source(), "Property 'local." + property + "': " + why, hint);
  }

  /**
   * LAN prefixes must stay out of the tunnel prefix and may not overlap between hosts: each is
   * routed to its one host.
   */
  void checkLans(List<HostEntry> entries, IpPrefix tunnel) {
    Map<IpPrefix, String> owners = new LinkedHashMap<>();
    for (HostEntry e : entries) {
      for (IpPrefix lan : e.lanPrefixes()) {
        if (lan.overlaps(tunnel)) {
          throw new InputException(
              e.hostname() + " LAN " + lan,
              "overlaps the tunnel prefix " + tunnel,
              "give another --tunnel-prefix");
        }
        for (Map.Entry<IpPrefix, String> o : owners.entrySet()) {
          if (!o.getValue().equals(e.hostname()) && o.getKey().overlaps(lan)) {
            throw new InputException(
                e.hostname() + " LAN " + lan,
                "overlaps " + o.getValue() + "'s LAN " + o.getKey(),
                "each LAN prefix belongs to one host: correct the node file or --lan");
          }
        }
        owners.putIfAbsent(lan, e.hostname());
      }
    }
  }
}
