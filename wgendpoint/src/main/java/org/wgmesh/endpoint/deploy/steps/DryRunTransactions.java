package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.io.Lock;

/**
 * The dry run: takes no lock (a lock file would be a file written) and runs no step; the outcome
 * lists what would have run. Planning, which only reads, happens exactly as for a real run.
 */
public final class DryRunTransactions implements Transactions {
  @Override
  public Lock lock(Path file, Supplier<ConflictException> whenHeld) {
    return Lock.NONE;
  }

  @Override
  public Outcome transaction(String subject, List<Step> steps) {
    return new Outcome(false, steps);
  }

  @Override
  public void report(Path file, String text) {
    // A dry run writes no file.
  }

  @Override
  public Outcome bestEffort(String subject, List<Step> steps) {
    return new Outcome(false, steps);
  }
}
