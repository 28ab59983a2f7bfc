package org.wgmesh.endpoint.deploy.steps;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.wgmesh.core.exec.Command;

/**
 * One step of a deploy or a teardown: a label to print, what it does and how to undo it. The
 * planner returns steps in the order they must run; {@link Transactions} runs them and, when one
 * fails, undoes the ones done, newest first (the failed step's own undo included, with its failures
 * ignored: it may have done only part of its work).
 *
 * @param label what the step does, e.g. {@code create wg3 (kernel)}
 * @param apply its effects, in order
 * @param undo what puts the host back; empty when nothing needs to (or can) be undone
 */
public record Step(String label, List<Effect> apply, List<Effect> undo) {
  public Step {
    Objects.requireNonNull(label, "label");
    apply = List.copyOf(apply);
    undo = List.copyOf(undo);
  }

  /** A step with nothing to undo. */
  public static Step of(String label, List<Effect> apply) {
    return new Step(label, apply, List.of());
  }

  /** The commands the step runs, in order. */
  public Stream<Command> commands() {
    return apply.stream().flatMap(Step::command);
  }

  static Stream<Command> command(Effect e) {
    if (e instanceof Effect.Run r) {
      return Stream.of(r.command());
    }
    if (e instanceof Effect.ConfigureBird b) {
      return Stream.of(b.command());
    }
    if (e instanceof Effect.Validate v) {
      return Stream.of(v.command());
    }
    if (e instanceof Effect.Together t) {
      return t.effects().stream().flatMap(Step::command);
    }
    return Stream.empty();
  }
}
