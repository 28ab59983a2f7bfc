package org.wgmesh.endpoint.deploy.apply;

import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.endpoint.deploy.Supervisor;
import org.wgmesh.endpoint.deploy.WireGuardBackendChoice;
import org.wgmesh.endpoint.deploy.plan.Layout;

/** Picks the WireGuard backend: probed (kernel module first), or forced by the operator. */
public final class WireGuardBackends {
  private WireGuardBackends() {}

  /**
   * Returns the backend for {@code choice}. {@code AUTO} asks {@code modprobe -n wireguard} (a
   * query: it loads nothing) whether the kernel has the module, else uses wireguard-go.
   *
   * @throws DeployException when the forced or probed backend is not available
   */
  public static WireGuardBackend select(
      WireGuardBackendChoice choice, CommandRunner runner, Layout layout,
      Supervisor supervisor, Waiter waiter) {
    WireGuardBackendChoice c = choice;
    if (c == WireGuardBackendChoice.AUTO) {
      c = kernelAvailable(runner) ? WireGuardBackendChoice.KERNEL : WireGuardBackendChoice.USERSPACE;
    }
    if (c == WireGuardBackendChoice.KERNEL) {
      return new KernelWireGuard(runner);
    }
    if (!runner.execute(Command.query("wireguard-go", "--version")).ok()) {
      throw new DeployException(
          "WireGuard backend", "the kernel has no wireguard module and wireguard-go is not installed",
          "install wireguard-go (apt-get install wireguard-go), or load the kernel module");
    }
    return new UserspaceWireGuard(runner, layout, supervisor, waiter);
  }

  static boolean kernelAvailable(CommandRunner runner) {
    try {
      return runner.execute(Command.query("modprobe", "-n", "-q", "wireguard")).ok();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
