package org.wgmesh.endpoint.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.UnhealthyException;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.record.SeenSerials;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.deploy.health.HealthCheck;
import org.wgmesh.endpoint.deploy.health.HealthReport;
import org.wgmesh.endpoint.deploy.health.Metrics;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.source.EndpointMeshSource;

/**
 * {@code wgdeploy --check}: checks the mesh deployed for a domain against the live host ({@link
 * HealthCheck}). It needs no DNS (the namespace and interfaces come from the endpoint file and the
 * manifest of the last deploy) and no transactions: it takes no lock, runs query commands only and
 * writes nothing but its metrics file.
 */
public final class CheckJob {
  private final Path configDir;
  private final CommandRunner runner;
  private final Clock clock;

  /**
   * @param configDir the endpoint configuration directory ({@code /etc/wgmesh})
   * @param runner runs the query commands
   */
  public CheckJob(Path configDir, CommandRunner runner, Clock clock) {
    this.configDir = Objects.requireNonNull(configDir, "configDir");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Checks the mesh deployed for {@code domain} and writes the check's metrics file (when
   * node_exporter's directory exists).
   *
   * @throws UnhealthyException when this host has no deploy of {@code domain} to check
   * @throws org.wgmesh.core.error.ConfigException when the endpoint file is missing or bad
   */
  public HealthReport check(DomainName domain, Duration maxHandshakeAge) {
    EndpointConfig config = EndpointFile.load(EndpointFile.path(configDir, domain), domain);
    Optional<Layout> layout =
        DeployService.deployedNamespace(config).map(ns -> new Layout(config.roots(), ns));
    Manifest m = layout.map(l -> new StateStore(l.stateDir()).manifest()).orElse(Manifest.empty());
    if (m.isEmpty() || !m.domain().equals(domain.toString())) {
      throw new UnhealthyException(
          domain.toString(),
          "this mesh is not deployed on this host (no wgdeploy state for it in "
              + config.roots().state()
              + ")",
          "deploy it first: wgdeploy " + domain);
    }
    HealthReport report =
        new HealthCheck(runner, clock)
            .check(layout.get(), m, acceptedSerial(config), maxHandshakeAge);
    Metrics.write(Metrics.checkFile(config.roots(), m.domain()), Metrics.check(report));
    return report;
  }

  /** The highest mesh serial verified on this host (its replay-protection file), 0 if none. */
  private static long acceptedSerial(EndpointConfig config) {
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
