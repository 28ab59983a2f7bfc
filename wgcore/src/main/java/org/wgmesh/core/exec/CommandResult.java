package org.wgmesh.core.exec;

/**
 * What a finished process returned.
 *
 * @param exitCode its exit status
 * @param stdout its standard output, as text
 * @param stderr its standard error, as text
 */
public record CommandResult(int exitCode, String stdout, String stderr) {
  public boolean ok() {
    return exitCode == 0;
  }

  /** A successful result with this output, for fakes. */
  public static CommandResult success(String stdout) {
    return new CommandResult(0, stdout, "");
  }
}
