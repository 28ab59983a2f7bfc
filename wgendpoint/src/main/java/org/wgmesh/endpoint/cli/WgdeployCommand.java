package org.wgmesh.endpoint.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.CommonOptions;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.cli.VersionProvider;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.exec.ProcessCommandRunner;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.endpoint.deploy.DeployOptions;
import org.wgmesh.endpoint.deploy.DeployResult;
import org.wgmesh.endpoint.deploy.DeployService;
import org.wgmesh.endpoint.deploy.EndpointInputs;
import org.wgmesh.endpoint.deploy.EndpointSettings;
import org.wgmesh.endpoint.deploy.MeshViewSource;
import org.wgmesh.endpoint.deploy.Supervisor;
import org.wgmesh.endpoint.deploy.WireGuardBackendChoice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.wgmesh.endpoint.source.EndpointWiring;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wgdeploy [--config-dir DIR] [--resolver IP:PORT] [--dry-run] [--down] DOMAIN}: fetch and
 * verify the mesh, plan, render and apply it (or remove it). Thin: options, one service call, exit
 * code. Where the mesh view and the endpoint configuration come from is the {@link Wiring}.
 */
@Command(
    name = "wgdeploy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Fetch and verify the mesh, render WireGuard, BIRD, Shorewall and systemd files, and apply",
      "them as one transaction (validate, swap, reload; restore on failure). Safe to run from a timer."
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

  @Mixin CommonOptions common;

  @Option(names = "--config-dir", paramLabel = "DIR", defaultValue = "/etc/wgmesh",
      description = "Endpoint configuration directory (default: ${DEFAULT-VALUE}).")
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

  @Option(names = "--backend", paramLabel = "auto|kernel|userspace",
      description = "WireGuard implementation (default: the endpoint config's, else auto: kernel if present).")
  WireGuardBackendChoice backend;

  @Option(names = "--supervisor", paramLabel = "direct|systemd",
      description = "Who runs BIRD and wireguard-go: wgdeploy itself (direct, PID files) or the rendered systemd units.")
  Supervisor supervisor;

  @Option(names = "--wgdeploy-path", paramLabel = "PATH", defaultValue = "/usr/bin/wgdeploy",
      description = "The wgdeploy command the rendered systemd units run (default: ${DEFAULT-VALUE}).")
  String wgdeployPath;

  @Parameters(index = "0", paramLabel = "DOMAIN", description = "The mesh domain, e.g. mesh.example.com.")
  String domain;

  public WgdeployCommand(Io io, Wiring wiring) {
    this.io = io;
    this.wiring = wiring;
  }

  /** The process entry point. */
  public static void main(String[] args) {
    Cli.main(io -> new WgdeployCommand(io, new EndpointWiring()), args);
  }

  @Override
  public Integer call() {
    Reporter reporter = common.reporter(io);
    EndpointInputs inputs = wiring.endpoint(configDir, domain);
    EndpointSettings settings = inputs.settings();
    if (backend != null) {
      settings = settings.withBackend(backend);
    }
    if (supervisor != null) {
      settings = settings.withSupervisor(supervisor);
    }
    DeployOptions options = new DeployOptions(dryRun, wgdeployPath);
    DeployService service = new DeployService(wiring.runner(), reporter);
    DeployResult result;
    // One run per mesh at a time (the timer, the boot unit and an operator may start one together);
    // the lock also covers the fetch, which moves the accepted serials forward.
    try (LockFile lock = DeployService.lock(settings.roots(), domain)) {
      result = down
          ? service.down(domain, settings, options)
          : service.deploy(wiring.meshSource(configDir, Optional.ofNullable(resolver)).fetch(domain),
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
}
