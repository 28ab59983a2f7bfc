package org.wgmesh.endpoint.deploy.plan;

import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.model.MeshLinks;
import org.wgmesh.core.net.IpAddress;

/**
 * One WireGuard interface towards one peer, with everything the config file, the link address and
 * the BGP session need.
 *
 * @param interfaceName {@code wg<peer number>}
 * @param listenPort portbase + peer number
 * @param peerNumber the peer's host number
 * @param peerHostname for comments and BGP descriptions
 * @param peerPublicKey the peer's WireGuard key
 * @param endpointAddress the address this host sends to: the peer's public address (or where it is
 *     observed, when its NAT keeps ports), or its address on a shared LAN; empty when the peer has
 *     none of these (it dials us)
 * @param endpointPort the peer's port for this link (portbase + this host's number)
 * @param persistentKeepalive seconds, 0 for off
 * @param localAddress this host's address on the link (prefix length {@link #prefixLength})
 * @param peerAddress the peer's address on the link: the BGP neighbor
 * @param prefixLength the link prefix length (80)
 * @param peerAsn the peer's AS number
 * @param peerTransit whether the peer relays other hosts' routes (a hub, or any host of a full
 *     mesh); from a peer that does not, BGP accepts only the peer's own LANs (AS path of length 1)
 * @param via how the peer is reached: its public address, a shared LAN (the direct shortcut) or,
 *     for two hosts behind NAT, its observed address (NAT traversal)
 * @param v6Underlay whether the link's packets travel over IPv6 ({@link MeshLinks.Link#v6Underlay})
 * @param mtu the interface MTU: the endpoint's or the site's setting, else 1420 over IPv4 and 1400
 *     over IPv6
 */
public record WireGuardLink(
    String interfaceName,
    int listenPort,
    int peerNumber,
    String peerHostname,
    X25519PublicKey peerPublicKey,
    Optional<IpAddress> endpointAddress,
    int endpointPort,
    int persistentKeepalive,
    IpAddress localAddress,
    IpAddress peerAddress,
    int prefixLength,
    long peerAsn,
    boolean peerTransit,
    MeshLinks.Via via,
    boolean v6Underlay,
    int mtu) {
  public WireGuardLink {
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(peerPublicKey, "peerPublicKey");
    Objects.requireNonNull(endpointAddress, "endpointAddress");
    Objects.requireNonNull(localAddress, "localAddress");
    Objects.requireNonNull(peerAddress, "peerAddress");
    Objects.requireNonNull(via, "via");
  }

  /**
   * {@code address:port} with IPv6 in brackets, as WireGuard's Endpoint takes it; empty without.
   */
  public Optional<String> endpoint() {
    return endpointAddress.map(a -> a.forEndpoint() + ":" + endpointPort);
  }

  /** The local interface address in CIDR form, as {@code ip addr add} takes it. */
  public String localCidr() {
    return localAddress + "/" + prefixLength;
  }
}
