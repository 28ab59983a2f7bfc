package org.wgmesh.endpoint.settings;

/**
 * Which firewall wgdeploy configures in the default namespace for the mesh: the DNAT of the
 * WireGuard ports into the namespace, the masquerade of what leaves it, and the filter rules around
 * them ({@code docs/deploy.md}, "Firewall").
 */
public enum Firewall {
  /**
   * Shorewall and Shorewall6 own the firewall; wgdeploy renders their files and keeps the
   * operator's in the {@code *.local} include files (the default).
   */
  SHOREWALL,
  /**
   * One nftables table of wgdeploy's own, {@code inet wgmesh}; every other table (the operator's
   * firewall) is left alone.
   */
  NFTABLES
}
