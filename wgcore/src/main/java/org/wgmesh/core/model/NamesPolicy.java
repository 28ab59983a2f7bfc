package org.wgmesh.core.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.net.ReverseNames;

/**
 * The site file's {@code names:} section (issue 25): {@code wgpub} writes A/AAAA records {@code
 * <hostname>.<domain>} for every host (and client) and PTR records in reverse zones pointing back
 * at them. Without the section no name record is written. See docs/site-file.md, "names".
 *
 * @param addresses which addresses a host's names carry: its mesh address or its LAN addresses
 * @param ttl the TTL of the name records; empty: the site's {@code ttl}
 * @param reverseZones the reverse zones PTRs go into, lower case without trailing dot; empty:
 *     derived per address ({@link ReverseNames#defaultZone})
 * @param lanAddresses per hostname, the addresses its names carry with {@code addresses: lan}
 *     instead of its {@code shared-lans} addresses; may name hosts not admitted yet
 */
public record NamesPolicy(
    Addresses addresses,
    Optional<Duration> ttl,
    List<String> reverseZones,
    Map<String, List<IpAddress>> lanAddresses) {

  /** Which addresses a host's A/AAAA records carry. */
  public enum Addresses {
    /** The host's mesh address {@code P:0:1::n} on its namespace loopback (AAAA only). */
    TUNNEL,
    /**
     * The host's own addresses on its LANs: {@code lan-addresses}, else its shared-LAN addresses.
     */
    LAN;

    /** As the site file writes it. */
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public NamesPolicy {
    Objects.requireNonNull(addresses, "addresses");
    Objects.requireNonNull(ttl, "ttl");
    reverseZones = List.copyOf(reverseZones);
    Map<String, List<IpAddress>> copy = new LinkedHashMap<>();
    lanAddresses.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    lanAddresses = Collections.unmodifiableMap(copy);
  }

  /**
   * The addresses host {@code h}'s A/AAAA records carry, sorted; empty when {@code addresses: lan}
   * and the site knows no LAN address of it (the site's validation refuses that).
   */
  public List<IpAddress> addressesOf(HostEntry h, IpPrefix tunnelPrefix) {
    List<IpAddress> out = new ArrayList<>();
    if (addresses == Addresses.TUNNEL) {
      out.add(Addressing.meshAddress(tunnelPrefix, h.number()));
    } else if (lanAddresses.containsKey(h.hostname())) {
      out.addAll(lanAddresses.get(h.hostname()));
    } else {
      h.sharedLans().forEach(p -> out.add(p.network()));
    }
    out.sort(null);
    return out;
  }

  /** The reverse zone {@code a}'s PTR goes into: the most specific listed one, or the default. */
  public Optional<String> reverseZoneOf(IpAddress a) {
    return reverseZones.isEmpty()
        ? Optional.of(ReverseNames.defaultZone(a))
        : ReverseNames.zoneFor(a, reverseZones);
  }
}
