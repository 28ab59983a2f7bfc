package org.wgmesh.site.enrolment;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.exec.Timer;
import org.wgmesh.core.io.ChangedFile;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.status.ObservedHosts;
import org.wgmesh.site.status.StatusFile;

/**
 * Publishes when the addresses the hosts are observed at change (issue 24: roaming, NAT traversal):
 * every {@link #LOOK_EVERY} it works out, from the stored health reports, what the records should
 * say ({@link ObservedHosts}) and runs {@code wgpub}'s code when that differs from what it last
 * published. The publication nudges the followers, so the peers follow within seconds of the
 * reports. The site file and the status file are read again only when they change.
 */
public final class ObservedRepublisher implements AutoCloseable {
  /** How often the reports are looked at. */
  public static final Duration LOOK_EVERY = Duration.ofSeconds(5);

  /** After a failed publication, the next try waits this long (the log gets one line a minute). */
  public static final Duration RETRY_AFTER = Duration.ofMinutes(1);

  private final Path siteFile;
  private final ChangedFile<Site> site;
  private final ChangedFile<Map<String, StatusFile.Received>> reports;
  private final SitePublisher publisher;
  private final Reporter reporter;
  private final Clock clock;
  private Optional<Map<Integer, Observed>> published = Optional.empty();
  private Instant quietUntil = Instant.MIN;
  private ScheduledExecutorService scheduler;

  ObservedRepublisher(Path siteFile, SitePublisher publisher, Reporter reporter, Clock clock) {
    this.siteFile = siteFile;
    this.site = new ChangedFile<>(siteFile, SiteFile::load);
    this.reports = new ChangedFile<>(StatusFile.beside(siteFile), StatusFile::read);
    this.publisher = publisher;
    this.reporter = reporter;
    this.clock = clock;
  }

  /** Starts looking every {@link #LOOK_EVERY} on a thread named {@code threadName}. */
  public static ObservedRepublisher start(
      Path siteFile, SitePublisher publisher, Reporter reporter, Clock clock, String threadName) {
    ObservedRepublisher r = new ObservedRepublisher(siteFile, publisher, reporter, clock);
    r.scheduler = Timer.named(threadName);
    long every = LOOK_EVERY.toMillis();
    r.scheduler.scheduleWithFixedDelay(r::lookQuietly, every, every, TimeUnit.MILLISECONDS);
    return r;
  }

  /**
   * One look: publishes when the observed addresses differ from those last published. The first
   * look publishes only when there is something observed (a service that starts without reports has
   * nothing to add to what {@code wgpub} published).
   *
   * @return whether it published
   */
  synchronized boolean look() {
    Instant now = clock.instant();
    if (now.isBefore(quietUntil)) {
      return false;
    }
    Map<Integer, Observed> want = ObservedHosts.observed(site.current(), reports.current(), now);
    if (published.isPresent() ? published.get().equals(want) : want.isEmpty()) {
      published = Optional.of(want);
      return false;
    }
    try {
      publisher.publish(siteFile);
    } catch (WgmeshException e) {
      reporter.warn(
          "observed addresses changed (%d host(s)) but publishing failed: %s; trying again in %d s",
          want.size(), e.getMessage(), RETRY_AFTER.toSeconds());
      quietUntil = now.plus(RETRY_AFTER);
      return false;
    }
    reporter.info("observed addresses changed: published (%s)", describe(want));
    published = Optional.of(want);
    return true;
  }

  /** A failure must not end the timer (a thrown exception would cancel it). */
  private void lookQuietly() {
    try {
      look();
    } catch (RuntimeException e) {
      reporter.warn("observed addresses not looked at: %s", e.getMessage());
    }
  }

  private static String describe(Map<Integer, Observed> observed) {
    if (observed.isEmpty()) {
      return "none";
    }
    StringBuilder b = new StringBuilder();
    observed.forEach(
        (n, o) ->
            b.append(b.length() == 0 ? "" : ", ")
                .append("host ")
                .append(n)
                .append(" at ")
                .append(o.address())
                .append(o.portsKept() ? "" : " (ports changed)"));
    return b.toString();
  }

  @Override
  public void close() {
    if (scheduler == null) {
      return;
    }
    // A publication in progress (which holds the site file's lock) is let finish.
    Timer.stop(scheduler, Duration.ofSeconds(30));
  }
}
