package org.wgmesh.endpoint.deploy.steps;

import java.util.List;
import org.wgmesh.endpoint.deploy.host.Ip;

/** The kernel module: {@code ip link add ... type wireguard}. */
final class KernelWireGuard implements WireGuardBackend {
  @Override
  public String name() {
    return "kernel";
  }

  @Override
  public List<Effect> create(String ns, String iface) {
    return List.of(Effect.Run.of(Ip.in(ns).linkAddWireGuard(iface)));
  }

  @Override
  public List<Effect> delete(String ns, String iface) {
    return List.of(Effect.Run.tolerant(Ip.in(ns).linkDel(iface)));
  }
}
