package org.wgmesh.site.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.io.Lock;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.site.SiteKeyRolls;
import org.wgmesh.site.publish.names.NamesState;

/**
 * {@link PublicationFiles} on disk: a {@link org.wgmesh.core.io.LockFile}, atomic writes, a {@code
 * .bak}.
 */
public final class DiskPublicationFiles implements PublicationFiles {
  private final Reporter reporter;
  private final Duration lockWait;

  /** Waits up to {@code lockWait} for the site file's lock. */
  public DiskPublicationFiles(Reporter reporter, Duration lockWait) {
    this.reporter = reporter;
    this.lockWait = lockWait;
  }

  @Override
  public Lock lock(Path siteFile) {
    return Files.exists(siteFile) ? SiteFile.lock(siteFile, lockWait) : Lock.NONE;
  }

  @Override
  public void saveState(Path statePath, PublicationState state) {
    if (AtomicFiles.write(statePath, state.toText(), AtomicFiles.SECRET)) {
      reporter.detail("saved publication state %s", statePath);
    }
  }

  @Override
  public void saveNamesState(Path path, NamesState state) {
    try {
      if (state.isEmpty()) {
        if (Files.deleteIfExists(path)) {
          reporter.detail("removed the names state %s: no name record is left", path);
        }
        return;
      }
    } catch (IOException e) {
      throw new FileException(path.toString(), "cannot delete: " + e.getMessage(), null, e);
    }
    // Public data: the names and addresses are published in DNS.
    if (AtomicFiles.write(path, state.toText(), AtomicFiles.PUBLIC)) {
      reporter.detail("saved names state %s", path);
    }
  }

  @Override
  public Site freeRetired(Path siteFile, Site site, List<Integer> numbers) {
    if (numbers.isEmpty()) {
      return site;
    }
    Site freed = site.withoutRetired(numbers);
    SiteFile.save(freed, siteFile);
    reporter.info("freed the numbers of %d removed host(s): %s", numbers.size(), numbers);
    return freed;
  }

  @Override
  public void completeRoll(Path siteFile, Site site, Instant now) {
    SiteKeyRolls.complete(site, siteFile, now)
        .ifPresent(
            done ->
                reporter.info(
                    "site-key roll complete: %s signs alone, the old key is dropped",
                    done.keys().fingerprint()));
  }
}
