package org.wgmesh.endpoint.deploy.steps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
   * The live state of {@code state}'s namespace.
   *
   * @param host the probed running system
   * @param paths files the deploy renders or keeps state in (the manifest's files are added)
   */
  public static LiveState read(HostState host, StateStore state, Collection<Path> paths) {
    Manifest manifest = state.manifest();
    Optional<Journal> journal = state.journal();
    Set<Path> all = new LinkedHashSet<>(paths);
    all.addAll(manifest.files());
    all.add(state.manifestFile());
    Map<Path, DiskFile> files = new HashMap<>();
    for (Path p : all) {
      read(p).ifPresent(f -> files.put(p, f));
    }
    journal.ifPresent(
        j -> {
          // What recovery puts back is what this run starts from.
          for (Path p : j.replaced()) {
            read(state.mirror(StateStore.BACKUP, p))
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

  private static Optional<DiskFile> read(Path p) {
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new DiskFile(
              Files.readString(p, StandardCharsets.UTF_8), Files.getPosixFilePermissions(p)));
    } catch (IOException e) {
      throw new FileException(p.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }
}
