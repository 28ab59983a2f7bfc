package org.wgmesh.endpoint.follow;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How {@code wgdeploy --follow} stops on TERM or INT: a shutdown hook asks the follower to stop,
 * interrupts its thread when it waits (a nudge request or a pause; never a deploy, whose commands
 * an interrupt would cut), then waits for it to end, so that a deploy in progress finishes its
 * transaction before the JVM exits. The wait is bounded ({@link #MAX_WAIT_SECONDS}, below the
 * unit's stop timeout): a deploy that waits for a key switch longer is cut, and its transaction's
 * journal restores the previous files on the next run.
 */
public final class FollowerStop {
  /** The longest a stop waits for the follower. */
  public static final long MAX_WAIT_SECONDS = 60;

  private boolean requested;
  private boolean deploying;
  private Thread follower;
  private final CountDownLatch done = new CountDownLatch(1);

  private FollowerStop() {}

  /** Installs the hook for {@code follower}, the thread that runs the follower. */
  public static FollowerStop install(Thread follower) {
    FollowerStop stop = new FollowerStop();
    stop.follower = follower;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.request();
                  try {
                    stop.done.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "wgdeploy-follow-stop"));
    return stop;
  }

  /** Asks the follower to stop: interrupted now unless it deploys (then it ends after). */
  synchronized void request() {
    requested = true;
    if (!deploying) {
      follower.interrupt();
    }
  }

  /** Whether a stop was asked for. */
  public synchronized boolean requested() {
    return requested;
  }

  /**
   * Runs {@code deploy} unless a stop was asked for, shielded from the stop's interrupt.
   *
   * @return what {@code deploy} returned; false when it did not run
   */
  public boolean shielded(Follower.Deployer deploy) {
    synchronized (this) {
      if (requested) {
        return false;
      }
      deploying = true;
    }
    try {
      return deploy.deploy();
    } finally {
      synchronized (this) {
        deploying = false;
      }
    }
  }

  /** The follower has ended. */
  public void done() {
    done.countDown();
  }
}
