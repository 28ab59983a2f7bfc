package org.wgmesh.endpoint.deploy.host;

import java.nio.file.Path;
import org.wgmesh.core.exec.Command;

/**
 * {@code nft} command lines for wgdeploy's own table {@code inet wgmesh} in the default namespace
 * (firewall: nftables). Every command names that table: no other table is read or changed.
 */
public final class Nft {
  /** The family of wgdeploy's table. */
  public static final String FAMILY = "inet";

  /** The name of wgdeploy's table. */
  public static final String TABLE = "wgmesh";

  private Nft() {}

  /** Exits 0 only when the table exists. */
  public static Command listTable() {
    return Command.query("nft", "list", "table", FAMILY, TABLE);
  }

  /** Checks a script without loading it ({@code nft -c -f}). */
  public static Command check(Path script) {
    return Command.query("nft", "-c", "-f", script.toString());
  }

  /** Loads a script in one transaction: the rendered one replaces the table whole. */
  public static Command load(Path script) {
    return Command.change("nft", "-f", script.toString());
  }

  /** Removes the table and only it. */
  public static Command deleteTable() {
    return Command.change("nft", "delete", "table", FAMILY, TABLE);
  }

  /**
   * IPv4 forwarding in the default namespace, which the DNAT into the namespace needs (Shorewall's
   * {@code IP_FORWARDING=On} does the same).
   */
  public static Command forwardingOn() {
    return Command.change("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
  }
}
