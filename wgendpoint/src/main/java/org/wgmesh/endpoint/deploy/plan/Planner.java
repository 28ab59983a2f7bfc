package org.wgmesh.endpoint.deploy.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshLinks;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * Turns the verified mesh view and the endpoint settings into the desired state. Pure: no I/O, no
 * clock, the same inputs always give an equal plan. Every number comes from {@link Addressing}.
 */
public final class Planner {
  /** Host end of the veth pair (link-local range: never routed, never announced). */
  public static final IpPrefix VETH_HOST_V4 = IpPrefix.parseInterface("169.254.0.1/30", "veth");

  /** Namespace end of the veth pair: the DNAT target of the WireGuard ports. */
  public static final IpPrefix VETH_NS_V4 = IpPrefix.parseInterface("169.254.0.2/30", "veth");

  /** IPv6 host end of the veth pair (a fixed ULA /64 local to each host, excluded from BGP). */
  public static final IpPrefix VETH_HOST_V6 = IpPrefix.parseInterface("fdff:a9fe::1/64", "veth");

  /** IPv6 namespace end of the veth pair. */
  public static final IpPrefix VETH_NS_V6 = IpPrefix.parseInterface("fdff:a9fe::2/64", "veth");

  private Planner() {}

  /**
   * Plans the endpoint.
   *
   * @throws ConfigException when the mesh and the local settings cannot be combined (a topology
   *     whose hubs are missing or behind NAT, a host left without links, duplicate host numbers, an
   *     empty trust address list)
   */
  public static DeployPlan plan(MeshView view, EndpointConfig settings) {
    MeshSettings mesh = view.settings();
    String publicInterface = settings.requirePublicInterface().name();
    String trustInterface = settings.requireTrustInterface().name();
    if (settings.trustAddresses().isEmpty()) {
      throw new ConfigException(
          "endpoint trust addresses",
          "none configured",
          "give the LAN interface its address(es), e.g. wgconfig -I 198.51.100.1/24");
    }
    HostEntry self = view.self();
    String ns = settings.effectiveNetns().name();
    List<WireGuardLink> links = new ArrayList<>();
    List<LanOrigin> peerLans = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    seen.add(self.number());
    // BIRD tells route origins apart by AS number alone (bgp_path.last).
    Set<Long> asns = new HashSet<>();
    asns.add(self.asn());
    for (HostEntry peer :
        view.peers().stream().sorted(Comparator.comparingInt(HostEntry::number)).toList()) {
      if (!seen.add(peer.number())) {
        throw new ConfigException(
            "mesh " + mesh.domain() + " host " + peer.hostname(),
            "host number " + peer.number() + " is used twice",
            "the site file must give every host its own number");
      }
      if (!asns.add(peer.asn())) {
        throw new ConfigException(
            "mesh " + mesh.domain() + " host " + peer.hostname(),
            "AS " + peer.asn() + " is used twice",
            "the site file must give every host its own AS number");
      }
      peerLans.add(LanOrigin.of(peer.number(), peer.hostname(), peer.asn(), peer.lanPrefixes()));
    }
    List<HostEntry> members = new ArrayList<>(view.peers());
    members.add(self);
    MeshLinks.check(mesh.topology(), members)
        .ifPresent(
            problem -> {
              throw new ConfigException(
                  "mesh " + mesh.domain() + " topology " + mesh.topology(),
                  problem.why(),
                  "the site must fix its site file and publish again (wgsite, wgpub)");
            });
    // The site's link settings with this endpoint's overrides (issues 20 and 21).
    LinkSettings tuned = settings.tuning().applyTo(mesh.links());
    for (MeshLinks.Link l : MeshLinks.linksOf(mesh.topology(), self, view.peers())) {
      links.add(link(mesh, self, l, tuned));
    }
    if (links.isEmpty() && !view.peers().isEmpty()) {
      throw new ConfigException(
          "mesh " + mesh.domain() + " host " + self.hostname(),
          "topology "
              + mesh.topology()
              + " gives this host no link to any of its "
              + view.peers().size()
              + " peers",
          "a host behind NAT needs a peer with a public address or a shared LAN");
    }
    List<IpPrefix> v4 = mesh.allowedLanPrefixes().stream().filter(p -> !p.isV6()).sorted().toList();
    List<IpPrefix> v6 = mesh.allowedLanPrefixes().stream().filter(IpPrefix::isV6).sorted().toList();
    return new DeployPlan(
        mesh.domain(),
        mesh.locus(),
        view.serial(),
        view.issued(),
        view.expires(),
        self.number(),
        self.hostname(),
        ns,
        publicInterface,
        veth(ns),
        trustInterface,
        settings.trustAddresses(),
        links,
        Addressing.routerId(self.number()),
        self.asn(),
        mesh.topology().isTransit(self.number()),
        v4,
        v6,
        LanOrigin.of(self.number(), self.hostname(), self.asn(), self.lanPrefixes()),
        peerLans,
        new Layout(settings.roots(), ns),
        settings,
        tuned,
        clients(mesh, view, tuned, settings, links),
        clientOrigins(view),
        Addressing.meshAddress(mesh.tunnelPrefix(), self.number()),
        mesh.tunnelPrefix(),
        mesh.overlay().map(o -> overlay(o, mesh, self, view.peers(), links)));
  }

  /** The VXLAN overlay on this host: see {@link OverlayPlan}. */
  private static OverlayPlan overlay(
      VxlanOverlay o,
      MeshSettings mesh,
      HostEntry self,
      List<HostEntry> peers,
      List<WireGuardLink> links) {
    List<IpPrefix> addresses = new ArrayList<>();
    o.ipv4Address(self.number()).ifPresent(addresses::add);
    addresses.add(o.ipv6Address(self.number()));
    IpAddress local = Addressing.meshAddress(mesh.tunnelPrefix(), self.number());
    return new OverlayPlan(
        OverlayPlan.DEVICE,
        o.vni(),
        o.port(),
        local,
        new IpPrefix(local, Addressing.ROW_PREFIX_LENGTH).masked(),
        OverlayPlan.mtu(mesh.links(), links.stream().map(WireGuardLink::mtu).toList()),
        addresses,
        peers.stream()
            .sorted(Comparator.comparingInt(HostEntry::number))
            .map(p -> Addressing.meshAddress(mesh.tunnelPrefix(), p.number()))
            .toList());
  }

  /**
   * The clients attached to this host (issue 25), one interface each. Its MTU is the link MTU over
   * the family of this host's first public address, where the clients' packets arrive.
   */
  private static List<ClientLink> clients(
      MeshSettings mesh,
      MeshView view,
      LinkSettings tuned,
      EndpointConfig settings,
      List<WireGuardLink> links) {
    int self = view.self().number();
    boolean v6 =
        view.self().endpoints().stream()
            .findFirst()
            .or(() -> settings.publicAddresses().stream().findFirst())
            .map(IpAddress::isV6)
            .orElse(false);
    Set<Integer> numbers = new HashSet<>();
    // A client's port must not be one of this host's link ports either: one socket per port.
    Set<Integer> ports = new HashSet<>();
    links.forEach(l -> ports.add(l.listenPort()));
    List<ClientLink> out = new ArrayList<>();
    for (ClientEntry c :
        view.attachedClients().stream()
            .sorted(Comparator.comparingInt(ClientEntry::number))
            .toList()) {
      if (!numbers.add(c.number())) {
        throw new ConfigException(
            "mesh " + mesh.domain() + " client " + c.name(),
            "client number " + c.number() + " is used twice",
            "the site file must give every client its own number");
      }
      if (!ports.add(c.port())) {
        throw new ConfigException(
            "mesh " + mesh.domain() + " client " + c.name(),
            "port "
                + c.port()
                + " is used twice on "
                + view.self().hostname()
                + " (by another client or a link to a peer)",
            "the site file must give every client its own port, outside the hosts' link ports");
      }
      out.add(
          new ClientLink(
              Addressing.clientInterfaceName(c.number()),
              c.port(),
              c.number(),
              c.name(),
              c.publicKey(),
              c.addresses(),
              c.keepalive(),
              c.isPrimary(self),
              tuned.mtuFor(v6),
              v6));
    }
    return out;
  }

  /**
   * Every peer as the BGP origin of the addresses of the clients attached to it, by host number;
   * peers without clients are left out. This host is not among them: its own clients' routes coming
   * back from a peer are not accepted by origin (their last AS would be ours).
   */
  private static List<ClientOrigin> clientOrigins(MeshView view) {
    List<ClientOrigin> out = new ArrayList<>();
    for (HostEntry peer :
        view.peers().stream().sorted(Comparator.comparingInt(HostEntry::number)).toList()) {
      List<IpPrefix> prefixes =
          view.clients().stream()
              .filter(c -> c.attachesTo(peer.number()))
              .flatMap(c -> ClientLink.hostPrefixes(c.addresses()).stream())
              .distinct()
              .sorted()
              .toList();
      if (!prefixes.isEmpty()) {
        out.add(
            new ClientOrigin(
                peer.number(),
                peer.hostname(),
                peer.asn(),
                prefixes.stream().filter(p -> !p.isV6()).toList(),
                prefixes.stream().filter(IpPrefix::isV6).toList()));
      }
    }
    return out;
  }

  private static WireGuardLink link(
      MeshSettings mesh, HostEntry self, MeshLinks.Link l, LinkSettings tuned) {
    HostEntry peer = l.peer();
    return new WireGuardLink(
        Addressing.interfaceName(peer.number()),
        Addressing.listenPort(mesh.portbase(), peer.number()),
        peer.number(),
        peer.hostname(),
        peer.publicKey(),
        l.endpoint(),
        Addressing.remotePort(mesh.portbase(), self.number()),
        tuned.keepalive(),
        Addressing.linkAddress(mesh.tunnelPrefix(), self.number(), peer.number()),
        Addressing.linkAddress(mesh.tunnelPrefix(), peer.number(), self.number()),
        Addressing.LINK_PREFIX_LENGTH,
        peer.asn(),
        mesh.topology().isTransit(peer.number()),
        l.via(),
        l.v6Underlay(),
        tuned.mtuFor(l.v6Underlay()));
  }

  /** The public endpoint towards {@code peer}: see {@link MeshLinks#publicEndpoint}. */
  static Optional<IpAddress> chooseEndpoint(HostEntry self, HostEntry peer) {
    return MeshLinks.publicEndpoint(self, peer);
  }

  /** veth names: the namespace name cut to 12 characters plus a 3-character suffix (15 max). */
  static VethPair veth(String ns) {
    String base = ns.length() > 12 ? ns.substring(0, 12) : ns;
    return new VethPair(
        base + "-vh", base + "-vn", VETH_HOST_V4, VETH_NS_V4, VETH_HOST_V6, VETH_NS_V6);
  }
}
