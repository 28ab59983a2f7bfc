package org.wgmesh.core.cli;

import picocli.CommandLine.Option;

/** {@code -v} and {@code -q}, mixed into every command. */
public final class CommonOptions {
  @Option(
      names = {"-v", "--verbose"},
      description = "Say more on stderr.")
  boolean verbose;

  @Option(
      names = {"-q", "--quiet"},
      description = "Say only warnings and errors on stderr.")
  boolean quiet;

  /** The reporter for these flags, writing to the command's stderr. */
  public Reporter reporter(Io io) {
    Reporter.Verbosity v =
        quiet
            ? Reporter.Verbosity.QUIET
            : verbose ? Reporter.Verbosity.VERBOSE : Reporter.Verbosity.NORMAL;
    return new Reporter(io.err(), v);
  }
}
