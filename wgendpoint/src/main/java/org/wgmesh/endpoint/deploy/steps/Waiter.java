package org.wgmesh.endpoint.deploy.steps;

import java.util.function.BooleanSupplier;

/**
 * Waits for a condition (a daemon's socket answering). Tests of planned effects use {@link #NONE}.
 */
@FunctionalInterface
public interface Waiter {
  /** Does not wait: for tests that play a host whose daemons answer at once. */
  Waiter NONE = condition -> true;

  /** Polls every 20 ms for up to 10 s. */
  Waiter POLLING =
      condition -> {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
          if (condition.getAsBoolean()) {
            return true;
          }
          if (System.nanoTime() > deadline) {
            return false;
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }
      };

  /** Returns whether {@code condition} became true in time. */
  boolean await(BooleanSupplier condition);
}
