package org.wgmesh.core.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *       ({@link HostEntry#isPublic()}) of a family the other can use ({@link #commonFamily}); two
 *       hosts behind NAT, or an IPv4-only and an IPv6-only host, cannot reach each other directly
 *       and are routed through the others (every host is transit).
 *   <li>{@link Topology.HubAndSpoke}: two hubs always link; a hub and a spoke link when the hub is
 *       one of {@link Topology.HubAndSpoke#hubsOf(int) the spoke's hubs}; two spokes do not link.
 *   <li>The same-LAN shortcut, in every policy: two hosts with addresses in one network of their
 *       {@link HostEntry#sharedLans()} always link, over that network.
 *   <li>NAT traversal, in every policy (issue 24): two hosts without a public address whose NATs
 *       keep ports, each {@link HostEntry#observed() observed} at an address of one family, link
 *       directly ({@link Via#OBSERVED}): each sends to the other's mapping, so both send first and
 *       the keepalive holds the mappings open. A shared LAN between the two comes first.
 * </ul>
 *
 * <p>The endpoint towards a peer is where it is observed, when its NAT keeps ports and the address
 * is of the link's family (a roaming host, or a host behind NAT); else its first registered address
 * of that family ({@link #publicEndpoint}). Only the registered addresses decide whether a host is
 * public, which family a link uses and whether the policy serves the hosts ({@link #check}): an
 * observed address is state the site learns from reports, so links over it are extra and never
 * needed for the mesh to be connected.
 */
public final class MeshLinks {
  private MeshLinks() {}

  /** How a link reaches the peer. */
  public enum Via {
    /** The peer's public address (or none: the peer is behind NAT and dials in). */
    PUBLIC,
    /** The peer's address on a network both hosts list in {@link HostEntry#sharedLans()}. */
    SHARED_LAN,
    /**
     * The peer's observed address: two hosts behind NATs that keep ports, each sending to the
     * other's mapping (NAT traversal, {@link #observedFamily}).
     */
    OBSERVED
  }

  /**
   * One link, seen from one end.
   *
   * @param peer the host at the other end
   * @param via how the peer is reached
   * @param endpoint the peer's address to send to; empty when it is behind NAT (it dials in)
   * @param v6Underlay whether the link's packets travel over IPv6 (both ends agree): the family of
   *     the shared LAN, of the observed addresses, or the {@link #commonFamily} of the two hosts
   */
  public record Link(HostEntry peer, Via via, Optional<IpAddress> endpoint, boolean v6Underlay) {}

  /**
   * A reason the policy cannot serve the hosts.
   *
   * @param field the site-file property at fault, e.g. {@code topology.hubs}
   * @param why what is wrong, naming the host
   * @param hint what to do (every problem the policy finds has a remedy)
   */
  public record Problem(String field, String why, String hint) {
    public Problem {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(why, "why");
      Objects.requireNonNull(hint, "hint");
    }
  }

  /** Whether hosts {@code a} and {@code b} (different hosts) link; symmetric. */
  public static boolean linked(Topology topology, HostEntry a, HostEntry b) {
    if (a.number() == b.number()) {
      return false;
    }
    if (sharedNetwork(a, b).isPresent() || observedFamily(a, b).isPresent()) {
      return true;
    }
    return policyLinks(topology, a, b);
  }

  /** Whether the policy itself links the two (without the shortcuts over a LAN or NAT). */
  private static boolean policyLinks(Topology topology, HostEntry a, HostEntry b) {
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
    return commonFamily(a, b).isPresent();
  }

  /**
   * The address family the WireGuard packets between {@code a} and {@code b} travel over, the same
   * whichever end asks: a family in which one of them has a public address and the other has one
   * too or has none (a host without a public address dials out over either family). IPv4 when both
   * families qualify: out of the namespace IPv4 goes through the masquerade, while IPv6 needs IPv6
   * forwarding in the default namespace (docs/deploy.md). Empty when neither has a public address,
   * or when they have public addresses of different families only (an IPv4-only and an IPv6-only
   * host cannot reach each other).
   *
   * @return {@code false} for IPv4, {@code true} for IPv6
   */
  public static Optional<Boolean> commonFamily(HostEntry a, HostEntry b) {
    if (!a.isPublic() && !b.isPublic()) {
      return Optional.empty();
    }
    for (boolean v6 : new boolean[] {false, true}) {
      if (usable(a, v6) && usable(b, v6) && (has(a, v6) || has(b, v6))) {
        return Optional.of(v6);
      }
    }
    return Optional.empty();
  }

  /**
   * The family two hosts behind NAT link directly over (NAT traversal): both have no public address
   * and both are observed, with ports kept, at addresses of this family. Then each can predict the
   * other's mapping for their link ({@link Observed}). Empty otherwise (a public host is reached at
   * its registered address; a NAT with random ports leaves nothing to send to).
   *
   * @return {@code false} for IPv4, {@code true} for IPv6
   */
  public static Optional<Boolean> observedFamily(HostEntry a, HostEntry b) {
    if (a.isPublic() || b.isPublic()) {
      return Optional.empty();
    }
    Optional<IpAddress> oa = portsKept(a);
    Optional<IpAddress> ob = portsKept(b);
    if (oa.isEmpty() || ob.isEmpty() || oa.get().isV6() != ob.get().isV6()) {
      return Optional.empty();
    }
    return Optional.of(oa.get().isV6());
  }

  /** Where a host is observed, when its NAT keeps ports (else no peer can predict its port). */
  private static Optional<IpAddress> portsKept(HostEntry h) {
    return h.observed().filter(Observed::portsKept).map(Observed::address);
  }

  /** A host can use a family when it has a public address of it, or no public address at all. */
  private static boolean usable(HostEntry h, boolean v6) {
    return !h.isPublic() || has(h, v6);
  }

  private static boolean has(HostEntry h, boolean v6) {
    return h.endpoints().stream().anyMatch(a -> a.isV6() == v6);
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
      Optional<Boolean> observed = observedFamily(self, peer);
      boolean byPolicy =
          myHubs != null ? myHubs.contains(peer.number()) : policyLinks(topology, self, peer);
      if (lan.isPresent()) {
        out.add(new Link(peer, Via.SHARED_LAN, addressIn(peer, lan.get()), lan.get().isV6()));
      } else if (observed.isPresent()) {
        out.add(new Link(peer, Via.OBSERVED, portsKept(peer), observed.get()));
      } else if (byPolicy) {
        out.add(
            new Link(
                peer,
                Via.PUBLIC,
                publicEndpoint(self, peer),
                commonFamily(self, peer).orElse(false)));
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
   * WireGuard takes exactly one endpoint per peer, of the two hosts' {@link #commonFamily}: where
   * the peer is observed when its NAT keeps ports and the address is of that family (where it
   * really is: a roaming host's new address, or a NATed host's mapping, whose port for this link is
   * the one every peer derives anyway), else the peer's first registered address of that family
   * (its order is best first). Empty when the peer has neither (it dials in) or when the two have
   * no family in common (then they do not link directly in a full mesh, and {@link #check} refuses
   * a hub-and-spoke mesh that would need them to).
   */
  public static Optional<IpAddress> publicEndpoint(HostEntry self, HostEntry peer) {
    return commonFamily(self, peer)
        .flatMap(
            v6 ->
                portsKept(peer)
                    .filter(a -> a.isV6() == v6)
                    .or(() -> peer.endpoints().stream().filter(a -> a.isV6() == v6).findFirst()));
  }

  private static final String FAMILY_HINT =
      "an IPv4-only and an IPv6-only host cannot reach each other: give one of them an address of"
          + " the other family, or have a host with both (every host relays in a full mesh)";

  /**
   * Whether some host is public and every public host has a public address of one family all share:
   * then every pair with a public end links, and the mesh is connected.
   */
  private static boolean sharesOneFamily(List<HostEntry> hosts) {
    boolean any = false;
    boolean v4 = true;
    boolean v6 = true;
    for (HostEntry h : hosts) {
      if (h.isPublic()) {
        any = true;
        v4 &= has(h, false);
        v6 &= has(h, true);
      }
    }
    return any && (v4 || v6);
  }

  /**
   * A hub-and-spoke pair that must link (two hubs, a spoke and one of its hubs) but has no address
   * family in common and no shared LAN.
   */
  private static Optional<Problem> familyProblem(
      Topology.HubAndSpoke hs, Map<Integer, HostEntry> byNumber, List<HostEntry> hosts) {
    List<HostEntry> hubs = hs.hubs().stream().map(byNumber::get).toList();
    for (int i = 0; i < hubs.size(); i++) {
      for (int j = i + 1; j < hubs.size(); j++) {
        Optional<Problem> p = unreachable("hubs", hubs.get(i), hubs.get(j));
        if (p.isPresent()) {
          return p;
        }
      }
    }
    List<HostEntry> sorted = new ArrayList<>(hosts);
    sorted.sort(Comparator.comparingInt(HostEntry::number));
    for (HostEntry spoke : sorted) {
      if (hs.isHub(spoke.number())) {
        continue;
      }
      for (int hub : hs.hubsOf(spoke.number())) {
        Optional<Problem> p = unreachable("spoke and hub", spoke, byNumber.get(hub));
        if (p.isPresent()) {
          return p;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether two hosts can always link directly: an address family in common or a shared LAN. Not
   * their observed addresses: those come and go with the reports, and the site must not accept a
   * mesh that falls apart when they go.
   */
  private static boolean reachable(HostEntry a, HostEntry b) {
    return commonFamily(a, b).isPresent() || sharedNetwork(a, b).isPresent();
  }

  private static Optional<Problem> unreachable(String what, HostEntry a, HostEntry b) {
    if (reachable(a, b)) {
      return Optional.empty();
    }
    return Optional.of(
        new Problem(
            "topology.hubs",
            what
                + " "
                + a.hostname()
                + " (host "
                + a.number()
                + ") and "
                + b.hostname()
                + " (host "
                + b.number()
                + ") must link but have no address family in common ("
                + families(a)
                + " and "
                + families(b)
                + ")",
            FAMILY_HINT));
  }

  private static String families(HostEntry h) {
    return has(h, false) && has(h, true)
        ? "IPv4 and IPv6"
        : has(h, true) ? "IPv6 only" : "IPv4 only";
  }

  /**
   * Checks that the policy fits the hosts and leaves none unreachable: every hub is a host and has
   * a public address, every two hubs and every spoke and each of its hubs have an address family in
   * common (or a shared LAN); in a full mesh of two or more hosts, the pairs that can reach each
   * other (a common family, or a shared LAN) join every host. A hub-and-spoke mesh with valid hubs
   * reaches every host by construction: the hubs link to each other and every spoke links to at
   * least one hub, and hubs are transit.
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
      return familyProblem(hs, byNumber, hosts);
    }
    if (hosts.size() < 2 || sharesOneFamily(hosts)) {
      return Optional.empty();
    }
    // No public host, or public hosts of different families: only the pairs that can reach each
    // other link (a common family, or a shared LAN); every host is transit in a full mesh, so the
    // mesh works when that graph is connected.
    boolean anyPublic = hosts.stream().anyMatch(HostEntry::isPublic);
    List<HostEntry> sorted = new ArrayList<>(hosts);
    sorted.sort(Comparator.comparingInt(HostEntry::number));
    Set<Integer> reached = new HashSet<>();
    List<HostEntry> todo = new ArrayList<>(List.of(sorted.get(0)));
    reached.add(sorted.get(0).number());
    while (!todo.isEmpty()) {
      HostEntry h = todo.remove(todo.size() - 1);
      for (HostEntry o : sorted) {
        if (!reached.contains(o.number()) && reachable(h, o)) {
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
                    + (anyPublic
                        ? ": no chain of hosts with a public address of a common family (IPv4 or"
                            + " IPv6) or a shared LAN joins them"
                        : ": no host of the mesh has a public address, and no shared LAN joins"
                            + " them"),
                anyPublic
                    ? FAMILY_HINT
                    : "give at least one host a public endpoint address (every host behind NAT"
                        + " links to the public ones)"));
      }
    }
    return Optional.empty();
  }
}
