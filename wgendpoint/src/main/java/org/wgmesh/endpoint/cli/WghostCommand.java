package org.wgmesh.endpoint.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.CommonOptions;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.cli.VersionProvider;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.HostRegistration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wghost [--config-dir DIR] DOMAIN}: creates the host key (0600) if missing and prints the
 * registration blob, alone, on stdout, so {@code wgsite -i "$(ssh host wghost DOMAIN)"} works.
 * Everything else goes to stderr.
 */
@Command(
    name = "wghost",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Create this host's WireGuard key if it has none, and print its registration blob for the mesh DOMAIN on stdout, alone on one line.",
      "Import it on the site controller: wgsite -i \"$(ssh HOST wghost DOMAIN)\" wgmesh.yaml",
      "Run wgconfig first: the blob is sealed to the site key pinned there."
    })
public final class WghostCommand implements Callable<Integer> {
  private final Io io;
  private final Map<String, String> env;
  private final Function<Reporter, HostRegistration> service;

  @Mixin CommonOptions common;

  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description =
          "Endpoint configuration directory (default: $WGMESH_CONFIG_DIR, else /etc/wgmesh).")
  Path configDir;

  @Option(
      names = "--shared-lan",
      paramLabel = "CIDR|trust",
      description = {
        "This host's address on a network other hosts of the mesh share, e.g. 192.168.7.10/24"
            + " (repeatable); 'trust' lists the trust interface's addresses. Two hosts listing"
            + " addresses in one network link directly over it (docs/operator-guide.md, topologies)."
      })
  List<String> sharedLans = new ArrayList<>();

  @Option(
      names = "--rotate-key",
      description =
          "Make a new WireGuard key and print a rotation blob endorsed by the current key: wgsite -i"
              + " accepts it without --replace; wgpub publishes it with a switch time, at which every"
              + " end switches (wgdeploy --key-switch-wait).")
  boolean rotateKey;

  @Parameters(
      index = "0",
      paramLabel = "DOMAIN",
      description = "The mesh domain, e.g. mesh.example.com.")
  String domain;

  /** The command with the process environment. */
  public WghostCommand(Io io) {
    this(io, System.getenv(), HostRegistration::new);
  }

  /** For tests: a given environment and service. */
  WghostCommand(Io io, Map<String, String> env, Function<Reporter, HostRegistration> service) {
    this.io = io;
    this.env = env;
    this.service = service;
  }

  /** The process entry point. */
  public static void main(String[] args) {
    Cli.main(WghostCommand::new, args);
  }

  @Override
  public Integer call() {
    if (rotateKey && !sharedLans.isEmpty()) {
      // The site takes only the new key from a rotation; everything else stays as admitted.
      throw new UsageException(
          "wghost",
          "--shared-lan does not go with --rotate-key: a rotation changes only the key",
          "list shared LANs in a new registration ('wghost --shared-lan ...'), imported with"
              + " wgsite -i --replace");
    }
    Path dir = EndpointPaths.configDir(Optional.ofNullable(configDir), env);
    HostRegistration registration = service.apply(common.reporter(io));
    DomainName d = DomainName.parse(domain, "DOMAIN");
    HostRegistration.Result result =
        rotateKey ? registration.rotate(dir, d) : registration.register(dir, d, sharedLans);
    io.out().println(result.blob());
    return ExitCode.OK.code();
  }
}
