package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.io.Lock;

/**
 * Carries out planned steps: {@link HostTransactions} on the host, {@link DryRunTransactions} not
 * at all (it only reports them). The choice between the two is the only place a dry run differs
 * from a real run.
 */
public interface Transactions {
  /**
   * What was carried out.
   *
   * @param applied whether the steps ran (false for a dry run)
   * @param steps the steps planned, in order
   */
  record Outcome(boolean applied, List<Step> steps) {
    public Outcome {
      steps = List.copyOf(steps);
    }
  }

  /**
   * Takes the lock of one mesh without waiting.
   *
   * @throws ConflictException from {@code whenHeld} when another run holds it
   */
  Lock lock(Path file, Supplier<ConflictException> whenHeld);

  /**
   * Runs {@code steps} in order as one transaction: when one fails, the steps done are undone in
   * reverse order.
   *
   * @param subject what is changed, for the error message
   * @throws org.wgmesh.core.error.DeployException naming the step that failed and whether the
   *     previous state is back
   */
  Outcome transaction(String subject, List<Step> steps);

  /**
   * Runs every step even when an earlier one fails (a teardown).
   *
   * @throws org.wgmesh.core.error.DeployException listing the steps that failed, after all ran
   */
  Outcome bestEffort(String subject, List<Step> steps);

  /**
   * Writes a monitoring file (the metrics for node_exporter) atomically, mode 0644, when its
   * directory exists; nothing otherwise (a host without node_exporter). A dry run writes none.
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be written
   */
  void report(Path file, String text);
}
