package org.wgmesh.core.exec;

/**
 * Runs external processes. Every call to {@code ip}, {@code wg}, {@code birdc}, {@code shorewall},
 * {@code wireguard-go} goes through this interface, so tests can record the exact argv lists and
 * dry-run can be a decorator.
 */
public interface CommandRunner {
  /**
   * Runs {@code command} and waits for it.
   *
   * @return its result, whatever the exit status
   * @throws CommandFailedException only when the process could not be started
   */
  CommandResult execute(Command command);

  /**
   * Runs {@code command} and requires success.
   *
   * @return the result of a zero exit
   * @throws CommandFailedException when it exits non-zero or cannot start
   */
  default CommandResult run(Command command) {
    CommandResult r = execute(command);
    if (!r.ok()) {
      throw new CommandFailedException(command, r);
    }
    return r;
  }
}
