package org.wgmesh.core.exec;

import java.util.Optional;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.WgmeshException;

/** An external process exited non-zero or could not start; carries argv, exit code and stderr. */
public class CommandFailedException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  private final transient Command command;
  private final transient Optional<CommandResult> result;

  public CommandFailedException(Command command, CommandResult result) {
    super(
        ExitCode.DEPLOY,
        "command '" + command.display() + "'",
        "exited with status " + result.exitCode() + describe(result.stderr()),
        null,
        null);
    this.command = command;
    this.result = Optional.of(result);
  }

  public CommandFailedException(Command command, String why, Throwable cause) {
    super(ExitCode.DEPLOY, "command '" + command.display() + "'", why, hintFor(command), cause);
    this.command = command;
    this.result = Optional.empty();
  }

  public Command command() {
    return command;
  }

  /** The result; empty when the process never started or was killed. */
  public Optional<CommandResult> result() {
    return result;
  }

  private static String describe(String stderr) {
    String s = stderr == null ? "" : stderr.strip();
    return s.isEmpty() ? "" : ": " + s;
  }

  private static String hintFor(Command command) {
    return "is '" + command.argv().get(0) + "' installed and on PATH?";
  }
}
