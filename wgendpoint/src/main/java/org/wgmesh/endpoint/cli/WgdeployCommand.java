package org.wgmesh.endpoint.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.CommonOptions;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.cli.VersionProvider;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.exec.ProcessCommandRunner;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.deploy.DeployOptions;
import org.wgmesh.endpoint.deploy.DeployResult;
import org.wgmesh.endpoint.deploy.DeployService;
import org.wgmesh.endpoint.deploy.EndpointInputs;
import org.wgmesh.endpoint.deploy.EndpointSettings;
import org.wgmesh.endpoint.deploy.HealthReport;
import org.wgmesh.endpoint.deploy.MeshViewSource;
import org.wgmesh.endpoint.deploy.Supervisor;
import org.wgmesh.endpoint.deploy.UnitCommand;
import org.wgmesh.endpoint.deploy.WireGuardBackendChoice;
import org.wgmesh.endpoint.deploy.apply.HealthCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.wgmesh.endpoint.source.EndpointWiring;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wgdeploy [--config-dir DIR] [--resolver IP:PORT] [--dry-run] [--down | --check] DOMAIN}:
 * fetch and verify the mesh, plan, render and apply it (or remove it, or check what runs). Thin:
 * options, one service call, exit code. Where the mesh view and the endpoint configuration come from is the {@link Wiring}.
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
  /** What the command needs from the rest of wgendpoint, built from its options. */
  public interface Wiring {
    /** The source of the verified mesh view (DNS via {@code --resolver}). */
    MeshViewSource meshSource(Path configDir, Optional<String> resolver);

    /** The endpoint's settings and key for {@code domain} (written by wgconfig/wghost). */
    EndpointInputs endpoint(Path configDir, String domain);

    /** Runs external processes. */
    default CommandRunner runner() {
      return new ProcessCommandRunner();
    }
  }

  private final Io io;
  private final Wiring wiring;
  private final Map<String, String> env;

  @Mixin CommonOptions common;

  @Option(names = "--config-dir", paramLabel = "DIR",
      description = "Endpoint configuration directory (default: $WGMESH_CONFIG_DIR, else /etc/wgmesh).")
  Path configDir;

  @Option(names = "--resolver", paramLabel = "IP:PORT",
      description = "DNS server to read the mesh records from (default: the system's).")
  String resolver;

  @Option(names = {"-n", "--dry-run"},
      description = "Print the file diff and the commands that would run; change nothing.")
  boolean dryRun;

  @Option(names = "--down",
      description = "Remove everything wgdeploy created for DOMAIN and move the trust interface back.")
  boolean down;

  @Option(names = "--check",
      description = "Check what the last deploy set up (namespace, WireGuard links and handshakes, BGP, BFD, "
          + "BIRD, Shorewall): one line per check on stdout (-q: failures only); exit 12 if one fails. "
          + "No DNS, queries only.")
  boolean check;

  @Option(names = "--max-handshake-age", paramLabel = "SECONDS",
      description = "With --check: the oldest WireGuard handshake a live link may have (default: 180).")
  Integer maxHandshakeAge;

  @Option(names = "--backend", paramLabel = "auto|kernel|userspace",
      description = "WireGuard implementation (default: the endpoint config's, else auto: kernel if present).")
  WireGuardBackendChoice backend;

  @Option(names = "--supervisor", paramLabel = "direct|systemd",
      description = "Who runs BIRD and wireguard-go: wgdeploy itself (direct, PID files) or the rendered systemd units.")
  Supervisor supervisor;

  @Option(names = "--wgdeploy-path", paramLabel = "PATH",
      description = "The wgdeploy the rendered systemd units run (default: the launcher this run started from, else /usr/local/bin/wgdeploy).")
  String wgdeployPath;

  @Parameters(index = "0", paramLabel = "DOMAIN", description = "The mesh domain, e.g. mesh.example.com.")
  String domain;

  /** The command with the process environment. */
  public WgdeployCommand(Io io, Wiring wiring) {
    this(io, wiring, System.getenv());
  }

  /** For tests: a given environment ({@code WGMESH_CONFIG_DIR}, {@code WGMESH_LAUNCHER_DIR}). */
  public WgdeployCommand(Io io, Wiring wiring, Map<String, String> env) {
    this.io = io;
    this.wiring = wiring;
    this.env = env;
  }

  /** The process entry point. */
  public static void main(String[] args) {
    Cli.main(io -> new WgdeployCommand(io, new EndpointWiring()), args);
  }

  @Override
  public Integer call() {
    Reporter reporter = common.reporter(io);
    // The option wins over WGMESH_CONFIG_DIR, as for wgconfig and wghost.
    Path dir = EndpointFile.configDir(Optional.ofNullable(configDir), env);
    if (check) {
      return check(reporter, dir);
    }
    if (maxHandshakeAge != null) {
      throw usage("--max-handshake-age goes with --check");
    }
    UnitCommand unitCommand = new UnitCommand(
        wgdeployPath != null ? wgdeployPath : UnitCommand.defaultExecutable(env), dir,
        Optional.ofNullable(resolver), Optional.ofNullable(backend), wgdeployPath != null);
    EndpointInputs inputs = wiring.endpoint(dir, domain);
    EndpointSettings settings = inputs.settings();
    if (backend != null) {
      settings = settings.withBackend(backend);
    }
    if (supervisor != null) {
      settings = settings.withSupervisor(supervisor);
    }
    DeployOptions options = new DeployOptions(dryRun, unitCommand.render());
    DeployService service = new DeployService(wiring.runner(), reporter);
    DeployResult result;
    // One run per mesh at a time (the timer, the boot unit and an operator may start one together);
    // the lock also covers the fetch, which moves the accepted serials forward.
    try (LockFile lock = DeployService.lock(settings.roots(), domain)) {
      result = down
          ? service.down(domain, settings, options)
          : service.deploy(wiring.meshSource(dir, Optional.ofNullable(resolver)).fetch(domain),
              settings, inputs.privateKey().get(), options);
    }
    if (dryRun) {
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
   * {@code --check}. It takes no lock: it writes nothing and runs queries only (the manifest it
   * reads is replaced atomically), and a monitor that failed with CONFLICT whenever it met the
   * timer's deploy, or made that deploy fail, would be worse than one that sometimes sees a link
   * being added.
   */
  private int check(Reporter reporter, Path dir) {
    if (down || dryRun) {
      throw usage("--check cannot be used with " + (down ? "--down" : "--dry-run"));
    }
    if (maxHandshakeAge != null && maxHandshakeAge <= 0) {
      throw new InputException("--max-handshake-age " + maxHandshakeAge, "must be a positive number of seconds");
    }
    Duration maxAge = maxHandshakeAge == null
        ? HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE : Duration.ofSeconds(maxHandshakeAge);
    HealthReport report = new DeployService(wiring.runner(), reporter)
        .check(domain, wiring.endpoint(dir, domain).settings(), maxAge);
    // -q: only what is wrong, so that cron mails (and log lines) appear only then.
    boolean quiet = reporter.verbosity() == Reporter.Verbosity.QUIET;
    report.lines(quiet).forEach(io.out()::println);
    if (!quiet) {
      io.out().println(report.summary());
    }
    return (report.healthy() ? ExitCode.OK : ExitCode.UNHEALTHY).code();
  }

  private UsageException usage(String why) {
    return new UsageException("wgdeploy", why, "see 'wgdeploy --help'");
  }
}
