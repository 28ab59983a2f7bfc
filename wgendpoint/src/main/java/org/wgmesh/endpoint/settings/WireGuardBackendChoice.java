package org.wgmesh.endpoint.settings;

/** Which WireGuard implementation to use; {@link #AUTO} probes for the kernel module first. */
public enum WireGuardBackendChoice {
  /** The kernel module when it is present, else wireguard-go. */
  AUTO,
  /** The kernel module ({@code ip link add ... type wireguard}). */
  KERNEL,
  /** The userspace implementation {@code wireguard-go}. */
  USERSPACE
}
