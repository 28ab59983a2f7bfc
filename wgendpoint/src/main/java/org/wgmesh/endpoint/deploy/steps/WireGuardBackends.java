package org.wgmesh.endpoint.deploy.steps;

import org.wgmesh.core.error.DeployException;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/** Picks the WireGuard backend: from what the host has (kernel module first), or as forced. */
public final class WireGuardBackends {
  private WireGuardBackends() {}

  /**
   * Returns the backend for {@code choice}: {@code AUTO} takes the kernel module when the host has
   * it, else wireguard-go.
   *
   * @throws DeployException when the forced or probed backend is not available
   */
  public static WireGuardBackend select(
      WireGuardBackendChoice choice, HostState.Tools tools, Layout layout, Supervisor supervisor) {
    WireGuardBackendChoice c = choice;
    if (c == WireGuardBackendChoice.AUTO) {
      c =
          tools.kernelWireGuard()
              ? WireGuardBackendChoice.KERNEL
              : WireGuardBackendChoice.USERSPACE;
    }
    if (c == WireGuardBackendChoice.KERNEL) {
      return new KernelWireGuard();
    }
    if (!tools.wireguardGo()) {
      throw new DeployException(
          "WireGuard backend",
          "the kernel has no wireguard module and wireguard-go is not installed",
          "install wireguard-go (apt-get install wireguard-go), or load the kernel module");
    }
    return new UserspaceWireGuard(layout, supervisor);
  }
}
