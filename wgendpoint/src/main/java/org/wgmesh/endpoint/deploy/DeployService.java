package org.wgmesh.endpoint.deploy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.endpoint.deploy.steps.DiskReader;
import org.wgmesh.endpoint.deploy.steps.Transactions;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.source.MeshSource;

/**
 * The endpoint's wgdeploy runs behind one entry point: the deploy ({@link DeployJob}, with its
 * {@link KeySwitchJob}), {@code --down} ({@link DownJob}); {@code --check} is {@link CheckJob}'s.
 * It holds what every run is given (mesh source, command runner, transactions, reporter, clock) so
 * that the command and the tests construct one object; each call makes the run's {@link
 * RunContext}, which reads the endpoint file and the state once. Every external process goes
 * through the injected {@link CommandRunner}; progress goes to the {@link Reporter}; nothing is
 * printed.
 */
public final class DeployService {
  /**
   * How long before a scheduled host key switch a run waits for it: longer than the timer's
   * interval (5 min + 30 s), so some run of every endpoint falls into the window, shorter than the
   * site's default key-switch-delay (15 min), so the first run after a publication need not wait.
   */
  public static final Duration DEFAULT_KEY_SWITCH_WAIT = Duration.ofMinutes(10);

  private final Path configDir;
  private final MeshSource source;
  private final CommandRunner runner;
  private final Transactions transactions;
  private final Reporter reporter;
  private final Clock clock;
  private final Duration keySwitchWait;
  private final Sleeper sleeper;

  /**
   * @param configDir the endpoint configuration directory ({@code /etc/wgmesh})
   * @param source where the verified mesh comes from
   * @param runner runs the probes (queries) and, through {@code transactions}, the changes
   * @param transactions carries out the planned steps, or in a dry run does not
   */
  public DeployService(
      Path configDir,
      MeshSource source,
      CommandRunner runner,
      Transactions transactions,
      Reporter reporter,
      Clock clock) {
    this(
        configDir,
        source,
        runner,
        transactions,
        reporter,
        clock,
        DEFAULT_KEY_SWITCH_WAIT,
        Sleeper.REAL);
  }

  /**
   * As the other constructor, with how far ahead a scheduled host key switch is waited for.
   *
   * @param keySwitchWait the longest a run waits for a switch ({@code --key-switch-wait}); zero:
   *     never wait (the switch then happens at the first run after it, link down until then)
   * @param sleeper waits until an instant of {@code clock} (tests: advances a simulated clock)
   */
  public DeployService(
      Path configDir,
      MeshSource source,
      CommandRunner runner,
      Transactions transactions,
      Reporter reporter,
      Clock clock,
      Duration keySwitchWait,
      Sleeper sleeper) {
    this.keySwitchWait = Objects.requireNonNull(keySwitchWait, "keySwitchWait");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.configDir = Objects.requireNonNull(configDir, "configDir");
    this.source = Objects.requireNonNull(source, "source");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Brings the endpoint to the state the verified mesh of {@code domain} describes. Idempotent:
   * when the host already matches, only query commands run and no file is written.
   *
   * @throws ConflictException when another wgdeploy of this mesh runs
   * @throws org.wgmesh.core.error.ConfigException when the endpoint file, the mesh and the settings
   *     cannot be combined or a template fails
   * @throws org.wgmesh.core.error.RecordException when a record is missing, forged, expired or
   *     replayed
   * @throws DeployException when validation or applying fails; the previous files and running state
   *     are then restored
   */
  public DeployResult deploy(DomainName domain, RunOverrides overrides) {
    return deployJob().run(context(domain, overrides));
  }

  /**
   * The deploy for a configuration, key and verified read already in hand (the caller holds the
   * lock), of the mesh as it stands now.
   */
  public DeployResult deploy(EndpointConfig config, X25519PrivateKey key, MeshSource.Read read) {
    return deployJob().deploy(new RunContext(config, DiskReader.DISK), key, read, clock.instant());
  }

  /**
   * Removes everything wgdeploy created for {@code domain}, and restores what it moved. Needs no
   * DNS: the namespace comes from the endpoint file or from the state wgdeploy left.
   *
   * @throws DeployException when no deploy of {@code domain} is known or a step fails
   */
  public DeployResult down(DomainName domain, RunOverrides overrides) {
    return new DownJob(runner, transactions, reporter).run(context(domain, overrides));
  }

  private DeployJob deployJob() {
    return new DeployJob(
        source,
        runner,
        transactions,
        reporter,
        clock,
        new KeySwitchJob(reporter, clock, keySwitchWait, sleeper));
  }

  private RunContext context(DomainName domain, RunOverrides overrides) {
    return RunContext.load(configDir, domain, overrides, DiskReader.DISK);
  }

  /** {@code <state>/<domain>.lock}: held by one wgdeploy run of a mesh at a time. */
  public static Path lockPath(EndpointConfig config) {
    return RunContext.lockPath(config);
  }
}
