package org.wgmesh.core.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * Which hosts link to which, from the {@link Topology} and the member entries alone: the pure link
 * computation every endpoint runs for itself and the site runs to validate. Symmetric by
 * construction: {@link #linked} does not depend on the order of its arguments, and both ends of a
 * shared-LAN link pick the same network.
 *
 * <p>The rules, for every policy:
 *
 * <ul>
 *   <li>{@link Topology.FullMesh}: two hosts link when at least one of them has a public address
 *       ({@link HostEntry#isPublic()}); two hosts behind NAT cannot reach each other directly and
 *       are routed through the public hosts (every host is transit).
 *   <li>{@link Topology.HubAndSpoke}: two hubs always link; a hub and a spoke link when the hub is
 *       one of {@link Topology.HubAndSpoke#hubsOf(int) the spoke's hubs}; two spokes do not link.
 *   <li>The same-LAN shortcut, in every policy: two hosts with addresses in one network of their
 *       {@link HostEntry#sharedLans()} always link, over that network.
 * </ul>
 */
public final class MeshLinks {
  private MeshLinks() {}

  /** How a link reaches the peer. */
  public enum Via {
    /** The peer's public address (or none: the peer is behind NAT and dials in). */
    PUBLIC,
    /** The peer's address on a network both hosts list in {@link HostEntry#sharedLans()}. */
    SHARED_LAN
  }

  /**
   * One link, seen from one end.
   *
   * @param peer the host at the other end
   * @param via how the peer is reached
   * @param endpoint the peer's address to send to; empty when it is behind NAT (it dials in)
   */
  public record Link(HostEntry peer, Via via, Optional<IpAddress> endpoint) {}

  /**
   * A reason the policy cannot serve the hosts.
   *
   * @param field the site-file property at fault, e.g. {@code topology.hubs}
   * @param why what is wrong, naming the host
   * @param hint what to do, or null
   */
  public record Problem(String field, String why, String hint) {}

  /** Whether hosts {@code a} and {@code b} (different hosts) link; symmetric. */
  public static boolean linked(Topology topology, HostEntry a, HostEntry b) {
    if (a.number() == b.number()) {
      return false;
    }
    if (sharedNetwork(a, b).isPresent()) {
      return true;
    }
    if (topology instanceof Topology.HubAndSpoke hs) {
      boolean ha = hs.isHub(a.number());
      boolean hb = hs.isHub(b.number());
      if (ha && hb) {
        return true;
      }
      if (ha) {
        return hs.hubsOf(b.number()).contains(a.number());
      }
      if (hb) {
        return hs.hubsOf(a.number()).contains(b.number());
      }
      return false;
    }
    return a.isPublic() || b.isPublic();
  }

  /**
   * The links of {@code self}, ordered by peer number.
   *
   * @param members every member of the mesh (self among them or not)
   */
  public static List<Link> linksOf(Topology topology, HostEntry self, List<HostEntry> members) {
    List<HostEntry> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparingInt(HostEntry::number));
    List<Link> out = new ArrayList<>();
    List<Integer> myHubs =
        topology instanceof Topology.HubAndSpoke hs && !hs.isHub(self.number())
            ? hs.hubsOf(self.number())
            : null;
    for (HostEntry peer : sorted) {
      if (peer.number() == self.number()) {
        continue;
      }
      Optional<IpPrefix> lan = sharedNetwork(self, peer);
      boolean link;
      if (lan.isPresent()) {
        link = true;
      } else if (myHubs != null) {
        link = myHubs.contains(peer.number());
      } else {
        link = linked(topology, self, peer);
      }
      if (!link) {
        continue;
      }
      if (lan.isPresent()) {
        out.add(new Link(peer, Via.SHARED_LAN, addressIn(peer, lan.get())));
      } else {
        out.add(new Link(peer, Via.PUBLIC, publicEndpoint(self, peer)));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The network both hosts list in {@link HostEntry#sharedLans()} (the lowest one when they share
   * several, so both ends pick the same), if any.
   */
  public static Optional<IpPrefix> sharedNetwork(HostEntry a, HostEntry b) {
    if (a.sharedLans().isEmpty() || b.sharedLans().isEmpty()) {
      return Optional.empty();
    }
    Set<IpPrefix> mine = new HashSet<>();
    a.sharedLans().forEach(p -> mine.add(p.masked()));
    return b.sharedLans().stream()
        .map(IpPrefix::masked)
        .filter(mine::contains)
        .min(Comparator.naturalOrder());
  }

  private static Optional<IpAddress> addressIn(HostEntry host, IpPrefix network) {
    return host.sharedLans().stream()
        .filter(p -> p.masked().equals(network))
        .map(IpPrefix::network)
        .findFirst();
  }

  /**
   * WireGuard takes exactly one endpoint per peer. IPv4 first when {@code self} has a public IPv4
   * address (or lists none): the namespace reaches the outside over IPv4 through the masquerade,
   * while IPv6 out of it needs IPv6 forwarding in the default namespace, which is the operator's
   * choice (docs/deploy.md). Then IPv6 when {@code self} has a public IPv6 address. Within a
   * family, the peer's order (best first). Else the peer's first address; empty when the peer has
   * none.
   */
  public static Optional<IpAddress> publicEndpoint(HostEntry self, HostEntry peer) {
    if (peer.endpoints().isEmpty()) {
      return Optional.empty();
    }
    Set<Boolean> families = new HashSet<>();
    self.endpoints().forEach(a -> families.add(a.isV6()));
    boolean v4 = families.isEmpty() || families.contains(false);
    boolean v6 = families.contains(true);
    Optional<IpAddress> first4 = peer.endpoints().stream().filter(a -> !a.isV6()).findFirst();
    Optional<IpAddress> first6 = peer.endpoints().stream().filter(IpAddress::isV6).findFirst();
    return (v4 ? first4 : Optional.<IpAddress>empty())
        .or(() -> v6 ? first6 : Optional.empty())
        .or(() -> Optional.of(peer.endpoints().get(0)));
  }

  /**
   * Checks that the policy fits the hosts and leaves none unreachable: every hub is a host and has
   * a public address; in a full mesh of two or more hosts, some host has a public address or the
   * hosts behind NAT are joined by shared LANs. A hub-and-spoke mesh with valid hubs reaches every
   * host by construction: the hubs link to each other and every spoke links to at least one hub,
   * and hubs are transit.
   *
   * @param hosts every host of the mesh
   * @return the first problem, or empty
   */
  public static Optional<Problem> check(Topology topology, List<HostEntry> hosts) {
    Map<Integer, HostEntry> byNumber = new HashMap<>();
    hosts.forEach(h -> byNumber.put(h.number(), h));
    if (topology instanceof Topology.HubAndSpoke hs) {
      for (int hub : hs.hubs()) {
        HostEntry h = byNumber.get(hub);
        if (h == null) {
          return Optional.of(
              new Problem(
                  "topology.hubs",
                  "hub " + hub + " is not a host of the mesh",
                  "topology.hubs names admitted hosts (admit a hub before naming it; take a hub"
                      + " out of topology.hubs before removing it)"));
        }
        if (!h.isPublic()) {
          return Optional.of(
              new Problem(
                  "topology.hubs",
                  "hub "
                      + h.hostname()
                      + " (host "
                      + hub
                      + ") has no public address: spokes behind NAT could not reach it",
                  "choose hubs with public endpoint addresses"));
        }
      }
      return Optional.empty();
    }
    if (hosts.size() < 2 || hosts.stream().anyMatch(HostEntry::isPublic)) {
      return Optional.empty();
    }
    // No public host: only shared LANs join hosts; every host is transit in a full mesh, so the
    // mesh works when that graph is connected.
    List<HostEntry> sorted = new ArrayList<>(hosts);
    sorted.sort(Comparator.comparingInt(HostEntry::number));
    Set<Integer> reached = new HashSet<>();
    List<HostEntry> todo = new ArrayList<>(List.of(sorted.get(0)));
    reached.add(sorted.get(0).number());
    while (!todo.isEmpty()) {
      HostEntry h = todo.remove(todo.size() - 1);
      for (HostEntry o : sorted) {
        if (!reached.contains(o.number()) && sharedNetwork(h, o).isPresent()) {
          reached.add(o.number());
          todo.add(o);
        }
      }
    }
    for (HostEntry h : sorted) {
      if (!reached.contains(h.number())) {
        return Optional.of(
            new Problem(
                "hosts",
                "host "
                    + h.hostname()
                    + " (host "
                    + h.number()
                    + ") cannot reach "
                    + sorted.get(0).hostname()
                    + ": no host of the mesh has a public address, and no shared LAN joins them",
                "give at least one host a public endpoint address (every host behind NAT links to"
                    + " the public ones)"));
      }
    }
    return Optional.empty();
  }
}
