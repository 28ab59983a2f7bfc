package org.wgmesh.site.publish;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.io.Lock;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.site.Site;
import org.wgmesh.site.publish.names.NamesState;

/**
 * The files side of a dry run: takes no lock (a dry run only reads, and must not create a lock
 * file) and reports each write it holds back. With {@link DryRunPublisher} it is all that makes a
 * run a dry run; nothing else in the publishing code asks.
 */
public final class DryRunPublicationFiles implements PublicationFiles {
  private final Reporter reporter;

  public DryRunPublicationFiles(Reporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public Lock lock(Path siteFile) {
    return Lock.NONE;
  }

  @Override
  public void saveState(Path statePath, PublicationState state) {
    reporter.detail("dry run: would save publication state %s", statePath);
  }

  @Override
  public void saveNamesState(Path path, NamesState state) {
    if (!state.isEmpty()) {
      reporter.detail("dry run: would save names state %s", path);
    }
  }

  @Override
  public Site freeRetired(Path siteFile, Site site, List<Integer> numbers) {
    if (!numbers.isEmpty()) {
      reporter.info(
          "dry run: would free the numbers of %d removed host(s) in %s: %s",
          numbers.size(), siteFile, numbers);
    }
    return site.withoutRetired(numbers);
  }

  @Override
  public void completeRoll(Path siteFile, Site site, Instant now) {
    reporter.info("dry run: would complete the site-key roll in %s (drop the old key)", siteFile);
  }
}
