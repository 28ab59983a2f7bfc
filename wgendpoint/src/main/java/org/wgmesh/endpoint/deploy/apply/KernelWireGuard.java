package org.wgmesh.endpoint.deploy.apply;

import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandRunner;

/** The kernel module: {@code ip link add ... type wireguard}. */
final class KernelWireGuard implements WireGuardBackend {
  private final CommandRunner runner;

  KernelWireGuard(CommandRunner runner) {
    this.runner = runner;
  }

  @Override
  public String name() {
    return "kernel";
  }

  @Override
  public void create(String ns, String iface) {
    runner.run(Command.change("ip", "-n", ns, "link", "add", iface, "type", "wireguard"));
  }

  @Override
  public void delete(String ns, String iface) {
    runner.execute(Command.change("ip", "-n", ns, "link", "del", iface));
  }
}
