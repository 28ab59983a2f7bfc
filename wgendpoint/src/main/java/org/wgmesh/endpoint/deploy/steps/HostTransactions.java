package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.io.Lock;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.endpoint.deploy.health.Metrics;

/** Runs steps on the host, through {@link HostEffects}, with undo on failure. */
public final class HostTransactions implements Transactions {
  /** Carries out one effect; {@link HostEffects} on the host, a recording fake in tests. */
  @FunctionalInterface
  interface EffectRunner {
    void apply(Effect effect);
  }

  private final EffectRunner effects;
  private final Reporter reporter;

  public HostTransactions(CommandRunner runner, Reporter reporter, Waiter waiter) {
    this(new HostEffects(runner, waiter)::apply, reporter);
  }

  /** For tests: effects carried out by {@code effects}. */
  HostTransactions(EffectRunner effects, Reporter reporter) {
    this.effects = effects;
    this.reporter = reporter;
  }

  @Override
  public Lock lock(Path file, Supplier<ConflictException> whenHeld) {
    return LockFile.acquire(file, Duration.ZERO, whenHeld);
  }

  @Override
  public Outcome transaction(String subject, List<Step> steps) {
    List<Step> done = new ArrayList<>();
    for (Step step : steps) {
      reporter.detail("step: %s", step.label());
      try {
        step.apply().forEach(effects::apply);
      } catch (RuntimeException e) {
        // The failed step may have done part of its work: undo it too, but what fails there is
        // expected (the part not done cannot be undone).
        tolerant(step.undo());
        List<String> undoFailures = new ArrayList<>();
        for (int i = done.size() - 1; i >= 0; i--) {
          Step d = done.get(i);
          for (Effect u : d.undo()) {
            try {
              effects.apply(u);
            } catch (RuntimeException ue) {
              undoFailures.add(d.label() + ": " + ue.getMessage());
            }
          }
        }
        String why = step.label() + " failed: " + e.getMessage();
        throw new DeployException(
            subject,
            why
                + (undoFailures.isEmpty()
                    ? "; the previous configuration was restored"
                    : "; restoring the previous state also failed: "
                        + String.join("; ", undoFailures)),
            undoFailures.isEmpty() ? null : "run wgdeploy again; it completes the recovery",
            e);
      }
      done.add(step);
    }
    return new Outcome(true, steps);
  }

  @Override
  public void report(Path file, String text) {
    Metrics.write(file, text);
  }

  @Override
  public Outcome bestEffort(String subject, List<Step> steps) {
    List<String> failures = new ArrayList<>();
    for (Step step : steps) {
      reporter.detail("step: %s", step.label());
      try {
        step.apply().forEach(effects::apply);
      } catch (RuntimeException e) {
        failures.add(step.label() + ": " + e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new DeployException(
          subject,
          "some steps failed: " + String.join("; ", failures),
          "fix the cause and run it again; it skips what is already gone");
    }
    return new Outcome(true, steps);
  }

  private void tolerant(List<Effect> undo) {
    for (Effect u : undo) {
      try {
        effects.apply(u);
      } catch (RuntimeException ignored) {
        // see transaction()
      }
    }
  }
}
