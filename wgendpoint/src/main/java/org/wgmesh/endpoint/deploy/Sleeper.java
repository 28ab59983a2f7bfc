package org.wgmesh.endpoint.deploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.wgmesh.core.error.DeployException;

/** Waits until an instant of a clock: a deploy waiting for a scheduled host key switch. */
@FunctionalInterface
public interface Sleeper {
  /** Below this much time left, {@link #REAL} spins instead of sleeping. */
  long SPIN_NANOS = 20_000_000L;

  /**
   * Sleeps half of what is left (at most a second) and re-reads the clock after each nap, so a
   * clock that is set (NTP) while waiting still ends the wait at its time, and a sleep that
   * overruns (timer slack, a loaded machine) does not carry the wake-up past it; the last
   * milliseconds are spun, because a sleep that short can overrun by more than it lasts.
   */
  Sleeper REAL =
      (at, clock) -> {
        while (true) {
          long left = Duration.between(clock.instant(), at).toNanos();
          if (left <= 0) {
            return;
          }
          if (left <= SPIN_NANOS) {
            Thread.onSpinWait();
            continue;
          }
          try {
            Thread.sleep(Math.min(1000, Math.max(1, (left - SPIN_NANOS) / 2_000_000)));
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
