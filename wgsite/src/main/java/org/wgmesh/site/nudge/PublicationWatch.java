package org.wgmesh.site.nudge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.io.ChangedFile;
import org.wgmesh.core.record.PublicationState;

/**
 * Tells the {@link NudgeHub} when the site published: it looks at the publication state file
 * ({@code <site>.publish-state}, written by {@code wgpub} and by the service's own admissions)
 * every {@code every}, a stat unless the file changed, and hands a higher serial on. Polling, not
 * inotify: a stat every fraction of a second costs nothing, works on every file system, and cannot
 * miss an event. A state file that cannot be read is reported once per change and the serial known
 * stays (a half-written file is never seen: wgpub renames a complete one into place).
 */
public final class PublicationWatch implements AutoCloseable {
  private final ChangedFile<Long> serials;
  private final NudgeHub hub;
  private final Consumer<String> warnings;
  private ScheduledFuture<?> task;
  private Optional<WgmeshException> reported = Optional.empty();

  /**
   * @param stateFile the site's publication state ({@code SitePublication.statePath})
   */
  PublicationWatch(Path stateFile, NudgeHub hub, Consumer<String> warnings) {
    this.serials = new ChangedFile<>(stateFile, PublicationWatch::serial);
    this.hub = hub;
    this.warnings = warnings;
  }

  /** Starts looking every {@code every} on {@code scheduler}; the first look is now. */
  public static PublicationWatch start(
      Path stateFile,
      NudgeHub hub,
      Consumer<String> warnings,
      ScheduledExecutorService scheduler,
      Duration every) {
    PublicationWatch watch = new PublicationWatch(stateFile, hub, warnings);
    watch.look();
    watch.task =
        scheduler.scheduleWithFixedDelay(
            watch::look, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return watch;
  }

  /** The serial the state file holds now (0 when there is none yet). */
  public long serial() {
    return serials.current();
  }

  /** One look: a new serial goes to the hub. */
  synchronized void look() {
    try {
      hub.published(serials.current());
      reported = Optional.empty();
    } catch (WgmeshException e) {
      // The same failure (kept by ChangedFile until the file changes) is reported once.
      if (reported.isEmpty() || reported.get() != e) {
        reported = Optional.of(e);
        warnings.accept("nudges wait: the publication state cannot be read: " + e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    if (task != null) {
      task.cancel(false);
    }
  }

  private static long serial(Path stateFile) {
    if (!Files.exists(stateFile)) {
      return 0L;
    }
    try {
      return PublicationState.parse(Files.readString(stateFile), stateFile.toString()).lastSerial();
    } catch (IOException e) {
      throw new FileException(stateFile.toString(), "cannot be read: " + e.getMessage());
    }
  }
}
