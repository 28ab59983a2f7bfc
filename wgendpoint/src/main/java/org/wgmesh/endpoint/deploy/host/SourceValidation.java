package org.wgmesh.endpoint.deploy.host;

import org.wgmesh.core.exec.Command;

/**
 * The source validation of every WireGuard link inside the mesh namespace: an nftables table that
 * drops a packet coming in by a WireGuard interface unless the route back to its source leaves by
 * that same interface (a strict reverse-path check, {@code fib saddr . iif oif missing}), IPv4 and
 * IPv6.
 *
 * <p>Why routes and not a list of prefixes per link: what a link may carry is what the mesh routes
 * over it. Its peer's own LAN and link addresses always; another member's LAN only while the routes
 * go through that peer (a transit host: every host of a full mesh, the hubs of hub-and-spoke),
 * which is exactly when a failover or a hub relays it, because both ends see the same BGP paths and
 * BFD states. So a member can no longer send into the mesh as another member's LAN whose direct
 * link is up, nor as an address outside the mesh (whose route is the default one, out of the
 * namespace), while relayed traffic passes. WireGuard's own AllowedIPs stay 0.0.0.0/0 and ::/0 so
 * that failover needs no reconfiguration.
 */
public final class SourceValidation {
  /** The nftables table wgdeploy owns in the namespace. */
  public static final String TABLE = "wgmesh";

  /** The rule's match, as {@code nft list} prints it back (the probe looks for it). */
  static final String MATCH = "fib saddr . iif oif missing";

  /**
   * One nft transaction: the table made sure to exist, deleted and written again, so a run replaces
   * whatever an earlier release or a person left there, atomically.
   */
  static final String SCRIPT =
      "add table inet "
          + TABLE
          + "\ndelete table inet "
          + TABLE
          + "\ntable inet "
          + TABLE
          + " {\n"
          + "  chain prerouting {\n"
          + "    type filter hook prerouting priority raw; policy accept;\n"
          + "    iifname \"wg*\" "
          + MATCH
          + " counter drop comment \"source not routed back over this WireGuard link\"\n"
          + "  }\n"
          + "}\n";

  private SourceValidation() {}

  /** Writes the table into {@code ns}. */
  public static Command apply(String ns) {
    return Ip.exec(ns, true, "nft", SCRIPT);
  }

  /** Lists the table in {@code ns}; fails when there is none. */
  public static Command list(String ns) {
    return Ip.exec(ns, false, "nft", "list", "table", "inet", TABLE);
  }

  /** Whether {@code listing} (the output of {@link #list}) holds the rule. */
  public static boolean inPlace(String listing) {
    return listing.contains("iifname \"wg*\" " + MATCH) && listing.contains(" drop");
  }
}
