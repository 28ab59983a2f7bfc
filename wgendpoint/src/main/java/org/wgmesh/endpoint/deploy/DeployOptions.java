package org.wgmesh.endpoint.deploy;

import java.util.Objects;

/**
 * How to run a deploy.
 *
 * @param dryRun compute and report the file diff and the commands, change nothing
 * @param wgdeployCommand the wgdeploy command the rendered systemd units run
 */
public record DeployOptions(boolean dryRun, String wgdeployCommand) {
  public DeployOptions {
    Objects.requireNonNull(wgdeployCommand, "wgdeployCommand");
  }

  /** A real run with the default installed {@code /usr/local/bin/wgdeploy} in the units. */
  public static DeployOptions apply() {
    return new DeployOptions(false, UnitCommand.INSTALLED);
  }

  public DeployOptions withDryRun(boolean d) {
    return new DeployOptions(d, wgdeployCommand);
  }
}
