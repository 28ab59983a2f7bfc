package org.wgmesh.endpoint.deploy.apply;

/**
 * Creates and removes WireGuard interfaces inside a namespace. Both implementations are configured
 * the same way afterwards ({@code wg setconf} / {@code wg syncconf}, {@code ip addr}).
 */
public interface WireGuardBackend {
  /** A short name for messages ({@code kernel}, {@code wireguard-go}). */
  String name();

  /**
   * Creates interface {@code iface} in namespace {@code ns} and returns once {@code wg} can
   * configure it.
   *
   * @throws org.wgmesh.core.exec.CommandFailedException when it cannot be created
   */
  void create(String ns, String iface);

  /** Removes the interface (and, for userspace, its process). Idempotent. */
  void delete(String ns, String iface);
}
