package org.wgmesh.endpoint.deploy.apply;

import java.util.Map;
import java.util.Set;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;

/**
 * What the running system should look like, and which components must re-read their files.
 *
 * @param plan the namespace, veth, trust interface and paths
 * @param wireguard the WireGuard interfaces to have, in peer-number order, each with its link address (CIDR); their
 *     config files are already in place
 * @param reloadInterfaces interfaces whose config file changed ({@code wg syncconf})
 * @param reloadBird BIRD's config changed ({@code birdc configure})
 * @param reloadShorewall Shorewall's files changed ({@code shorewall reload})
 * @param reloadShorewall6 Shorewall6's files changed
 * @param reloadUnits the systemd units changed ({@code systemctl daemon-reload}, systemd supervisor only)
 */
public record RuntimeTarget(
    DeployPlan plan,
    Map<String, String> wireguard,
    Set<String> reloadInterfaces,
    boolean reloadBird,
    boolean reloadShorewall,
    boolean reloadShorewall6,
    boolean reloadUnits) {
  public RuntimeTarget {
    // Keep the plan's order (by peer number): interfaces are created in that order.
    wireguard = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(wireguard));
    reloadInterfaces = Set.copyOf(reloadInterfaces);
  }
}
