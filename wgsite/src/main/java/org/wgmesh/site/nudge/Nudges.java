package org.wgmesh.site.nudge;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.wgmesh.core.exec.Timer;

/**
 * The push of a site (issue 24): the {@link NudgeHub} the service's {@code GET /v1/nudge} waits on,
 * fed by a {@link PublicationWatch} of the site's publication state on a thread of its own. Whoever
 * publishes ({@code wgpub} from a shell or a timer, the service's own admissions) is seen the same
 * way: by the state file it writes once the records are in DNS.
 */
public final class Nudges implements AutoCloseable {
  /** How often the publication state is looked at: a stat, well below the push's 5 s target. */
  public static final Duration LOOK_EVERY = Duration.ofMillis(200);

  private final NudgeHub hub;
  private final PublicationWatch watch;
  private final ScheduledExecutorService scheduler;

  private Nudges(NudgeHub hub, PublicationWatch watch, ScheduledExecutorService scheduler) {
    this.hub = hub;
    this.watch = watch;
    this.scheduler = scheduler;
  }

  /**
   * Starts watching the site's publication state {@code stateFile} ({@code
   * SitePublication.statePath}: passed in, so that the push does not depend on the publisher).
   *
   * @param maxFollowers how many endpoints may wait at once
   * @param threadName the watch thread's name (the service's prefix, so tests see it end)
   * @param warnings where a state file that cannot be read is reported (once per change)
   */
  public static Nudges watch(
      Path stateFile, int maxFollowers, String threadName, Consumer<String> warnings) {
    ScheduledExecutorService scheduler = Timer.named(threadName);
    NudgeHub hub = new NudgeHub(0, maxFollowers);
    PublicationWatch watch;
    try {
      watch = PublicationWatch.start(stateFile, hub, warnings, scheduler, LOOK_EVERY);
    } catch (RuntimeException e) {
      scheduler.shutdownNow();
      throw e;
    }
    return new Nudges(hub, watch, scheduler);
  }

  /** The endpoints waiting, and the serial they wait on. */
  public NudgeHub hub() {
    return hub;
  }

  /** Stops watching and ends the watch thread. */
  @Override
  public void close() {
    watch.close();
    Timer.stop(scheduler, Duration.ofSeconds(5));
  }
}
