package org.wgmesh.core.cli;

import java.util.function.Function;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.WgmeshException;
import picocli.CommandLine;

/**
 * Runs one command and turns every outcome into an exit code from {@link ExitCode}: the one place
 * where exceptions become messages. Format: {@code error: <what>: <why>} and, when a remedy is
 * known, {@code hint: <remedy>}, both on stderr.
 */
public final class Cli {
  private Cli() {}

  /**
   * Parses {@code args} for the command made by {@code factory} and executes it.
   *
   * @return the process exit status; never throws
   */
  public static int run(Function<Io, Object> factory, Io io, String... args) {
    Object command = factory.apply(io);
    CommandLine cl = new CommandLine(command);
    cl.setOut(io.out());
    cl.setErr(io.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // No picocli @argfile expansion: "@FILE" is an ordinary value (wgsite -i @blobs.txt reads it
    // itself).
    cl.setExpandAtFiles(false);
    cl.setExitCodeExceptionMapper(Cli::exitCodeOf);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          io.err().println("error: " + ex.getMessage());
          io.err().println("hint: see '" + ex.getCommandLine().getCommandName() + " --help'");
          return parameterExitCode(ex).code();
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          report(ex, io);
          return exitCodeOf(ex);
        });
    int rc = cl.execute(args);
    io.out().flush();
    io.err().flush();
    return rc;
  }

  /** Entry point helper for {@code main}: runs with the process streams and exits. */
  public static void main(Function<Io, Object> factory, String... args) {
    Io io = Io.system();
    int rc;
    try {
      rc = run(factory, io, args);
    } catch (OutOfMemoryError e) {
      // Inputs are size-limited before parsing (issue 19); this is the net under that, so a
      // person gets one line and a remedy, not a JVM stack trace.
      io.err().println("error: out of memory: the Java heap is too small for this run");
      io.err().println("hint: give it more with WGMESH_JAVA_OPTS=-Xmx1g (see docs/install.md)");
      rc = ExitCode.INTERNAL.code();
    }
    System.exit(rc);
  }

  /**
   * A value picocli could not convert ({@code --portbase lots}, {@code --allow-ssh-from-net maybe})
   * is a bad option value, INPUT in docs/exit-codes.md; an unknown option, a missing argument or
   * options that do not go together is a bad command line, USAGE.
   */
  static ExitCode parameterExitCode(CommandLine.ParameterException ex) {
    return ex.getCause() instanceof CommandLine.TypeConversionException
            || ex.getMessage().startsWith("Invalid value for ")
        ? ExitCode.INPUT
        : ExitCode.USAGE;
  }

  static int exitCodeOf(Throwable t) {
    if (t instanceof WgmeshException w) {
      return w.exitCode().code();
    }
    return ExitCode.INTERNAL.code();
  }

  private static void report(Exception ex, Io io) {
    if (ex instanceof WgmeshException w) {
      io.err().println("error: " + w.what() + ": " + w.why());
      w.hint().ifPresent(h -> io.err().println("hint: " + h));
      return;
    }
    // Not an expected failure: a bug. Say where, so it can be reported.
    io.err().println("error: internal: " + ex);
    for (StackTraceElement e : ex.getStackTrace()) {
      io.err().println("    at " + e);
    }
    io.err().println("hint: this is a bug in wgmesh; please report it with the lines above");
  }
}
