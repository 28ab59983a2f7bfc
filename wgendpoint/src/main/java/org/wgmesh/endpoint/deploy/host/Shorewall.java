package org.wgmesh.endpoint.deploy.host;

import java.nio.file.Path;
import org.wgmesh.core.exec.Command;

/** {@code shorewall} or {@code shorewall6} command lines. */
public enum Shorewall {
  V4("shorewall"),
  V6("shorewall6");

  private final String tool;

  Shorewall(String tool) {
    this.tool = tool;
  }

  /**
   * Where the Debian package keeps the files it ships in the configuration directory ({@code
   * conntrack}, {@code params}, {@code shorewall.conf}): a file there identical to one of these is
   * the package's default, not the operator's configuration.
   */
  public Path shippedDefaults() {
    return Path.of("/usr/share", tool, "configfiles");
  }

  /** The program name. */
  public String tool() {
    return tool;
  }

  /** Exits 0 only when the firewall is started. */
  public Command status() {
    return Command.query(tool, "status");
  }

  /**
   * Compiles a configuration directory into a firewall program: the check {@code shorewall check}
   * makes, with its result kept, so that starting needs no second compilation ({@link
   * #runProgram}).
   */
  public Command compile(Path dir, Path program) {
    // A query: it writes only the program, into wgdeploy's staging (as the staged files are).
    return Command.query(tool, "compile", dir.toString(), program.toString());
  }

  /**
   * Runs a compiled program with {@code action} ({@code start} or {@code reload}): what {@code
   * shorewall start} and {@code reload} do after compiling. The program installs itself as the one
   * Shorewall's other commands use ({@code clear}, {@code status}), as theirs does.
   */
  public static Command runProgram(Path program, String action) {
    return Command.change(program.toString(), action);
  }

  public Command start(Path dir) {
    return Command.change(tool, "start", dir.toString());
  }

  public Command reload(Path dir) {
    return Command.change(tool, "reload", dir.toString());
  }

  /** Removes every rule and opens the firewall (wgdeploy only clears what it started). */
  public Command clear() {
    return Command.change(tool, "clear");
  }
}
