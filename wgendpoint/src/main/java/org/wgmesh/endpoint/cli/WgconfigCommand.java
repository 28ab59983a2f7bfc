package org.wgmesh.endpoint.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.CommonOptions;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.cli.VersionProvider;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.DnsSources;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.EnrolOptions;
import org.wgmesh.endpoint.config.Enrolment;
import org.wgmesh.endpoint.config.OriginalNodeImport;
import org.wgmesh.endpoint.enrol.ServiceAddress;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.ExistingFirewall;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.settings.InterfaceName;
import org.wgmesh.endpoint.settings.NamespaceName;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wgconfig [-i PUBLIC_IF] [-T TRUST_IF] [-I TRUST_CIDR]... [--public-address ADDR]...
 * [--site-fingerprint SHA256:...] [--resolver IP:PORT | --zone-file PATH] [--import-original
 * NODE.yaml [--original-key FILE]] DOMAIN}: reads and verifies the mesh record, pins the site key,
 * and creates or updates {@code DIR/<domain>.yaml}; with {@code --import-original}, for a host of
 * the original wgmesh, keeping its uuid and key ({@link OriginalNodeImport}). Thin: options, one
 * {@link Enrolment} call, exit code. Changed settings go to stdout, one per line.
 */
@Command(
    name = "wgconfig",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Create or update this endpoint's configuration for the mesh DOMAIN: read the mesh record, verify it, pin the site key (check it with --site-fingerprint), and store the local settings.",
      "Options not given keep their stored values. Prints what changed; writes nothing if nothing did."
    })
public final class WgconfigCommand implements Callable<Integer> {
  private final Io io;
  private final Map<String, String> env;
  private final BiFunction<Reporter, EnrolOptions, Enrolment.Result> service;
  private final Function<EnrolOptions, DnsSource> sources;

  @Mixin CommonOptions common;

  @Option(
      names = {"-i", "--public-interface"},
      paramLabel = "PUBLIC_IF",
      description = "The Internet-facing interface (stays in the default namespace).")
  String publicInterface;

  @Option(
      names = {"-T", "--trust-interface"},
      paramLabel = "TRUST_IF",
      description = "The LAN interface (moved into the mesh namespace).")
  String trustInterface;

  @Option(
      names = {"-I", "--trust-address"},
      paramLabel = "TRUST_CIDR",
      description =
          "An address of the LAN interface with its prefix length, e.g. 198.18.1.1/24 (repeat for more; IPv6 too).")
  List<String> trustAddresses;

  @Option(
      names = "--public-address",
      paramLabel = "ADDR",
      description = "A public address peers send to, best first (repeat for more; '' for none).")
  List<String> publicAddresses;

  @Option(
      names = "--lan-prefix",
      paramLabel = "PREFIX",
      description =
          "A LAN prefix to announce (repeat for more; '' for the default: the networks of the trust addresses).")
  List<String> lanPrefixes;

  @Option(
      names = "--netns",
      paramLabel = "NAME",
      description = "Network namespace name (default: the mesh locus).")
  String netns;

  @Option(
      names = "--hostname",
      paramLabel = "NAME",
      description = "Host name to register (default: the system's).")
  String hostname;

  @Option(
      names = "--host-key",
      paramLabel = "FILE",
      description = "WireGuard private key file (default: DIR/DOMAIN.key).")
  Path hostKey;

  @Option(
      names = "--site-fingerprint",
      paramLabel = "SHA256:...",
      description =
          "The site fingerprint from the admin; the record's key must match it. Without it the key is pinned on first use.")
  String siteFingerprint;

  @Option(
      names = "--resolver",
      paramLabel = "IP:PORT",
      description = "DNS server to read the records from, now and later (default: the system's).")
  String resolver;

  @Option(
      names = "--zone-file",
      paramLabel = "PATH",
      description = "Read the records from this zone file instead of DNS, now and later.")
  Path zoneFile;

  @Option(
      names = "--backend",
      paramLabel = "auto|kernel|userspace",
      description = "WireGuard implementation (default: auto).")
  WireGuardBackendChoice backend;

  @Option(
      names = "--supervisor",
      paramLabel = "direct|systemd",
      description = "Who runs BIRD and wireguard-go (default: direct).")
  Supervisor supervisor;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description =
          "Put every deployed file below DIR (DIR/etc/wireguard, ...), for tests and simulated hosts.")
  Path root;

  @Option(
      names = "--template-dir",
      paramLabel = "DIR",
      description =
          "Templates here replace the built-in ones file by file, e.g. DIR/shorewall/rules.ftl ('' for none).")
  String templateDir;

  @Option(
      names = "--allow-ssh-from-net",
      paramLabel = "true|false",
      arity = "1",
      description =
          "Whether Shorewall accepts SSH from the Internet side to this router (default: true).")
  Boolean allowSshFromNet;

  @Option(
      names = "--firewall",
      paramLabel = "shorewall|nftables",
      description =
          "Which firewall wgdeploy configures: Shorewall, or its own nftables table inet wgmesh"
              + " (default: shorewall).")
  Firewall firewall;

  @Option(
      names = "--existing-firewall",
      paramLabel = "refuse|merge",
      description =
          "What the first Shorewall deploy does with a Shorewall configuration already on the"
              + " router: refuse (default), or merge it into the *.local include files.")
  ExistingFirewall existingFirewall;

  @Option(
      names = "--mtu",
      paramLabel = "N|site",
      description =
          "MTU of this host's links (1280..9000) instead of the site's; site: the site's (by"
              + " default 1420 over IPv4, 1400 over IPv6).")
  String mtu;

  @Option(
      names = "--keepalive",
      paramLabel = "SECONDS|site",
      description =
          "WireGuard keepalive of this host's links (0..3600, 0 off) instead of the site's; site:"
              + " the site's (by default 25).")
  String keepalive;

  @Option(
      names = "--bfd",
      paramLabel = "normal|fast|site",
      description =
          "BFD profile of this host's sessions instead of the site's: normal (100 ms x 3), fast (20"
              + " ms x 3); site: the site's.")
  String bfd;

  @Option(
      names = "--router-on-mesh",
      paramLabel = "true|false",
      arity = "1",
      description =
          "Whether the router itself gets routes to the remote LANs through the namespace (default:"
              + " true; a prefix that overlaps a network of the router is skipped).")
  Boolean routerOnMesh;

  @Option(
      names = "--report-url",
      paramLabel = "URL",
      description =
          "The site's enrolment service that 'wgdeploy --check --report' sends health reports to,"
              + " e.g. https://192.0.2.10:8443 ('' for none: nothing is reported).")
  String reportUrl;

  @Option(
      names = "--report-ca",
      paramLabel = "FILE",
      description = "The CA file (PEM) the service's certificate must come from ('' for none).")
  String reportCa;

  @Option(
      names = "--report-cert",
      paramLabel = "FILE",
      description =
          "The device certificate (PEM) reports authenticate with, with --report-key ('' for"
              + " none).")
  String reportCert;

  @Option(
      names = "--report-key",
      paramLabel = "FILE",
      description = "The device certificate's private key (PKCS#8 PEM) ('' for none).")
  String reportKey;

  @Option(
      names = "--report-credential",
      paramLabel = "FILE",
      description =
          "The file (0600) holding the report credential of a host admitted with a join token"
              + " ('' for none).")
  String reportCredential;

  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description =
          "Endpoint configuration directory (default: $WGMESH_CONFIG_DIR, else /etc/wgmesh).")
  Path configDir;

  @Option(
      names = "--import-original",
      paramLabel = "NODE.yaml",
      description =
          "Take over a host of the original wgmesh (v2): its uuid, host name, interfaces and"
              + " addresses from its node file (node_<locus>.yaml; options given override them),"
              + " and its node key as the host key, so the site needs no new registration.")
  Path importOriginal;

  @Option(
      names = "--original-key",
      paramLabel = "FILE",
      description =
          "With --import-original: the original node key (default: the node file's"
              + " secret_key_file, else node_<locus>.key beside the node file).")
  Path originalKey;

  @Parameters(
      index = "0",
      paramLabel = "DOMAIN",
      description = "The mesh domain, e.g. mesh.example.com.")
  String domain;

  /** The command with the process environment. */
  public WgconfigCommand(Io io) {
    this(io, System.getenv(), (reporter, options) -> new Enrolment(reporter).enrol(options));
  }

  /** For tests: a given environment and enrolment service (records as the options say). */
  WgconfigCommand(
      Io io,
      Map<String, String> env,
      BiFunction<Reporter, EnrolOptions, Enrolment.Result> service) {
    this(io, env, service, o -> DnsSources.fromOptions(o.resolver(), o.zoneFile()));
  }

  /**
   * For tests: a given environment, enrolment service, and the source of the records an import
   * looks up after the enrolment (the service's).
   */
  WgconfigCommand(
      Io io,
      Map<String, String> env,
      BiFunction<Reporter, EnrolOptions, Enrolment.Result> service,
      Function<EnrolOptions, DnsSource> sources) {
    this.io = io;
    this.env = env;
    this.service = service;
    this.sources = sources;
  }

  /** The process entry point. */
  public static void main(String[] args) {
    Cli.main(WgconfigCommand::new, args);
  }

  @Override
  public Integer call() {
    Reporter reporter = common.reporter(io);
    Path dir = EndpointPaths.configDir(Optional.ofNullable(configDir), env);
    EnrolOptions options =
        new EnrolOptions(
            DomainName.parse(domain, "DOMAIN"),
            dir,
            Optional.ofNullable(siteFingerprint),
            Optional.ofNullable(resolver),
            Optional.ofNullable(zoneFile),
            changes());
    if (importOriginal == null && originalKey != null) {
      throw new UsageException(
          "--original-key", "only goes with --import-original", "give the node file too");
    }
    if (importOriginal == null) {
      printEnrolment(reporter, service.apply(reporter, options));
    } else {
      OriginalNodeImport.Result imported =
          new OriginalNodeImport(reporter, o -> service.apply(reporter, o), sources)
              .run(importOriginal.toAbsolutePath(), Optional.ofNullable(originalKey), options);
      printEnrolment(reporter, imported.enrolled());
      printImport(reporter, imported);
    }
    return ExitCode.OK.code();
  }

  private void printEnrolment(Reporter reporter, Enrolment.Result result) {
    if (result.created()) {
      io.out().println("created " + result.file());
    } else if (result.changes().isEmpty()) {
      reporter.info("%s: nothing changed", result.file());
    } else {
      io.out().println("updated " + result.file() + ":");
      result.changes().forEach(line -> io.out().println("  " + line));
    }
    reporter.info(
        "site %s, key %s, locus %s",
        result.config().domain(), result.config().siteFingerprint(), result.config().locus());
  }

  /** The key copied and whether the site knows it (its absence was warned about). */
  private void printImport(Reporter reporter, OriginalNodeImport.Result imported) {
    if (imported.keyWritten()) {
      io.out()
          .println(
              "imported host key "
                  + imported.hostKey()
                  + " from "
                  + imported.keySource()
                  + " (mode 0600)");
    } else {
      reporter.info(
          "%s: host key unchanged (the key of %s)", imported.hostKey(), imported.keySource());
    }
    imported
        .admittedAs()
        .ifPresent(
            n ->
                io.out()
                    .println(
                        "the site has admitted this host (number "
                            + n
                            + "): no wghost needed, run wgdeploy"));
  }

  /** The settings given, each as a change of the stored configuration (parsed and checked here). */
  private List<Consumer<EndpointConfig.Builder>> changes() {
    List<Consumer<EndpointConfig.Builder>> c = new ArrayList<>();
    set(
        c,
        publicInterface,
        t -> InterfaceName.parse(t, "-i/--public-interface"),
        (b, v) -> b.publicInterface = Optional.of(v));
    set(
        c,
        trustInterface,
        t -> InterfaceName.parse(t, "-T/--trust-interface"),
        (b, v) -> b.trustInterface = Optional.of(v));
    parsed(trustAddresses, t -> IpPrefix.parseInterface(t, "-I/--trust-address"))
        .ifPresent(v -> c.add(b -> b.trustAddresses = v));
    parsed(publicAddresses, t -> IpAddress.parse(t, "--public-address"))
        .ifPresent(v -> c.add(b -> b.publicAddresses = v));
    parsed(lanPrefixes, t -> IpPrefix.parse(t, "--lan-prefix"))
        .ifPresent(v -> c.add(b -> b.lanPrefixes = v));
    set(c, netns, t -> NamespaceName.parse(t, "--netns"), (b, v) -> b.netns = Optional.of(v));
    set(
        c,
        hostname,
        t -> Registration.checkHostname(t, "--hostname"),
        (b, v) -> b.hostname = Optional.of(v));
    set(c, hostKey, Path::toAbsolutePath, (b, v) -> b.hostKey = v);
    set(c, backend, v -> v, (b, v) -> b.backend = v);
    set(c, supervisor, v -> v, (b, v) -> b.supervisor = v);
    set(c, root, r -> Roots.under(r.toAbsolutePath()), (b, v) -> b.roots = v);
    set(
        c,
        templateDir,
        t ->
            t.isBlank()
                ? Optional.<Path>empty()
                : Optional.of(Enrolment.checkTemplateDir(Path.of(t.strip()))),
        (b, v) -> b.templateDir = v);
    set(c, allowSshFromNet, v -> v, (b, v) -> b.allowSshFromNet = v);
    set(c, firewall, v -> v, (b, v) -> b.firewall = v);
    set(c, existingFirewall, v -> v, (b, v) -> b.existingFirewall = v);
    set(
        c,
        mtu,
        t -> siteOr(t, v -> LinkSettings.checkMtu(LinkSettings.number(v, "--mtu"), "--mtu")),
        (b, v) -> b.tuning = b.tuning.withMtu(v));
    set(
        c,
        keepalive,
        t ->
            siteOr(
                t,
                v ->
                    LinkSettings.checkKeepalive(
                        LinkSettings.number(v, "--keepalive"), "--keepalive")),
        (b, v) -> b.tuning = b.tuning.withKeepalive(v));
    set(
        c,
        bfd,
        t ->
            t.equals("site")
                ? Optional.<BfdProfile>empty()
                : Optional.of(BfdProfile.parse(t, "--bfd")),
        (b, v) -> b.tuning = b.tuning.withBfd(v));
    set(c, routerOnMesh, v -> v, (b, v) -> b.tuning = b.tuning.withRouterOnMesh(v));
    set(
        c,
        reportUrl,
        t ->
            t.isBlank()
                ? Optional.<String>empty()
                : Optional.of(ServiceAddress.parse(t.strip(), "--report-url").toString()),
        (b, v) -> b.reportUrl = v);
    set(c, reportCa, WgconfigCommand::fileOrNone, (b, v) -> b.reportCa = v);
    set(c, reportCert, WgconfigCommand::fileOrNone, (b, v) -> b.reportCert = v);
    set(c, reportKey, WgconfigCommand::fileOrNone, (b, v) -> b.reportKey = v);
    set(c, reportCredential, WgconfigCommand::fileOrNone, (b, v) -> b.reportCredential = v);
    return c;
  }

  /** A file given as an option ({@code ''}: none), absolute as the endpoint file records it. */
  private static Optional<Path> fileOrNone(String t) {
    return t.isBlank() ? Optional.empty() : Optional.of(Path.of(t.strip()).toAbsolutePath());
  }

  /** {@code site} (no override) or a number. */
  private static OptionalInt siteOr(String t, ToIntFunction<String> parse) {
    return t.equals("site") ? OptionalInt.empty() : OptionalInt.of(parse.applyAsInt(t));
  }

  /** Adds the change of one option, parsed now (so a bad value fails before DNS is read). */
  private static <T, V> void set(
      List<Consumer<EndpointConfig.Builder>> changes,
      T option,
      Function<T, V> parse,
      BiConsumer<EndpointConfig.Builder, V> apply) {
    if (option != null) {
      V value = asOptionValue(parse).apply(option);
      changes.add(b -> apply.accept(b, value));
    }
  }

  /**
   * {@code parse} with the exit code of a bad option value (INPUT, docs/exit-codes.md): the name
   * types throw CONFIG, which is right for the endpoint file they also read, not for an option.
   */
  private static <T, V> Function<T, V> asOptionValue(Function<T, V> parse) {
    return t -> {
      try {
        return parse.apply(t);
      } catch (ConfigException e) {
        throw new InputException(e.what(), e.why(), e.hint().orElse(null), e);
      }
    };
  }

  /** A repeated option: absent, or its values; a single '' means "none". */
  private static <T> Optional<List<T>> parsed(List<String> values, Function<String, T> parse) {
    if (values == null) {
      return Optional.empty();
    }
    List<T> out = new ArrayList<>();
    for (String v : values) {
      if (!v.isBlank()) {
        out.add(asOptionValue(parse).apply(v.strip()));
      }
    }
    return Optional.of(out);
  }
}
