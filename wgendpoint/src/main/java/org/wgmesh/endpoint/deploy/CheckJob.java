package org.wgmesh.endpoint.deploy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.error.UnhealthyException;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.endpoint.deploy.health.HealthCheck;
import org.wgmesh.endpoint.deploy.health.HealthReport;
import org.wgmesh.endpoint.deploy.health.Metrics;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.steps.DiskReader;
import org.wgmesh.endpoint.settings.EndpointConfig;

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
    RunContext run = RunContext.load(configDir, domain, RunOverrides.none(), DiskReader.DISK);
    EndpointConfig config = run.config();
    Optional<Layout> layout = run.deployed().map(RunContext.Deployed::layout);
    Manifest m = run.deployed().map(d -> d.state().manifest()).orElse(Manifest.empty());
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
            .check(layout.get(), m, run.acceptedSerial(), maxHandshakeAge);
    Metrics.write(Metrics.checkFile(config.roots(), m.domain()), Metrics.check(report));
    return report;
  }
}
