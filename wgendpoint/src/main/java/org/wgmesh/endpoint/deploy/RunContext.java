package org.wgmesh.endpoint.deploy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.io.Lock;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.record.SeenSerials;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.deploy.steps.DiskReader;
import org.wgmesh.endpoint.deploy.steps.SavedState;
import org.wgmesh.endpoint.deploy.steps.Transactions;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.source.EndpointMeshSource;

/**
 * What every job of one wgdeploy run (deploy, {@code --down}, {@code --check}) starts from: the
 * endpoint file, read once, the mesh's lock, and where the mesh is deployed without DNS (from the
 * state directory), with that namespace's state read once and handed on. One instance per run: what
 * it read is not read again, so the jobs agree on it.
 */
final class RunContext {
  private final EndpointConfig config;
  private final DiskReader reader;
  private Optional<Deployed> deployed;

  /**
   * A deploy found in the state directory.
   *
   * @param layout where it is (its namespace)
   * @param state its state directory as this run read it
   */
  record Deployed(Layout layout, SavedState state) {}

  /**
   * @param config the endpoint configuration of this run (the file's, with the command line's
   *     overrides)
   * @param reader reads the state directory's files (tests: counts the reads)
   */
  RunContext(EndpointConfig config, DiskReader reader) {
    this.config = Objects.requireNonNull(config, "config");
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  /**
   * The run for {@code domain}: reads its endpoint file below {@code configDir}.
   *
   * @throws org.wgmesh.core.error.WgmeshException when the endpoint file is missing or invalid
   */
  static RunContext load(
      Path configDir, DomainName domain, RunOverrides overrides, DiskReader reader) {
    EndpointConfig file = EndpointFile.load(EndpointPaths.path(configDir, domain), domain);
    return new RunContext(overrides.applyTo(file), reader);
  }

  EndpointConfig config() {
    return config;
  }

  DiskReader reader() {
    return reader;
  }

  /** {@code <state>/<domain>.lock}: held by one wgdeploy run of a mesh at a time. */
  static Path lockPath(EndpointConfig config) {
    return config.roots().state().resolve(config.domain() + ".lock");
  }

  /**
   * One run per mesh at a time (the timer and an operator may start one together): a second run
   * would interleave its file swaps, journal and reloads with the first one's. The lock also covers
   * the read, whose accepted serials the deploy records.
   *
   * @throws ConflictException when another run holds it
   */
  Lock lock(Transactions transactions) {
    Path p = lockPath(config);
    return transactions.lock(
        p,
        () ->
            new ConflictException(
                p.toString(),
                "another wgdeploy for " + config.domain() + " is running",
                "wait for it to finish (the timer runs one every few minutes; a run that waits for"
                    + " a scheduled host key switch holds the lock until then), then run again"));
  }

  /**
   * The state directory of {@code layout}'s namespace, read now: a deploy reads it afresh for each
   * plan, as its own first steps (before a key switch) change it.
   */
  SavedState state(Layout layout) {
    return SavedState.read(new StateStore(layout.stateDir()), reader);
  }

  /**
   * Where the mesh is deployed, without DNS: the namespace the endpoint config names, else the one
   * whose manifest names the domain (the default, the locus, is in the endpoint file too). Its
   * state is read once, here, for the whole run.
   */
  Optional<Deployed> deployed() {
    if (deployed == null) {
      deployed = discover().map(s -> new Deployed(layout(s), s));
    }
    return deployed;
  }

  private Optional<SavedState> discover() {
    if (config.netns().isPresent()) {
      return Optional.of(stateOf(config.netns().get().name()));
    }
    return findNamespace()
        .or(
            () ->
                Optional.of(stateOf(config.effectiveNetns().name()))
                    .filter(s -> !s.manifest().isEmpty()));
  }

  /** The namespace whose manifest names the domain. */
  private Optional<SavedState> findNamespace() {
    Path root = config.roots().state();
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path d : dirs) {
        SavedState s = SavedState.read(new StateStore(d), reader);
        if (s.manifest().domain().equals(config.domain().toString())) {
          return Optional.of(s);
        }
      }
    } catch (IOException e) {
      throw new DeployException(root.toString(), "cannot list: " + e.getMessage());
    }
    return Optional.empty();
  }

  private SavedState stateOf(String namespace) {
    return SavedState.read(new StateStore(config.roots().state().resolve(namespace)), reader);
  }

  private Layout layout(SavedState s) {
    return new Layout(config.roots(), s.store().dir().getFileName().toString());
  }

  /** The highest mesh serial verified on this host (its replay-protection file), 0 if none. */
  long acceptedSerial() {
    Path seen = EndpointMeshSource.seenFile(config);
    try {
      return Files.isRegularFile(seen)
          ? SeenSerials.parse(Files.readString(seen), seen.toString()).mesh()
          : 0;
    } catch (IOException e) {
      throw new FileException(seen.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }
}
