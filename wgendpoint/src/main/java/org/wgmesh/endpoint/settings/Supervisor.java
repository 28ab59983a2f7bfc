package org.wgmesh.endpoint.settings;

/**
 * Who keeps the long-running daemons (BIRD, wireguard-go) alive. The unit files are rendered either
 * way; the choice only says who starts and stops the processes.
 */
public enum Supervisor {
  /**
   * wgdeploy starts the daemons itself, records their PIDs in the state directory and stops them by
   * PID. For hosts without systemd and for tests (nobody runs systemd there).
   */
  DIRECT,
  /** wgdeploy asks systemd ({@code systemctl start/reload/stop}) to run the rendered units. */
  SYSTEMD
}
