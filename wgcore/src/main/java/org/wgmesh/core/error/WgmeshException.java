package org.wgmesh.core.error;

import java.util.Objects;
import java.util.Optional;

/**
 * The base of every expected failure. It carries what failed ({@code what}), why, an optional
 * remedy, and the exit code; {@link org.wgmesh.core.cli.Cli} turns it into {@code error: <what>:
 * <why>} plus {@code hint: <remedy>} on stderr. Services throw it (or a subclass) and never exit
 * the process themselves.
 */
public class WgmeshException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;
  private final String what;
  private final String why;
  private final String hint;

  public WgmeshException(ExitCode exitCode, String what, String why, String hint, Throwable cause) {
    super(SafeText.escape(what) + ": " + SafeText.escape(why), cause);
    this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
    // Messages quote input (a zone file's token, a blob, a site-file value): no raw control
    // characters may reach a terminal.
    this.what = SafeText.escape(Objects.requireNonNull(what, "what"));
    this.why = SafeText.escape(Objects.requireNonNull(why, "why"));
    this.hint = SafeText.escape(hint);
  }

  public WgmeshException(ExitCode exitCode, String what, String why) {
    this(exitCode, what, why, null, null);
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  /** The thing that failed, e.g. a file path with line, a record name, a command. */
  public String what() {
    return what;
  }

  /** Why it failed. */
  public String why() {
    return why;
  }

  /** A remedy, when one is known. */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }
}
