package org.wgmesh.endpoint.deploy.steps;

import java.util.List;

/**
 * Creates and removes WireGuard interfaces inside a namespace, as effects. Both implementations are
 * configured the same way afterwards ({@code wg setconf} / {@code wg syncconf}, {@code ip addr}).
 */
public interface WireGuardBackend {
  /** A short name for messages ({@code kernel}, {@code wireguard-go}). */
  String name();

  /** Creates {@code iface} in {@code ns}; done once {@code wg} can configure it. */
  List<Effect> create(String ns, String iface);

  /** Removes the interface (and, for userspace, its process); harmless when it is gone. */
  List<Effect> delete(String ns, String iface);
}
