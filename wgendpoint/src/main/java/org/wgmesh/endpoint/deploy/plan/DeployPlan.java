package org.wgmesh.endpoint.deploy.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshLinks;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * The desired state of one endpoint: a pure function of the verified mesh view and the endpoint
 * settings (see {@link Planner}). Everything the templates and the applier need, nothing they must
 * derive again.
 *
 * @param domain the mesh domain
 * @param locus the mesh locus
 * @param serial the mesh serial this plan comes from
 * @param issued when the site signed that mesh record
 * @param expires when it expires
 * @param selfNumber this host's number
 * @param selfHostname this host's name
 * @param namespace the network namespace
 * @param publicInterface the public NIC (default namespace)
 * @param veth the veth pair
 * @param trustInterface the LAN NIC, moved into the namespace
 * @param trustAddresses its addresses (interface form)
 * @param links one WireGuard link per peer, ordered by peer number
 * @param routerId the BGP router id
 * @param localAsn this host's AS number
 * @param transit whether this host relays routes learned from one peer to the others (a hub, or any
 *     host of a full mesh); a spoke exports only its own LANs
 * @param allowedV4 IPv4 LAN prefixes BGP may import and export (the mesh's allowed list)
 * @param allowedV6 IPv6 LAN prefixes likewise
 * @param ownLans this host as a BGP origin: the LAN prefixes it may announce
 * @param peerLans every peer as a BGP origin, ordered by peer number: what BGP accepts from each
 * @param layout the paths every file and socket goes to
 * @param settings the endpoint settings it was planned with (templates read settings from here)
 * @param linkSettings the link settings in force: the site's with this endpoint's overrides
 * @param clients one WireGuard interface per client attached to this host (issue 25), ordered by
 *     client number; empty when none attaches here
 * @param clientOrigins every peer that clients attach to, as the BGP origin of their addresses,
 *     ordered by host number: what BGP accepts from each (peers without clients are left out)
 * @param meshAddress this host's mesh address ({@code P:0:1::n}, issue 25): on the namespace's
 *     loopback, announced by BGP
 * @param tunnelPrefix the site's tunnel prefix, from which every host's mesh address derives
 * @param overlay the VXLAN overlay on this host, when the site has one
 */
public record DeployPlan(
    String domain,
    String locus,
    long serial,
    Instant issued,
    Instant expires,
    int selfNumber,
    String selfHostname,
    String namespace,
    String publicInterface,
    VethPair veth,
    String trustInterface,
    List<IpPrefix> trustAddresses,
    List<WireGuardLink> links,
    String routerId,
    long localAsn,
    boolean transit,
    List<IpPrefix> allowedV4,
    List<IpPrefix> allowedV6,
    LanOrigin ownLans,
    List<LanOrigin> peerLans,
    Layout layout,
    EndpointConfig settings,
    LinkSettings linkSettings,
    List<ClientLink> clients,
    List<ClientOrigin> clientOrigins,
    IpAddress meshAddress,
    IpPrefix tunnelPrefix,
    Optional<OverlayPlan> overlay) {
  public DeployPlan {
    Objects.requireNonNull(namespace, "namespace");
    trustAddresses = List.copyOf(trustAddresses);
    links = List.copyOf(links);
    allowedV4 = List.copyOf(allowedV4);
    allowedV6 = List.copyOf(allowedV6);
    Objects.requireNonNull(ownLans, "ownLans");
    peerLans = List.copyOf(peerLans);
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(linkSettings, "linkSettings");
    clients = List.copyOf(clients);
    clientOrigins = List.copyOf(clientOrigins);
    Objects.requireNonNull(meshAddress, "meshAddress");
    Objects.requireNonNull(tunnelPrefix, "tunnelPrefix");
    Objects.requireNonNull(overlay, "overlay");
  }

  /**
   * The host prefixes of the clients attached here, of one family: this host originates them (its
   * BIRD's static routes over their interfaces). With {@code secondaryOnly}, only those of clients
   * whose primary host is another one (announced with this host's AS prepended).
   */
  public List<IpPrefix> ownClientPrefixes(boolean v6, boolean secondaryOnly) {
    return clients.stream()
        .filter(c -> !secondaryOnly || !c.primary())
        .flatMap(c -> c.hostPrefixes().stream())
        .filter(p -> p.isV6() == v6)
        .sorted()
        .toList();
  }

  /**
   * The destinations the namespace refuses when BGP has no route to them (an {@code unreachable}
   * route with the highest metric), rather than sending them out in clear through the veth: the
   * mesh's allowed LAN prefixes, the network of the mesh addresses ({@link #meshAddressRow}) and
   * every client address of the mesh (issue 25; the client pools need not lie within the allowed
   * prefixes): the allowed prefixes, the mesh addresses' network, then the client addresses sorted.
   */
  public List<IpPrefix> refusedWithoutRoute() {
    List<IpPrefix> out = new ArrayList<>(allowedV4);
    out.addAll(allowedV6);
    out.add(meshAddressRow());
    Stream.concat(
            clients.stream().flatMap(c -> c.hostPrefixes().stream()),
            clientOrigins.stream().flatMap(o -> Stream.concat(o.v4().stream(), o.v6().stream())))
        .distinct()
        .sorted()
        .filter(p -> !allowedV4.contains(p) && !allowedV6.contains(p))
        .forEach(out::add);
    return out;
  }

  /** Whether any client address is routed in this mesh (own clients or a peer's). */
  public boolean hasClients() {
    return !clients.isEmpty() || !clientOrigins.isEmpty();
  }

  /** The client interface named {@code interfaceName}, if planned. */
  public Optional<ClientLink> client(String interfaceName) {
    return clients.stream().filter(c -> c.interfaceName().equals(interfaceName)).findFirst();
  }

  /** Host {@code n}'s mesh address as a /128: what BGP accepts from n's AS only. */
  public IpPrefix meshAddressOf(int n) {
    return new IpPrefix(Addressing.meshAddress(tunnelPrefix, n), 128);
  }

  /**
   * The network of every mesh address, {@code P:0:1::/80}: unreachable in the namespace unless BGP
   * has a route, so a mesh address without one is never sent out in clear by the default route.
   */
  public IpPrefix meshAddressRow() {
    return new IpPrefix(meshAddress, Addressing.ROW_PREFIX_LENGTH).masked();
  }

  /**
   * The remote LANs the router itself may reach through the veth ({@code router-on-mesh}): what the
   * peers announce, of one family, sorted, without this host's own trust networks (routed already)
   * and only when the setting is on; then the mesh's client addresses of that family (issue 25,
   * sorted: the clients attached here and the peers'). The deploy leaves out the ones that are not
   * safe on the host (see {@code DeploySteps}).
   */
  public List<IpPrefix> remoteLans(boolean v6) {
    if (!settings.tuning().routerOnMesh()) {
      return List.of();
    }
    List<IpPrefix> own = trustNetworks(v6);
    List<IpPrefix> out =
        new ArrayList<>(
            peerLans.stream()
                .flatMap(o -> (v6 ? o.v6() : o.v4()).stream())
                .filter(p -> !own.contains(p))
                .distinct()
                .sorted()
                .toList());
    Stream.concat(
            clients.stream().flatMap(c -> c.hostPrefixes().stream()),
            clientOrigins.stream().flatMap(o -> (v6 ? o.v6() : o.v4()).stream()))
        .filter(p -> p.isV6() == v6 && !out.contains(p))
        .distinct()
        .sorted()
        .forEach(out::add);
    return out;
  }

  /**
   * The LAN networks of the trust interface (its addresses with host bits cleared) of one family.
   */
  public List<IpPrefix> trustNetworks(boolean v6) {
    return trustAddresses.stream()
        .filter(a -> a.isV6() == v6)
        .map(IpPrefix::masked)
        .distinct()
        .toList();
  }

  /**
   * Whether WireGuard packets of this host cross the default namespace over IPv6: a link's peer is
   * reached at an IPv6 address, or this host gives peers an IPv6 address to send to. Then the
   * default namespace must forward IPv6 ({@link org.wgmesh.endpoint.deploy.host.Ipv6Forwarding}).
   */
  public boolean ipv6Underlay() {
    return links.stream().anyMatch(l -> l.endpointAddress().map(IpAddress::isV6).orElse(false))
        || settings.publicAddresses().stream().anyMatch(IpAddress::isV6);
  }

  /**
   * The address the router's own packets into the mesh are rewritten to ({@code router-on-mesh}):
   * this host's first trust (LAN) address of the family; empty when the setting is off or the host
   * has no trust address of that family (then the router does not reach that family's LANs).
   */
  public Optional<IpAddress> routerSource(boolean v6) {
    if (!settings.tuning().routerOnMesh()) {
      return Optional.empty();
    }
    return trustAddresses.stream().filter(a -> a.isV6() == v6).map(IpPrefix::network).findFirst();
  }

  /** The link named {@code interfaceName}, if planned. */
  public Optional<WireGuardLink> link(String interfaceName) {
    return links.stream().filter(l -> l.interfaceName().equals(interfaceName)).findFirst();
  }

  /**
   * The addresses this host sends to over shared-LAN links (the same-LAN shortcut): the peers'
   * addresses on the networks both list. Their WireGuard packets arrive on whichever interface
   * holds this host's address on that network.
   */
  public List<IpAddress> sharedLanPeers() {
    return links.stream()
        .filter(l -> l.via() == MeshLinks.Via.SHARED_LAN)
        .flatMap(l -> l.endpointAddress().stream())
        .toList();
  }
}
