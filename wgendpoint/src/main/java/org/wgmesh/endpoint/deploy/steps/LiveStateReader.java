package org.wgmesh.endpoint.deploy.steps;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.error.FileException;
import org.wgmesh.endpoint.deploy.host.DiskFile;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.state.Journal;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.state.StateStore;

/** Reads the files and wgdeploy state that make up a {@link LiveState}; reads only. */
public final class LiveStateReader {
  private LiveStateReader() {}

  /**
   * The live state of {@code saved}'s namespace: its state as already read, and the files below.
   *
   * @param host the probed running system
   * @param saved the run's read of the state directory (not read again here)
   * @param paths files the deploy renders or keeps state in (the manifest's files are added)
   * @param reader reads those files
   */
  public static LiveState read(
      HostState host, SavedState saved, Collection<Path> paths, DiskReader reader) {
    StateStore state = saved.store();
    Manifest manifest = saved.manifest();
    Optional<Journal> journal = saved.journal();
    Set<Path> all = new LinkedHashSet<>(paths);
    all.addAll(manifest.files());
    all.add(state.manifestFile());
    Map<Path, DiskFile> files = new HashMap<>();
    for (Path p : all) {
      if (!p.equals(state.manifestFile())) {
        read(reader, p).ifPresent(f -> files.put(p, f));
      }
    }
    // The manifest file as the run read it (the deploy compares the one it writes with it).
    saved.manifestFile().ifPresent(f -> files.put(state.manifestFile(), f));
    journal.ifPresent(
        j -> {
          // What recovery puts back is what this run starts from.
          for (Path p : j.replaced()) {
            read(reader, state.mirror(StateStore.BACKUP, p))
                .ifPresentOrElse(f -> files.put(p, f), () -> files.remove(p));
          }
          j.added().forEach(files::remove);
        });
    Set<Path> pristine = new HashSet<>();
    for (Path p : all) {
      if (state.has(StateStore.PRISTINE, p)) {
        pristine.add(p);
      }
    }
    return new LiveState(host, files, manifest, journal, pristine);
  }

  private static Optional<DiskFile> read(DiskReader reader, Path p) {
    try {
      return reader.read(p);
    } catch (IOException e) {
      throw new FileException(p.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }
}
