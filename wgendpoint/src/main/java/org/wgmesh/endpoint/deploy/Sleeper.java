package org.wgmesh.endpoint.deploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.wgmesh.core.error.DeployException;

/** Waits until an instant of a clock: a deploy waiting for a scheduled host key switch. */
@FunctionalInterface
public interface Sleeper {
  /**
   * Sleeps in steps of at most a second and re-reads the clock after each, so a clock that is set
   * (NTP) while waiting still ends the wait at its time, not a computed duration later.
   */
  Sleeper REAL =
      (at, clock) -> {
        while (true) {
          Duration left = Duration.between(clock.instant(), at);
          if (left.isNegative() || left.isZero()) {
            return;
          }
          try {
            Thread.sleep(Math.max(1, Math.min(1000, left.toMillis())));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException(
                "wgdeploy", "interrupted while waiting for the key switch at " + at);
          }
        }
      };

  /** Returns once {@code clock} shows {@code at} or later. */
  void sleepUntil(Instant at, Clock clock);
}
