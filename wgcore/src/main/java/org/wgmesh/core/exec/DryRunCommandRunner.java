package org.wgmesh.core.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Dry-run as a decorator: queries run for real (so the plan sees the live state), changes are
 * reported to a sink and answered with success without running.
 */
public final class DryRunCommandRunner implements CommandRunner {
  private final CommandRunner delegate;
  private final Consumer<Command> sink;
  private final List<Command> skipped = new ArrayList<>();

  public DryRunCommandRunner(CommandRunner delegate, Consumer<Command> sink) {
    this.delegate = delegate;
    this.sink = sink;
  }

  @Override
  public CommandResult execute(Command command) {
    if (!command.mutates()) {
      return delegate.execute(command);
    }
    skipped.add(command);
    sink.accept(command);
    return CommandResult.success("");
  }

  /** The changes that would have run, in order. */
  public List<Command> skipped() {
    return List.copyOf(skipped);
  }
}
