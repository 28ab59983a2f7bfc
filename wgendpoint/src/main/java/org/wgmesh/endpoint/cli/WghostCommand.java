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
import org.wgmesh.core.error.DeclinedException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.HostRegistration;
import org.wgmesh.endpoint.enrol.DeviceIdentity;
import org.wgmesh.endpoint.enrol.JoinTokenText;
import org.wgmesh.endpoint.enrol.ServiceAddress;
import org.wgmesh.endpoint.enrol.ServiceAnswer;
import org.wgmesh.endpoint.enrol.ServiceEnrolment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wghost [--config-dir DIR] DOMAIN}: creates the host key (0600) if missing and prints the
 * registration blob, alone, on stdout, so {@code wgsite -i "$(ssh host wghost DOMAIN)"} works.
 * Everything else goes to stderr. With {@code --enrol URL} it sends the blob to the site's
 * enrolment service instead and prints the decision (docs/enrolment.md, "On the host").
 */
@Command(
    name = "wghost",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Create this host's WireGuard key if it has none, and print its registration blob for the mesh DOMAIN on stdout, alone on one line.",
      "Import it on the site controller: wgsite -i \"$(ssh HOST wghost DOMAIN)\" wgmesh.yaml",
      "Run wgconfig first: the blob is sealed to the site key pinned there.",
      "With --enrol URL the blob goes to the site's enrolment service instead; stdout shows the decision:"
          + " admitted (exit 0), queued (exit 0), refused (exit 9)."
    })
public final class WghostCommand implements Callable<Integer> {
  private final Io io;
  private final Map<String, String> env;
  private final Function<Reporter, HostRegistration> service;
  private final Function<Reporter, ServiceEnrolment> enrolService;

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

  @Option(
      names = "--enrol",
      paramLabel = "URL",
      description =
          "Send the registration to the site's enrolment service at URL (https://HOST:PORT) instead"
              + " of printing it; needs --ca and --cert/--key or --token-file (or both).")
  String enrolUrl;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description =
          "With --enrol: the CA certificate (PEM) that signed the service's certificate; the only one"
              + " trusted for it (never the system's CAs).")
  Path serverCa;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "With --enrol: this device's certificate (PEM), with --key.")
  Path deviceCert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "With --enrol: the device certificate's private key (unencrypted PKCS#8 PEM).")
  Path deviceKey;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "With --enrol: a file holding the join token from wgsite --token (preferred).")
  Path tokenFile;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "With --enrol: the join token itself; other users may see it in the process list, so"
              + " prefer --token-file.")
  String token;

  @Parameters(
      index = "0",
      paramLabel = "DOMAIN",
      description = "The mesh domain, e.g. mesh.example.com.")
  String domain;

  /** The command with the process environment. */
  public WghostCommand(Io io) {
    this(io, System.getenv(), HostRegistration::new, ServiceEnrolment::new);
  }

  /** For tests: a given environment and service. */
  WghostCommand(Io io, Map<String, String> env, Function<Reporter, HostRegistration> service) {
    this(io, env, service, ServiceEnrolment::new);
  }

  /** For tests: a given environment, registration and enrolment service. */
  WghostCommand(
      Io io,
      Map<String, String> env,
      Function<Reporter, HostRegistration> service,
      Function<Reporter, ServiceEnrolment> enrolService) {
    this.io = io;
    this.env = env;
    this.service = service;
    this.enrolService = enrolService;
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
    if (enrolUrl != null) {
      return enrol(dir);
    }
    checkNoEnrolOptions();
    HostRegistration registration = service.apply(common.reporter(io));
    DomainName d = DomainName.parse(domain, "DOMAIN");
    HostRegistration.Result result =
        rotateKey ? registration.rotate(dir, d) : registration.register(dir, d, sharedLans);
    io.out().println(result.blob());
    if (!rotateKey) {
      common
          .reporter(io)
          .info("hand the line on stdout to the site admin: wgsite -i BLOB wgmesh.yaml");
    }
    return ExitCode.OK.code();
  }

  private int enrol(Path dir) {
    if (rotateKey) {
      throw usage(
          "--rotate-key does not go with --enrol", "rotate with wghost --rotate-key DOMAIN");
    }
    if (serverCa == null) {
      throw usage(
          "--enrol needs --ca FILE",
          "give the CA that signed the enrolment service's certificate (the site admin has it)");
    }
    if ((deviceCert == null) != (deviceKey == null)) {
      throw usage("--cert and --key go together", "give the device certificate and its key");
    }
    if (token != null && tokenFile != null) {
      throw usage("--token and --token-file do not go together", "give one of them");
    }
    if (deviceCert == null && token == null && tokenFile == null) {
      throw usage(
          "--enrol needs a device certificate (--cert, --key) or a join token (--token-file)",
          "ask the site admin for a join token: wgsite --token --hostname NAME wgmesh.yaml");
    }
    ServiceAddress address = ServiceAddress.parse(enrolUrl);
    Optional<DeviceIdentity> device =
        Optional.ofNullable(deviceCert).map(c -> new DeviceIdentity(c, deviceKey));
    Optional<JoinTokenText> joinToken =
        tokenFile != null
            ? Optional.of(JoinTokenText.read(tokenFile))
            : Optional.ofNullable(token).map(JoinTokenText::of);
    DomainName d = DomainName.parse(domain, "DOMAIN");
    ServiceEnrolment.Result result =
        enrolService
            .apply(common.reporter(io))
            .enrol(
                dir,
                d,
                sharedLans,
                new ServiceEnrolment.Request(address, serverCa, device, joinToken));
    ServiceAnswer answer = result.answer();
    io.out().println(answer.decision().wire() + ": " + answer.reason());
    if (answer.decision() == ServiceAnswer.Decision.REFUSED) {
      throw new DeclinedException(
          address.toString(),
          "the site refused this host: " + answer.reason() + "; nothing was changed");
    }
    return ExitCode.OK.code();
  }

  /** The enrolment options mean nothing without --enrol: say so rather than ignore them. */
  private void checkNoEnrolOptions() {
    if (serverCa != null
        || deviceCert != null
        || deviceKey != null
        || token != null
        || tokenFile != null) {
      throw usage(
          "--ca, --cert, --key, --token and --token-file go only with --enrol URL",
          "add --enrol https://HOST:PORT, or leave them out to print the blob");
    }
  }

  private static UsageException usage(String why, String hint) {
    return new UsageException("wghost", why, hint);
  }
}
