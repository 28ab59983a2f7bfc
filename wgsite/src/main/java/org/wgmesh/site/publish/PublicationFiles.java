package org.wgmesh.site.publish;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.wgmesh.core.io.Lock;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.site.Site;
import org.wgmesh.site.publish.names.NamesState;

/**
 * What a {@code wgpub} run changes beside DNS: the site file's lock, the publication state file and
 * the site file's {@code retired} list. {@link DiskPublicationFiles} changes them; {@link
 * DryRunPublicationFiles} (with {@link DryRunPublisher}, the whole of a dry run) only reports.
 */
public interface PublicationFiles {
  /**
   * Takes the site file's lock for the whole run (none when the file does not exist: loading it
   * then reports that error, and no lock file is created beside a missing site file).
   *
   * @throws org.wgmesh.core.error.ConflictException when another run holds it
   */
  Lock lock(Path siteFile);

  /**
   * Saves the publication state; leaves the file untouched when it would not change.
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be written
   */
  void saveState(Path statePath, PublicationState state);

  /**
   * Saves the names state (issue 25); an empty state removes the file. Leaves the file untouched
   * when it would not change, and creates none for an empty state.
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be written
   */
  void saveNamesState(Path path, NamesState state);

  /**
   * Removes {@code numbers} from the site file's {@code retired} list; does nothing for an empty
   * list. Works on the site loaded at the start of the run: the run holds the site file's lock, so
   * no wgsite or wgpub has changed it since.
   *
   * @param site the site as loaded at the start of the run
   * @return the site without those numbers, as the file now holds it
   * @throws org.wgmesh.core.error.FileException when the site file cannot be written
   */
  Site freeRetired(Path siteFile, Site site, List<Integer> numbers);

  /**
   * Completes a site-key roll whose overlap ended at {@code now}, once the records signed by the
   * new key are published: the site file names the new key and the old key file is replaced.
   *
   * @param site the site as the run has it (after {@link #freeRetired})
   * @throws org.wgmesh.core.error.FileException when a file cannot be written
   */
  void completeRoll(Path siteFile, Site site, Instant now);
}
