package org.wgmesh.core.site;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * The rules of the {@code clients:} section (issue 25), checked against the hosts: names are DNS
 * labels unique among hosts and clients, numbers and keys unique (no host's key either), every
 * address inside its pool and used once, every attached host admitted and reachable (a public
 * endpoint: clients dial in), and the client ports clear of the hosts' ports. Used when a site file
 * is read (errors name the YAML line) and whenever a {@link Site} is built.
 */
final class ClientRules {
  /** A DNS label in lower case: letters, digits, inner hyphens, 1..63 characters. */
  static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** The most addresses a client has: one of each family. */
  static final int MAX_ADDRESSES = 2;

  private ClientRules() {}

  /**
   * @throws ConfigException naming the first offending property
   */
  static void check(
      String source,
      SiteRules.Locator at,
      MeshSettings settings,
      List<HostEntry> hosts,
      SiteClients clients) {
    if (!clients.present()) {
      return;
    }
    ClientSettings s = clients.settings();
    s.pool4()
        .ifPresent(
            p -> {
              if (p.isV6() || !p.masked().equals(p) || p.length() > 30) {
                throw fail(
                    source,
                    at,
                    "clients.pool-ipv4",
                    p + " is not an IPv4 network of /30 or larger",
                    "e.g. 198.51.100.0/24");
              }
            });
    IpPrefix pool6 = s.pool6(settings.tunnelPrefix());
    if (!pool6.isV6() || !pool6.masked().equals(pool6) || pool6.length() > 126) {
      throw fail(
          source,
          at,
          "clients.pool-ipv6",
          pool6 + " is not an IPv6 network of /126 or larger",
          "write default (" + Addressing.clientPool6(settings.tunnelPrefix()) + ") or a prefix");
    }
    for (IpPrefix pool : s.pools(settings.tunnelPrefix())) {
      for (HostEntry h : hosts) {
        for (IpPrefix lan : h.lanPrefixes()) {
          if (lan.overlaps(pool)) {
            throw fail(
                source,
                at,
                pool.isV6() ? "clients.pool-ipv6" : "clients.pool-ipv4",
                "client pool " + pool + " overlaps LAN " + lan + " of host " + h.hostname(),
                "choose a pool no LAN uses");
          }
        }
      }
    }
    int portBase = s.portBase(settings.portbase());
    Set<String> hostNames = new HashSet<>();
    Map<X25519PublicKey, String> hostKeys = new HashMap<>();
    Map<String, HostEntry> byName = new HashMap<>();
    for (HostEntry h : hosts) {
      hostNames.add(h.hostname());
      byName.put(h.hostname(), h);
      hostKeys.put(h.publicKey(), h.hostname());
    }
    Map<String, Integer> names = new HashMap<>();
    Map<Integer, Integer> numbers = new HashMap<>();
    Map<X25519PublicKey, Integer> keys = new HashMap<>();
    Map<IpAddress, Integer> addresses = new HashMap<>();
    List<SiteClient> list = clients.list();
    for (int i = 0; i < list.size(); i++) {
      SiteClient c = list.get(i);
      String p = "clients.list[" + i + "]";
      if (!NAME.matcher(c.name()).matches()) {
        throw fail(
            source,
            at,
            p + ".name",
            "'" + c.name() + "' is not a DNS label",
            "use 1-63 lower-case letters, digits and inner hyphens, e.g. anna-laptop");
      }
      if (hostNames.contains(c.name())) {
        throw fail(
            source,
            at,
            p + ".name",
            "'" + c.name() + "' is the name of a host",
            "names are unique among hosts and clients: choose another");
      }
      unique(source, at, names, c.name(), i, p + ".name", "name " + c.name());
      if (c.number() < 1 || c.number() > Addressing.MAX_CLIENT) {
        throw fail(
            source,
            at,
            p + ".number",
            "must be 1.." + Addressing.MAX_CLIENT + ", is " + c.number(),
            null);
      }
      unique(source, at, numbers, c.number(), i, p + ".number", "number " + c.number());
      int port = portBase + c.number();
      if (port > 65535) {
        throw fail(
            source,
            at,
            p + ".number",
            "port " + portBase + " + " + c.number() + " is above 65535",
            "lower clients.port-base");
      }
      int asHost = port - settings.portbase();
      for (HostEntry h : hosts) {
        if (h.number() == asHost) {
          throw fail(
              source,
              at,
              p + ".number",
              "port "
                  + port
                  + " is also the port of host "
                  + h.hostname()
                  + " (portbase "
                  + settings.portbase()
                  + " + "
                  + h.number()
                  + ")",
              "set clients.port-base clear of portbase + every host number");
        }
      }
      String hostKey = hostKeys.get(c.publicKey());
      if (hostKey != null) {
        throw fail(
            source,
            at,
            p + ".public-key",
            "is the WireGuard key of host " + hostKey,
            "every client has a key of its own");
      }
      unique(source, at, keys, c.publicKey(), i, p + ".public-key", "public key " + c.publicKey());
      checkAddresses(source, at, settings, s, c, p, addresses, i);
      checkAttach(source, at, byName, c, p);
    }
  }

  private static void checkAddresses(
      String source,
      SiteRules.Locator at,
      MeshSettings settings,
      ClientSettings s,
      SiteClient c,
      String p,
      Map<IpAddress, Integer> seen,
      int index) {
    if (c.addresses().isEmpty() || c.addresses().size() > MAX_ADDRESSES) {
      throw fail(
          source,
          at,
          p + ".addresses",
          "a client has one or two addresses (one of each family), has " + c.addresses().size(),
          null);
    }
    if (c.addresses().size() == 2 && c.addresses().get(0).isV6() == c.addresses().get(1).isV6()) {
      throw fail(source, at, p + ".addresses", "two addresses of one family", "give one of each");
    }
    for (int j = 0; j < c.addresses().size(); j++) {
      IpAddress a = c.addresses().get(j);
      String ap = p + ".addresses[" + j + "]";
      IpPrefix pool =
          a.isV6()
              ? s.pool6(settings.tunnelPrefix())
              : s.pool4()
                  .orElseThrow(
                      () ->
                          fail(
                              source,
                              at,
                              ap,
                              a + " is IPv4, but the site has no clients.pool-ipv4",
                              "set pool-ipv4, or give the client only an IPv6 address"));
      if (!ClientPools.inside(pool, a)) {
        throw fail(
            source,
            at,
            ap,
            a + " is outside the client pool " + pool + " (or is its first or last address)",
            "give an address inside the pool, or leave it to the site");
      }
      Integer prev = seen.putIfAbsent(a, index);
      if (prev != null) {
        throw fail(
            source,
            at,
            ap,
            "address " + a + " is already used by " + at.where("clients.list[" + prev + "]"),
            null);
      }
    }
  }

  private static void checkAttach(
      String source, SiteRules.Locator at, Map<String, HostEntry> hosts, SiteClient c, String p) {
    if (c.attach().isEmpty()) {
      throw fail(source, at, p + ".attach", "names no host", "name the hosts it dials in to");
    }
    Set<String> seen = new HashSet<>();
    for (int j = 0; j < c.attach().size(); j++) {
      String name = c.attach().get(j);
      String ap = p + ".attach[" + j + "]";
      HostEntry h = hosts.get(name);
      if (h == null) {
        throw fail(
            source, at, ap, "unknown host '" + name + "'", "name admitted hosts (wgsite --list)");
      }
      if (!h.isPublic()) {
        throw fail(
            source,
            at,
            ap,
            "host " + name + " has no public endpoint: clients dial in and could not reach it",
            "attach the client to hosts with endpoint addresses");
      }
      if (!seen.add(name)) {
        throw fail(source, at, ap, "host " + name + " is named twice", null);
      }
    }
  }

  private static <K> void unique(
      String source,
      SiteRules.Locator at,
      Map<K, Integer> seen,
      K key,
      int index,
      String path,
      String what) {
    Integer prev = seen.putIfAbsent(key, index);
    if (prev != null) {
      String field = path.substring(path.lastIndexOf('.') + 1);
      throw fail(
          source,
          at,
          path,
          "duplicate "
              + what
              + ", already used by "
              + at.where("clients.list[" + prev + "]." + field),
          null);
    }
  }

  private static ConfigException fail(
      String source, SiteRules.Locator at, String path, String why, String hint) {
    return new ConfigException(source, at.where(path) + ": " + why, hint);
  }
}
