package org.wgmesh.endpoint.deploy.host;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The live state of one endpoint, read with query commands only ({@link HostProbe}); tests build it
 * directly to describe a host.
 *
 * @param namespaceExists whether the network namespace exists
 * @param hostLinks interfaces of interest in the default namespace (the veth's host end, the trust
 *     interface when it has not been moved yet), by name
 * @param nsLinks every interface inside the namespace, by name
 * @param wireguardInterfaces interfaces inside the namespace that answer {@code wg show}
 * @param forwarding whether the namespace's kernel settings are as wgdeploy sets them, and its
 *     source validation ({@link SourceValidation}) in place
 * @param nsRoutes routes inside the namespace, as {@link HostProbe#routeKey} strings
 * @param hostRoutes routes in the default namespace, likewise
 * @param birdRunning whether BIRD answers on its control socket
 * @param shorewallRunning whether Shorewall is started
 * @param shorewall6Running whether Shorewall6 is started
 * @param tools which optional host tools there are
 * @param nftablesTable whether wgdeploy's nftables table {@code inet wgmesh} exists
 * @param vxlan the overlay's VXLAN device in the namespace (issue 25), when there is one
 */
public record HostState(
    boolean namespaceExists,
    Map<String, LinkInfo> hostLinks,
    Map<String, LinkInfo> nsLinks,
    Set<String> wireguardInterfaces,
    boolean forwarding,
    Set<String> nsRoutes,
    Set<String> hostRoutes,
    boolean birdRunning,
    boolean shorewallRunning,
    boolean shorewall6Running,
    Tools tools,
    boolean nftablesTable,
    Optional<Vxlan.Device> vxlan) {
  public HostState {
    hostLinks = Map.copyOf(hostLinks);
    nsLinks = Map.copyOf(nsLinks);
    wireguardInterfaces = Set.copyOf(wireguardInterfaces);
    nsRoutes = Set.copyOf(nsRoutes);
    hostRoutes = Set.copyOf(hostRoutes);
    Objects.requireNonNull(vxlan, "vxlan");
  }

  /** A host without an overlay device. */
  public HostState(
      boolean namespaceExists,
      Map<String, LinkInfo> hostLinks,
      Map<String, LinkInfo> nsLinks,
      Set<String> wireguardInterfaces,
      boolean forwarding,
      Set<String> nsRoutes,
      Set<String> hostRoutes,
      boolean birdRunning,
      boolean shorewallRunning,
      boolean shorewall6Running,
      Tools tools,
      boolean nftablesTable) {
    this(
        namespaceExists,
        hostLinks,
        nsLinks,
        wireguardInterfaces,
        forwarding,
        nsRoutes,
        hostRoutes,
        birdRunning,
        shorewallRunning,
        shorewall6Running,
        tools,
        nftablesTable,
        Optional.empty());
  }

  /**
   * The optional tools and kernel features wgdeploy picks between.
   *
   * @param kernelWireGuard whether the kernel has the wireguard module ({@code modprobe -n})
   * @param wireguardGo whether wireguard-go is installed
   * @param conntrack whether the conntrack tool is installed
   */
  public record Tools(boolean kernelWireGuard, boolean wireguardGo, boolean conntrack) {}

  /** A host where wgdeploy has set up nothing, with {@code hostLinks} in the default namespace. */
  public static HostState fresh(Map<String, LinkInfo> hostLinks, Tools tools) {
    return new HostState(
        false, hostLinks, Map.of(), Set.of(), false, Set.of(), Set.of(), false, false, false, tools,
        false);
  }

  public Optional<LinkInfo> hostLink(String name) {
    return Optional.ofNullable(hostLinks.get(name));
  }

  public Optional<LinkInfo> nsLink(String name) {
    return Optional.ofNullable(nsLinks.get(name));
  }
}
