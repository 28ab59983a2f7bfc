package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.endpoint.deploy.host.DiskFile;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.state.Journal;
import org.wgmesh.endpoint.deploy.state.Manifest;

/**
 * Everything the step planner knows about what is: the running system, the managed files and
 * wgdeploy's own state. Read by {@link LiveStateReader}; built directly by tests.
 *
 * @param host the running system
 * @param files the current content of every file the deploy renders, manages or keeps state in; a
 *     path that is missing does not exist. After an interrupted run, the files it had replaced
 *     appear with their backed-up content and the ones it added as missing (what recovery
 *     restores).
 * @param manifest what the last successful deploy left
 * @param journal the record of an interrupted deploy, if any
 * @param pristine the files that have a pristine copy saved already
 */
public record LiveState(
    HostState host,
    Map<Path, DiskFile> files,
    Manifest manifest,
    Optional<Journal> journal,
    Set<Path> pristine) {
  public LiveState {
    Objects.requireNonNull(host, "host");
    files = Map.copyOf(files);
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(journal, "journal");
    pristine = Set.copyOf(pristine);
  }

  /** The current text of {@code p}, if it exists. */
  public Optional<String> text(Path p) {
    return Optional.ofNullable(files.get(p)).map(DiskFile::content);
  }
}
