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

  /** A real run with the installed {@code /usr/bin/wgdeploy} in the units. */
  public static DeployOptions apply() {
    return new DeployOptions(false, "/usr/bin/wgdeploy");
  }

  public DeployOptions withDryRun(boolean d) {
    return new DeployOptions(d, wgdeployCommand);
  }
}
