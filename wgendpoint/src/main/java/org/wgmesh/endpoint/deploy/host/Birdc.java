package org.wgmesh.endpoint.deploy.host;

import java.nio.file.Path;
import org.wgmesh.core.exec.Command;

/** {@code birdc -s SOCKET ...} command lines for one BIRD. */
public final class Birdc {
  /** What {@code birdc show status} prints when BIRD runs. */
  public static final String UP = "Daemon is up";

  private final String socket;

  private Birdc(String socket) {
    this.socket = socket;
  }

  /** The BIRD behind {@code socket}. */
  public static Birdc at(Path socket) {
    return new Birdc(socket.toString());
  }

  public Command showStatus() {
    return Command.query("birdc", "-s", socket, "show", "status");
  }

  public Command showProtocols() {
    return Command.query("birdc", "-s", socket, "show", "protocols");
  }

  public Command showBfdSessions() {
    return Command.query("birdc", "-s", socket, "show", "bfd", "sessions");
  }

  /** How many routes of {@code table} BGP brought in: {@code N of M routes ...}. */
  public Command countBgpRoutes(String table) {
    return Command.query(
        "birdc", "-s", socket, "show", "route", "table", table, "where", "source", "=", "RTS_BGP",
        "count");
  }

  /** Re-reads the configuration file; birdc exits 0 even when BIRD refuses it (read the answer). */
  public Command configure() {
    return Command.change("birdc", "-s", socket, "configure");
  }

  /** Stops BIRD. */
  public Command down() {
    return Command.change("birdc", "-s", socket, "down");
  }
}
