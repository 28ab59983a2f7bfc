package org.wgmesh.endpoint.deploy.plan;

import java.util.List;
import java.util.Objects;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * The VXLAN overlay on this host (issue 25): one device in the namespace whose endpoint is this
 * host's mesh address, with head-end replication to the mesh address of every peer (linked or not:
 * mesh addresses are routed, through a hub in hub-and-spoke), and this host's overlay addresses.
 *
 * @param device the device name, {@link #DEVICE}
 * @param vni the VXLAN id
 * @param port the UDP port between mesh addresses
 * @param local this host's mesh address: the source of its VXLAN packets
 * @param meshRow the network of every mesh address ({@code P:0:1::/80}): the guard table accepts
 *     VXLAN packets only from inside it
 * @param mtu the device's MTU (see {@link #mtu(LinkSettings, List)})
 * @param addresses this host's overlay addresses (interface form), IPv4 first
 * @param remotes every peer's mesh address, ordered by peer number
 */
public record OverlayPlan(
    String device,
    int vni,
    int port,
    IpAddress local,
    IpPrefix meshRow,
    int mtu,
    List<IpPrefix> addresses,
    List<IpAddress> remotes) {
  /**
   * The device's name. Not {@code wg...}: the namespace's source validation, BIRD's BFD and the
   * removal of stale links all match the WireGuard interfaces by that prefix.
   */
  public static final String DEVICE = "vxmesh";

  public OverlayPlan {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(meshRow, "meshRow");
    addresses = List.copyOf(addresses);
    remotes = List.copyOf(remotes);
  }

  /**
   * The overlay MTU: the smallest WireGuard link MTU the mesh may have, less {@link
   * VxlanOverlay#OVERHEAD} (70: outer IPv6 40 + UDP 8 + VXLAN 8 + inner Ethernet 14). The smallest
   * is the site's {@code mtu}, else 1400 (the default over an IPv6 underlay), or this host's own
   * link MTU when one is smaller (an endpoint override). So every host of a site without overrides
   * has the same overlay MTU (1330 by default), as routing protocols such as OSPF require on one
   * segment, and a frame of that size fits every link whatever path it takes.
   */
  public static int mtu(LinkSettings site, List<Integer> linkMtus) {
    int smallest = site.mtuFor(true);
    for (int m : linkMtus) {
      smallest = Math.min(smallest, m);
    }
    return VxlanOverlay.mtuOver(smallest);
  }
}
