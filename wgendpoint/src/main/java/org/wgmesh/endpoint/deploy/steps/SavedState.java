package org.wgmesh.endpoint.deploy.steps;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.wgmesh.endpoint.deploy.host.DiskFile;
import org.wgmesh.endpoint.deploy.state.Journal;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.state.StateStore;

/**
 * wgdeploy's state directory of one namespace as one run found it: the manifest file (its text and
 * mode, and the {@link Manifest} parsed from that text) and the journal of an interrupted run.
 * Exists so that a run reads each state file once and hands the result on (to the namespace
 * discovery, the Shorewall merge and the {@link LiveState}) instead of each reading it again. The
 * journal is read when first asked for: the namespace discovery looks at other namespaces'
 * manifests only.
 */
public final class SavedState {
  private final StateStore store;
  private final DiskReader reader;
  private final Optional<DiskFile> manifestFile;
  private final Manifest manifest;
  private Optional<Journal> journal;

  private SavedState(StateStore store, DiskReader reader) {
    this.store = store;
    this.reader = reader;
    this.manifestFile = readState(store.manifestFile());
    this.manifest =
        manifestFile
            .map(f -> Manifest.fromProperties(StateStore.parse(store.manifestFile(), f.content())))
            .orElse(Manifest.empty());
  }

  /**
   * Reads the manifest of {@code store} through {@code reader}.
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be read or is damaged
   */
  public static SavedState read(StateStore store, DiskReader reader) {
    return new SavedState(store, reader);
  }

  /** The state directory. */
  public StateStore store() {
    return store;
  }

  /** The manifest of the last successful deploy; empty when there was none. */
  public Manifest manifest() {
    return manifest;
  }

  /** The manifest file as read (text and mode), if there is one. */
  Optional<DiskFile> manifestFile() {
    return manifestFile;
  }

  /**
   * The journal of an interrupted deploy, if one was interrupted; read on the first call only.
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be read or is damaged
   */
  public Optional<Journal> journal() {
    if (journal == null) {
      Path f = store.journalFile();
      journal = readState(f).map(j -> Journal.fromProperties(StateStore.parse(f, j.content())));
    }
    return journal;
  }

  private Optional<DiskFile> readState(Path f) {
    try {
      return reader.read(f);
    } catch (IOException e) {
      throw StateStore.damaged(f, e);
    }
  }
}
