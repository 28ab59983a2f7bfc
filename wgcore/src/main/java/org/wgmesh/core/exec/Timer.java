package org.wgmesh.core.exec;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A named daemon thread that runs scheduled work (the site service's status writer, its push watch,
 * its republication of observed addresses), and its orderly stop. Named, so that tests can check
 * that none outlives the service; a daemon, so that a forgotten one never keeps the JVM alive.
 */
public final class Timer {
  private Timer() {}

  /** A single-thread scheduler whose thread is named {@code name}. */
  public static ScheduledExecutorService named(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Lets the work in progress finish, at most {@code wait}, then interrupts it; runs nothing new.
   */
  public static void stop(ScheduledExecutorService timer, Duration wait) {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      timer.shutdownNow();
    }
  }
}
