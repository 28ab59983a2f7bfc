package org.wgmesh.endpoint.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.CommonOptions;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.cli.VersionProvider;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.exec.ProcessCommandRunner;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.deploy.CheckJob;
import org.wgmesh.endpoint.deploy.DeployResult;
import org.wgmesh.endpoint.deploy.DeployService;
import org.wgmesh.endpoint.deploy.RunOverrides;
import org.wgmesh.endpoint.deploy.Sleeper;
import org.wgmesh.endpoint.deploy.health.HealthCheck;
import org.wgmesh.endpoint.deploy.health.HealthReport;
import org.wgmesh.endpoint.deploy.health.ReportBody;
import org.wgmesh.endpoint.deploy.steps.DryRunTransactions;
import org.wgmesh.endpoint.deploy.steps.HostTransactions;
import org.wgmesh.endpoint.deploy.steps.Transactions;
import org.wgmesh.endpoint.deploy.steps.Waiter;
import org.wgmesh.endpoint.enrol.ReportSender;
import org.wgmesh.endpoint.follow.Follower;
import org.wgmesh.endpoint.follow.FollowerStop;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;
import org.wgmesh.endpoint.source.EndpointMeshSource;
import org.wgmesh.endpoint.source.MeshSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wgdeploy [--config-dir DIR] [--resolver IP:PORT] [--dry-run] [--down | --check] DOMAIN}:
 * fetch and verify the mesh, plan, render and apply it (or remove it, or check what runs). Thin:
 * options, one service call, exit code.
 */
@Command(
    name = "wgdeploy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Fetch and verify the mesh, render WireGuard, BIRD, Shorewall and systemd files, and apply",
      "them as one transaction (validate, swap, reload; restore on failure). Safe to run from a timer.",
      "With --check: check the deployed mesh without DNS and change nothing (exit 0 healthy, 12 not)."
    })
public final class WgdeployCommand implements Callable<Integer> {
  private final Io io;
  private final Map<String, String> env;
  private final CommandRunner runner;
  private final Function<Optional<String>, MeshSource> sources;
  private final Clock clock;
  private final Sleeper sleeper;

  @Mixin CommonOptions common;

  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description =
          "Endpoint configuration directory (default: $WGMESH_CONFIG_DIR, else /etc/wgmesh).")
  Path configDir;

  @Option(
      names = "--resolver",
      paramLabel = "IP:PORT",
      description =
          "DNS server to read the mesh records from (default: the endpoint file's, else the system's).")
  String resolver;

  @Option(
      names = {"-n", "--dry-run"},
      description =
          "Print the file diff and the steps with the commands that would run; change no file and nothing on the host.")
  boolean dryRun;

  @Option(
      names = "--down",
      description =
          "Remove everything wgdeploy created for DOMAIN and move the trust interface back.")
  boolean down;

  @Option(
      names = "--check",
      description =
          "Check what the last deploy set up (namespace, WireGuard links and handshakes, BGP, BFD, "
              + "BIRD, Shorewall): one line per check on stdout (-q: failures only); exit 12 if one fails. "
              + "No DNS, queries only; writes its metrics for node_exporter.")
  boolean check;

  @Option(
      names = "--json",
      description =
          "With --check: print the checks as JSON (name, status, subject, value, hint) instead of lines.")
  boolean json;

  @Option(
      names = "--report",
      description =
          "With --check: also send the result and each peer's handshake age, transfer and endpoint"
              + " to the site's enrolment service (report-url of the endpoint file, recorded by"
              + " wghost --enrol); a failed report exits with its own code after the check's output.")
  boolean report;

  @Option(
      names = "--follow",
      description =
          "Run until stopped: hold a request open at the site's enrolment service (report-url of"
              + " the endpoint file) and deploy as soon as the site publishes, in seconds instead of"
              + " at the next timer run. Each deploy still reads and verifies the records from DNS;"
              + " the timer stays the fallback. Errors are logged and retried, never fatal.")
  boolean follow;

  @Option(
      names = "--max-handshake-age",
      paramLabel = "SECONDS",
      description =
          "With --check: the oldest WireGuard handshake a live link may have (default: 180).")
  Integer maxHandshakeAge;

  @Option(
      names = "--key-switch-wait",
      paramLabel = "SECONDS",
      description =
          "Wait up to this long for a host key switch the site scheduled (this host's or a peer's),"
              + " then switch at its time, so both ends of a link change keys together (default: 600;"
              + " 0: never wait).")
  Integer keySwitchWait;

  @Option(
      names = "--backend",
      paramLabel = "auto|kernel|userspace",
      description =
          "WireGuard implementation (default: the endpoint config's, else auto: kernel if present).")
  WireGuardBackendChoice backend;

  @Option(
      names = "--supervisor",
      paramLabel = "direct|systemd",
      description =
          "Who runs BIRD and wireguard-go: wgdeploy itself (direct, PID files) or the rendered systemd units.")
  Supervisor supervisor;

  @Parameters(
      index = "0",
      paramLabel = "DOMAIN",
      description = "The mesh domain, e.g. mesh.example.com.")
  String domain;

  /** The command with the process environment, real processes and DNS. */
  public WgdeployCommand(Io io) {
    this(io, System.getenv(), new ProcessCommandRunner(), Clock.systemUTC());
  }

  /** The real DNS source with the given clock (everything that reads time uses it). */
  private WgdeployCommand(Io io, Map<String, String> env, CommandRunner runner, Clock clock) {
    this(io, env, runner, r -> EndpointMeshSource.withResolver(r, clock), clock);
  }

  /**
   * For tests: a given environment ({@code WGMESH_CONFIG_DIR}), command runner and mesh source
   * (from the {@code --resolver} option).
   */
  public WgdeployCommand(
      Io io,
      Map<String, String> env,
      CommandRunner runner,
      Function<Optional<String>, MeshSource> sources) {
    this(io, env, runner, sources, Clock.systemUTC());
  }

  /**
   * For tests: as above, with {@code clock} for the deploy's times (metrics, health check); the
   * mesh source has its own.
   */
  public WgdeployCommand(
      Io io,
      Map<String, String> env,
      CommandRunner runner,
      Function<Optional<String>, MeshSource> sources,
      Clock clock) {
    this(io, env, runner, sources, clock, Sleeper.REAL);
  }

  /** For tests: as above, with {@code sleeper} waiting for a key switch on {@code clock}. */
  public WgdeployCommand(
      Io io,
      Map<String, String> env,
      CommandRunner runner,
      Function<Optional<String>, MeshSource> sources,
      Clock clock,
      Sleeper sleeper) {
    this.io = io;
    this.env = env;
    this.runner = runner;
    this.sources = sources;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** The process entry point. */
  public static void main(String[] args) {
    Cli.main(WgdeployCommand::new, args);
  }

  @Override
  public Integer call() {
    Reporter reporter = common.reporter(io);
    // The option wins over WGMESH_CONFIG_DIR, as for wgconfig and wghost.
    Path dir = EndpointPaths.configDir(Optional.ofNullable(configDir), env);
    DomainName mesh = DomainName.parse(domain, "DOMAIN");
    if (check) {
      return check(reporter, dir, mesh);
    }
    if (maxHandshakeAge != null || json || report) {
      throw usage(
          (json ? "--json" : report ? "--report" : "--max-handshake-age") + " goes with --check");
    }
    if (follow && (down || dryRun)) {
      throw usage("--follow cannot be used with " + (down ? "--down" : "--dry-run"));
    }
    if (keySwitchWait != null && (keySwitchWait < 0 || down)) {
      throw down
          ? usage("--key-switch-wait cannot be used with --down")
          : new InputException(
              "--key-switch-wait " + keySwitchWait, "must be 0 or a positive number of seconds");
    }
    // The one place a dry run differs: its transactions run no step, take no lock, write no file.
    Transactions transactions =
        dryRun ? new DryRunTransactions() : new HostTransactions(runner, reporter, Waiter.POLLING);
    DeployService service =
        new DeployService(
            dir,
            sources.apply(Optional.ofNullable(resolver)),
            runner,
            transactions,
            reporter,
            clock,
            keySwitchWait == null
                ? DeployService.DEFAULT_KEY_SWITCH_WAIT
                : Duration.ofSeconds(keySwitchWait),
            sleeper);
    RunOverrides overrides =
        new RunOverrides(Optional.ofNullable(backend), Optional.ofNullable(supervisor));
    if (follow) {
      return follow(reporter, dir, mesh, service, overrides);
    }
    DeployResult result = down ? service.down(mesh, overrides) : service.deploy(mesh, overrides);
    if (result.dryRun()) {
      result.describe().forEach(io.out()::println);
      if (result.unchanged()) {
        io.out().println("nothing to change");
      }
    } else {
      result.describe().forEach(line -> reporter.detail("%s", line));
    }
    return ExitCode.OK.code();
  }

  /**
   * {@code --follow}: until the process is asked to stop. A stop (TERM) waits for a deploy in
   * progress to end, so that a stopped follower never leaves a half-applied transaction behind.
   */
  private int follow(
      Reporter reporter, Path dir, DomainName mesh, DeployService service, RunOverrides overrides) {
    Path endpointFile = EndpointPaths.path(dir, mesh);
    if (EndpointFile.load(endpointFile, mesh).reportUrl().isEmpty()) {
      throw new ConfigException(
          endpointFile.toString(),
          "has no report-url: there is no site service to follow",
          "enrol with wghost --enrol URL (it records report-url) or set it with wgconfig"
              + " --report-url; the timer deploys without it");
    }
    ReportSender sender = ReportSender.forFollowing();
    FollowerStop stop = FollowerStop.install(Thread.currentThread());
    // The endpoint file is read for each request: a new enrolment's credential is used at once.
    Follower follower =
        new Follower(
            after -> sender.nudge(EndpointFile.load(endpointFile, mesh), after),
            () -> stop.shielded(() -> !service.deploy(mesh, overrides).unchanged()),
            d -> Thread.sleep(d.toMillis()),
            reporter);
    reporter.info("following the site of %s for nudges", mesh);
    try {
      follower.run(stop::requested);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stop.done();
    }
    reporter.info("stopped following %s", mesh);
    return ExitCode.OK.code();
  }

  /**
   * {@code --check}. It takes no lock: it writes nothing and runs queries only (the manifest it
   * reads is replaced atomically), and a monitor that failed with CONFLICT whenever it met the
   * timer's deploy, or made that deploy fail, would be worse than one that sometimes sees a link
   * being added.
   */
  private int check(Reporter reporter, Path dir, DomainName mesh) {
    if (down || dryRun || keySwitchWait != null) {
      throw usage(
          "--check cannot be used with "
              + (down ? "--down" : dryRun ? "--dry-run" : "--key-switch-wait"));
    }
    if (maxHandshakeAge != null && maxHandshakeAge <= 0) {
      throw new InputException(
          "--max-handshake-age " + maxHandshakeAge, "must be a positive number of seconds");
    }
    // --report: where to, read once for the whole run.
    Optional<EndpointConfig> reportTo =
        this.report
            ? Optional.of(EndpointFile.load(EndpointPaths.path(dir, mesh), mesh))
            : Optional.empty();
    if (reportTo.isPresent() && reportTo.get().reportUrl().isEmpty()) {
      // The packaged timer runs --check --report on every host (the unit's ExecStartPost); one
      // not enrolled through the service has nowhere to send it, and a check that nobody reads
      // would cost a JVM and a probe of every link on each timer run.
      reporter.info("no report-url in the endpoint file of %s: nothing checked or sent", mesh);
      return ExitCode.OK.code();
    }
    Duration maxAge =
        maxHandshakeAge == null
            ? HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE
            : Duration.ofSeconds(maxHandshakeAge);
    HealthReport report;
    try {
      report = new CheckJob(dir, runner, clock).check(mesh, maxAge);
    } catch (WgmeshException e) {
      // A monitor reading --json always gets one document, also when nothing could be checked
      // (issue 19); the error goes to stderr and the exit code as for any run.
      if (json) {
        io.out().print(HealthReport.errorJson(mesh.toString(), clock.instant(), e));
      }
      if (reportTo.isPresent()) {
        // The site learns that the check could not run; the check's error stays the exit code.
        try {
          send(reportTo.get(), ReportBody.error(mesh.toString(), clock.instant(), e));
        } catch (WgmeshException failed) {
          reporter.warn("%s", failed.getMessage());
        }
      }
      throw e;
    }
    // -q: only what is wrong, so that cron mails (and log lines) appear only then.
    boolean quiet = reporter.verbosity() == Reporter.Verbosity.QUIET;
    if (json) {
      io.out().print(report.json());
    } else {
      report.lines(quiet).forEach(io.out()::println);
      if (!quiet) {
        io.out().println(report.summary());
      }
    }
    if (reportTo.isPresent()) {
      String host = send(reportTo.get(), ReportBody.of(report));
      reporter.detail("report: stored for %s", host);
    }
    return (report.healthy() ? ExitCode.OK : ExitCode.UNHEALTHY).code();
  }

  /** {@code --report}: one POST to the service of the endpoint file; quick, see ReportSender. */
  private static String send(EndpointConfig config, String body) {
    return new ReportSender().send(config, body);
  }

  private UsageException usage(String why) {
    return new UsageException("wgdeploy", why, "see 'wgdeploy --help'");
  }
}
