package org.wgmesh.endpoint.follow;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.WgmeshException;

/**
 * {@code wgdeploy --follow} (issue 24, the push): holds a nudge request open at the site's service
 * and runs the normal deploy, which reads and verifies the signed records from DNS, whenever the
 * site's serial passes the one last acted on. A nudge is a hint and nothing more: a lost one is
 * caught by the timer, a forged or repeated one costs one deploy that finds nothing to change. So
 * the follower never fails: errors are logged (each distinct one once at warning level) and it asks
 * again after a growing pause, while the timer keeps deploying as before.
 */
public final class Follower {
  /** Asks the site: blocks until it publishes past {@code after} or its wait ends. */
  @FunctionalInterface
  public interface Channel {
    /**
     * @return the site's serial now
     * @throws WgmeshException when the service cannot be asked (unreachable, busy, refusing)
     */
    long nudge(long after);
  }

  /** The normal deploy of the mesh. */
  @FunctionalInterface
  public interface Deployer {
    /**
     * @return whether it changed anything
     * @throws WgmeshException as any deploy
     */
    boolean deploy();
  }

  /** Waits; tests make it instant. */
  @FunctionalInterface
  public interface Pause {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** The first pause after a failed request; it doubles up to {@link #MAX_BACKOFF}. */
  public static final Duration MIN_BACKOFF = Duration.ofSeconds(1);

  /** The longest pause between failed requests. */
  public static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  /**
   * A nudged deploy that found nothing to change runs once more after this: the nudge can come
   * before DNS serves the publication (a zone-file target whose server reloads after wgpub, a
   * secondary that transfers the zone a moment later). Short, because the follower asks for no
   * nudge meanwhile (a publication in that time is acted on after it, at once).
   */
  public static final Duration RECHECK_AFTER = Duration.ofSeconds(5);

  /** A deploy that met another run (the timer's) tries again after this. */
  public static final Duration CONFLICT_PAUSE = Duration.ofSeconds(2);

  private final Channel channel;
  private final Deployer deployer;
  private final Pause pause;
  private final Reporter reporter;
  private long acted;
  private Optional<String> lastWarning = Optional.empty();

  public Follower(Channel channel, Deployer deployer, Pause pause, Reporter reporter) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.deployer = Objects.requireNonNull(deployer, "deployer");
    this.pause = Objects.requireNonNull(pause, "pause");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
  }

  /**
   * Follows until {@code stopped} says so (checked between requests) or the thread is interrupted.
   * The first request asks after serial 0, so a follower that starts deploys once at once.
   */
  public void run(BooleanSupplier stopped) throws InterruptedException {
    Duration backoff = MIN_BACKOFF;
    while (!stopped.getAsBoolean()) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      long serial;
      try {
        serial = channel.nudge(acted);
      } catch (WgmeshException e) {
        warnOnce("cannot ask the site for nudges: " + e.getMessage());
        pause.sleep(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
        continue;
      }
      backoff = MIN_BACKOFF;
      if (lastWarning.isPresent()) {
        reporter.info("asking the site for nudges again");
        lastWarning = Optional.empty();
      }
      step(serial);
    }
  }

  /** One answer: a higher serial deploys; a lower one (the site's state went back) is followed. */
  void step(long serial) throws InterruptedException {
    if (serial < acted) {
      reporter.info("the site's serial went back from %d to %d: following it", acted, serial);
      acted = serial;
      return;
    }
    if (serial == acted) {
      return; // the wait ended with nothing new
    }
    if (acted == 0) {
      // The first answer is the site's serial as it stands, not a publication: one deploy catches
      // up with whatever happened while nobody followed; there is no publication to wait for.
      reporter.info("the site is at serial %d; deploying", serial);
      deployOnce(serial);
    } else {
      reporter.info("nudged: the site published serial %d; deploying", serial);
      deployFor(serial);
    }
    acted = serial;
  }

  /** The serial last acted on. */
  long acted() {
    return acted;
  }

  private void deployFor(long serial) throws InterruptedException {
    if (!deployOnce(serial)) {
      pause.sleep(RECHECK_AFTER);
      deployOnce(serial);
    }
  }

  /** One deploy, again after a conflict with another run; true when it changed something. */
  private boolean deployOnce(long serial) throws InterruptedException {
    try {
      return tryDeploy();
    } catch (ConflictException e) {
      pause.sleep(CONFLICT_PAUSE);
      try {
        return tryDeploy();
      } catch (WgmeshException again) {
        reporter.warn("deploy for serial %d: %s", serial, again.getMessage());
        return true; // nothing more to try for this nudge: the timer's run covers it
      }
    } catch (WgmeshException e) {
      reporter.warn("deploy for serial %d: %s", serial, e.getMessage());
      return true; // a failed deploy is not retried here: it would fail the same way
    }
  }

  private boolean tryDeploy() {
    boolean changed = deployer.deploy();
    reporter.info(changed ? "deployed" : "deployed: nothing to change");
    return changed;
  }

  private void warnOnce(String message) {
    if (lastWarning.isEmpty() || !lastWarning.get().equals(message)) {
      reporter.warn("%s", message);
      lastWarning = Optional.of(message);
    } else {
      reporter.detail("%s", message);
    }
  }
}
