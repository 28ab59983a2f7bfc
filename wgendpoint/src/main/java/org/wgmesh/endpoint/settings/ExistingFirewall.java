package org.wgmesh.endpoint.settings;

/**
 * What the first Shorewall deploy does with a Shorewall configuration that is already on the router
 * and was not written by wgdeploy ({@code docs/deploy.md}, "A router with its own Shorewall").
 */
public enum ExistingFirewall {
  /** Stop with an error naming the directory and changing nothing (the default). */
  REFUSE,
  /**
   * Move the operator's zones, interfaces, policy, rules and snat into their {@code *.local}
   * include files and save the original directory for {@code --down}.
   */
  MERGE
}
