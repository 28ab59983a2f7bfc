package org.wgmesh.core.cli;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * Where services report progress and warnings. Library code never prints; it calls this sink and
 * the command decides the verbosity. Everything goes to stderr: stdout is for data.
 */
public final class Reporter {
  /** How much to say. */
  public enum Verbosity {
    QUIET,
    NORMAL,
    VERBOSE
  }

  private final PrintWriter err;
  private final Verbosity verbosity;

  public Reporter(PrintWriter err, Verbosity verbosity) {
    this.err = err;
    this.verbosity = verbosity;
  }

  /** A reporter that drops everything, for tests and library callers that want silence. */
  public static Reporter silent() {
    return new Reporter(new PrintWriter(Writer.nullWriter()), Verbosity.QUIET);
  }

  /** Progress a person wants to see by default. Suppressed by {@code -q}. */
  public void info(String format, Object... args) {
    if (verbosity != Verbosity.QUIET) {
      err.println(args.length == 0 ? format : String.format(format, args));
    }
  }

  /** Something the operator should act on; shown even with {@code -q}. */
  public void warn(String format, Object... args) {
    err.println("warning: " + (args.length == 0 ? format : String.format(format, args)));
  }

  /** Detail for {@code -v}. Never pass secrets here. */
  public void detail(String format, Object... args) {
    if (verbosity == Verbosity.VERBOSE) {
      err.println(args.length == 0 ? format : String.format(format, args));
    }
  }

  public Verbosity verbosity() {
    return verbosity;
  }
}
