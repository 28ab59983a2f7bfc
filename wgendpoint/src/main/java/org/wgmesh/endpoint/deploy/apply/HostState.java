package org.wgmesh.endpoint.deploy.apply;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The live state of one endpoint, read with query commands only.
 *
 * @param namespaceExists whether the network namespace exists
 * @param hostLinks interfaces of interest in the default namespace (the veth's host end, the trust
 *     interface when it has not been moved yet), by name
 * @param nsLinks every interface inside the namespace, by name
 * @param wireguardInterfaces interfaces inside the namespace that answer {@code wg show}
 * @param forwarding whether IPv4 and IPv6 forwarding are on inside the namespace
 * @param nsRoutes routes inside the namespace, as {@link HostProbe#routeKey} strings
 * @param hostRoutes routes in the default namespace, likewise
 * @param birdRunning whether BIRD answers on its control socket
 * @param shorewallRunning whether Shorewall is started
 * @param shorewall6Running whether Shorewall6 is started
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
    boolean shorewall6Running) {
  public HostState {
    hostLinks = Map.copyOf(hostLinks);
    nsLinks = Map.copyOf(nsLinks);
    wireguardInterfaces = Set.copyOf(wireguardInterfaces);
    nsRoutes = Set.copyOf(nsRoutes);
    hostRoutes = Set.copyOf(hostRoutes);
  }

  public Optional<LinkInfo> hostLink(String name) {
    return Optional.ofNullable(hostLinks.get(name));
  }

  public Optional<LinkInfo> nsLink(String name) {
    return Optional.ofNullable(nsLinks.get(name));
  }
}
