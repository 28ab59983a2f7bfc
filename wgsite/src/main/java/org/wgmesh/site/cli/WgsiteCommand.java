package org.wgmesh.site.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.CommonOptions;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.VersionProvider;
import org.wgmesh.core.enrolment.HostnamePattern;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.io.BoundedFiles;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.original.ImportOptions;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.BlobSource;
import org.wgmesh.site.NewSite;
import org.wgmesh.site.OriginalSiteImport;
import org.wgmesh.site.SiteAdmin;
import org.wgmesh.site.TokenAdmin;
import org.wgmesh.site.admin.AdminPasswordFile;
import org.wgmesh.site.enrolment.EnrolmentQueue;
import org.wgmesh.site.enrolment.EnrolmentService;
import org.wgmesh.site.enrolment.QueuedHost;
import org.wgmesh.site.enrolment.SitePublisher;
import org.wgmesh.site.status.ObservedHosts;
import org.wgmesh.site.status.SiteStatus;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wgsite}: create the site file, validate it and print the site fingerprint, admit hosts
 * from their registration blobs, list and remove hosts. Options become one {@link SiteAdmin} call.
 */
@Command(
    name = "wgsite",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Create, validate and edit the wgmesh site file.",
      "",
      "  wgsite --domain D --locus L FILE   create the site (keys beside FILE, mode 0600)",
      "  wgsite FILE                        validate and print the site report and fingerprint",
      "  wgsite -i BLOB|@BLOBFILE FILE      admit hosts from their registration blobs",
      "  wgsite --list [--json] FILE        list the hosts",
      "  wgsite --status [--json] [--stale-after D] [--metrics F] FILE   hosts' latest health reports",
      "  wgsite --remove UUID|HOSTNAME FILE remove a host",
      "  wgsite --add-client NAME --attach HOST[,HOST...] --key PUBKEY [--address A]... FILE",
      "  wgsite --add-client NAME --attach HOST[,HOST...] --generate-key [--qr] [--qr-png F] FILE",
      "                                     add a client (a device without wgmesh, docs/clients.md)",
      "  wgsite --client-config NAME [--private-key-file F] [--qr] [--qr-png F] FILE",
      "                                     print a client's wg-quick config",
      "  wgsite --remove-client NAME FILE   remove a client",
      "  wgsite --forget-original FILE      forget the original wgmesh's key (after the move)",
      "  wgsite --mtu N|auto --keepalive S --bfd normal|fast FILE   set the link settings",
      "                                     (also with --domain/--locus when creating)",
      "  wgsite --token --hostname PATTERN [--lan P]... [--expires D] [--uses N] FILE",
      "                                     make a join token (printed once, stored hashed)",
      "  wgsite --tokens [--json] FILE      list the join tokens",
      "  wgsite --revoke-token ID FILE      revoke a join token",
      "  wgsite --serve FILE                run the enrolment service (foreground, until TERM)",
      "  wgsite --queue [--json] FILE       list the enrolment requests waiting for a human",
      "  wgsite --approve ID FILE           admit a queued request and publish the site",
      "  wgsite --reject ID FILE            drop a queued request",
      "  wgsite --admin-password NAME FILE  set a status-page admin's password (read from stdin)",
      "  wgsite --import-original ORIGINAL.yaml [--original-key F] [--original-node F]...",
      "         [--lan HOST=PREFIX]... [--exclude UUID|HOST|@F]... [--dry-run] [--json] NEW",
      "                                     create NEW from an original wgmesh 2.x site",
      ""
    },
    exitCodeListHeading = "%nExit codes (see docs/exit-codes.md):%n",
    // Each entry starts with ExitCode.meaning(); WgsiteCommandTest keeps them in step.
    exitCodeList = {
      "0:success",
      "1:internal error (a bug)",
      "2:bad command line (also: a confirmation is needed but there is no terminal and no --yes)",
      "3:invalid configuration file (the site file or its key files)",
      "4:invalid input (a blob, an option value, an unknown host)",
      "9:declined (answered no; nothing changed)",
      "10:conflict (a uuid with another key, a hostname, key or LAN of another host)",
      "11:file error"
    })
public final class WgsiteCommand implements Callable<Integer> {
  private final Io io;

  @Mixin CommonOptions common = new CommonOptions();

  @Parameters(index = "0", paramLabel = "FILE", description = "The site file, e.g. wgmesh.yaml.")
  Path file;

  static final class Action {
    @Option(
        names = {"-i", "--import"},
        paramLabel = "BLOB|@FILE",
        description =
            "Admit the host of a registration blob (in a site imported from the original wgmesh,"
                + " also the original's blobs); @FILE reads one blob per line (# comments), all or"
                + " nothing.")
    String blob;

    @Option(names = "--list", description = "List the hosts (a table; --json for machines).")
    boolean list;

    @Option(
        names = "--remove",
        paramLabel = "UUID|HOSTNAME",
        description = "Remove a host; its number is reused only after wgpub published the removal.")
    String remove;

    @Option(
        names = "--add-client",
        paramLabel = "NAME",
        description =
            "Add a client (issue 25): a device that runs only WireGuard, dialling in to the"
                + " --attach hosts; its key from --key, or --generate-key.")
    String addClient;

    @Option(
        names = "--client-config",
        paramLabel = "NAME",
        description = "Print client NAME's wg-quick config on stdout (--qr, --qr-png: as QR code).")
    String clientConfig;

    @Option(
        names = "--remove-client",
        paramLabel = "NAME",
        description = "Remove a client; wgpub deletes its record and its hosts drop it.")
    String removeClient;

    @Option(
        names = "--roll-site-key",
        description =
            "Start a site signing-key roll: wgpub announces the next key (signed by the current one)"
                + " for --overlap, then signs with the new key alone.")
    boolean rollSiteKey;

    @Option(
        names = "--forget-original",
        description =
            "Forget the original wgmesh's site key of an imported site (its blobs are refused"
                + " afterwards): removes site-keys.original-public and FILE's .original.key.")
    boolean forgetOriginal;

    @Option(
        names = "--token",
        description =
            "Make a join token (needs the site file's enrolment: section); prints it once.")
    boolean token;

    @Option(names = "--tokens", description = "List the join tokens (never their secrets).")
    boolean tokens;

    @Option(names = "--revoke-token", paramLabel = "ID", description = "Revoke a join token.")
    String revokeToken;

    @Option(
        names = "--serve",
        description = "Run the enrolment service of the site file's enrolment: section until TERM.")
    boolean serve;

    @Option(names = "--queue", description = "List the enrolment requests waiting for a human.")
    boolean queue;

    @Option(
        names = "--approve",
        paramLabel = "ID",
        description = "Admit the queued enrolment request ID and publish the site.")
    String approve;

    @Option(names = "--reject", paramLabel = "ID", description = "Drop the queued request ID.")
    String reject;

    @Option(
        names = "--status",
        description = "Show each host's latest health report (a table; --json for machines).")
    boolean status;

    @Option(
        names = "--admin-password",
        paramLabel = "NAME",
        description =
            "Set the status-page password of admin NAME: one line read from standard input, stored"
                + " as a slow salted hash in FILE.admins (0600).")
    String adminPassword;

    @Option(
        names = "--import-original",
        paramLabel = "ORIGINAL.yaml",
        description =
            "Create FILE from a site file of the original wgmesh 2.x: every host keeps its uuid,"
                + " hostname, number, AS and key; prints what was kept and what changed.")
    Path importOriginal;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Action action = new Action();

  @Option(names = "--yes", description = "Do not ask for confirmation (for scripts).")
  boolean yes;

  @Option(
      names = "--replace",
      description = "With -i: accept a new key for a known uuid (number and AS stay).")
  boolean replace;

  @Option(names = "--json", description = "With --list, --status, --tokens or --queue: print JSON.")
  boolean json;

  @Option(
      names = "--overlap",
      paramLabel = "DURATION",
      description =
          "With --roll-site-key: how long both keys are trusted (default: 14d; at least the record"
              + " lifetime; cover the longest time an endpoint stays offline).")
  String overlap;

  @Option(
      names = "--stale-after",
      paramLabel = "DURATION",
      description = "With --status: a report older than this makes its host stale (default 10m).")
  String staleAfter;

  @Option(
      names = "--metrics",
      paramLabel = "FILE",
      description = "With --status: also write the counts as Prometheus text to FILE (0644).")
  Path metrics;

  @Option(
      names = "--mtu",
      paramLabel = "N|auto",
      description =
          "Set the MTU of every link (1280..9000), or auto: 1420 over IPv4, 1400 over IPv6 (the"
              + " default).")
  String mtu;

  @Option(
      names = "--keepalive",
      paramLabel = "SECONDS",
      description =
          "Set WireGuard's persistent keepalive of every link (0..3600, 0 off; default 25).")
  String keepalive;

  @Option(
      names = "--bfd",
      paramLabel = "normal|fast",
      description = "Set the BFD profile: normal (100 ms x 3, the default) or fast (20 ms x 3).")
  String bfd;

  @Option(
      names = "--original-key",
      paramLabel = "FILE",
      description =
          "With --import-original: the original site key (default: global.privatekey, else"
              + " <locus>_priv beside the original file).")
  Path originalKey;

  @Option(
      names = "--original-node",
      paramLabel = "FILE",
      description =
          "With --import-original: a host's original node_<locus>.yaml; its trust networks become"
              + " the host's LAN prefixes (repeat for more).")
  List<Path> originalNodes = new ArrayList<>();

  @Option(
      names = "--exclude",
      paramLabel = "UUID|HOSTNAME|@FILE",
      description =
          "With --import-original: leave a host out; @FILE lists one per line (# comments).")
  List<String> excludes = new ArrayList<>();

  @Option(
      names = "--dry-run",
      description =
          "With --import-original: print the report, write nothing. With --add-client: check and"
              + " show the client, write nothing.")
  boolean dryRun;

  @Option(
      names = "--attach",
      paramLabel = "HOST[,HOST...]",
      split = ",",
      description = "With --add-client: the hosts the client dials in to, the primary first.")
  List<String> attach = new ArrayList<>();

  @Option(
      names = "--key",
      paramLabel = "PUBKEY",
      description = "With --add-client: the client's WireGuard public key (base64, wg pubkey).")
  String clientKey;

  @Option(
      names = "--generate-key",
      description =
          "With --add-client: make the client's key pair; the config with its private key is"
              + " printed once on stdout and never stored.")
  boolean generateKey;

  @Option(
      names = "--address",
      paramLabel = "ADDR",
      description =
          "With --add-client: the client's address from a client pool (one per family; default:"
              + " the site picks).")
  List<String> clientAddresses = new ArrayList<>();

  @Option(
      names = "--qr",
      description =
          "With --client-config or --generate-key: also show the config as a QR code (stderr).")
  boolean qr;

  @Option(
      names = "--qr-png",
      paramLabel = "FILE",
      description =
          "With --client-config or --generate-key: write the config's QR code as PNG (0600).")
  Path qrPng;

  @Option(
      names = "--private-key-file",
      paramLabel = "FILE",
      description =
          "With --client-config: a file (0600) holding the client's base64 private key, to fill in"
              + " the PrivateKey line.")
  Path privateKeyFile;

  @Option(
      names = "--hostname",
      paramLabel = "PATTERN",
      description = "With --token: the hostnames it admits, * any run of letters, digits, -.")
  String hostnamePattern;

  @Option(
      names = "--lan",
      paramLabel = "PREFIX",
      description =
          "With --token: a LAN prefix its hosts may announce (repeat for more). With -i of a"
              + " single blob of the original wgmesh, which carries none: the host's LAN prefixes."
              + " With --import-original: HOSTNAME=PREFIX, a LAN of an imported host.")
  List<String> lans = new ArrayList<>();

  @Option(
      names = "--expires",
      paramLabel = "DURATION",
      description = "With --token: how long it is valid (default: enrolment.tokens.expires).")
  String expires;

  @Option(
      names = "--uses",
      paramLabel = "N",
      description = "With --token: how many hosts it admits (default: enrolment.tokens.uses).")
  String uses;

  @Option(
      names = "--domain",
      paramLabel = "DOMAIN",
      description = "New site: the DNS name of the mesh record.")
  String domain;

  @Option(
      names = "--locus",
      paramLabel = "NAME",
      description = "New site: the short mesh name (the endpoints' namespace).")
  String locus;

  @Option(
      names = "--asn-range",
      paramLabel = "LOW:HIGH",
      description = "New site: private ASNs for hosts (default 64512:65534).")
  String asnRange;

  @Option(
      names = "--tunnel-prefix",
      paramLabel = "PREFIX",
      description = "New site: IPv6 /48 for link addresses (default: a random ULA /48).")
  String tunnelPrefix;

  @Option(
      names = "--portbase",
      paramLabel = "PORT",
      description = "New site: UDP port base (default 51000).")
  Integer portbase;

  @Option(
      names = "--publish",
      paramLabel = "URI",
      description = "New site: publish target (default zonefile:<dir of FILE>/<domain>.zone).")
  String publish;

  private final Clock clock;

  public WgsiteCommand(Io io) {
    this(io, Clock.systemUTC());
  }

  /** For tests: the clock the roll's end is counted from. */
  public WgsiteCommand(Io io, Clock clock) {
    this.io = io;
    this.clock = clock;
  }

  public static void main(String[] args) {
    Cli.main(WgsiteCommand::new, args);
  }

  @Override
  public Integer call() {
    NewSite create =
        new NewSite(
            Optional.ofNullable(domain),
            Optional.ofNullable(locus),
            Optional.ofNullable(asnRange),
            Optional.ofNullable(tunnelPrefix),
            portbase == null ? OptionalInt.empty() : OptionalInt.of(portbase),
            Optional.ofNullable(publish));
    checkCombinations(create);
    var reporter = common.reporter(io);
    SiteAdmin admin = new SiteAdmin(reporter, new PromptConfirmation(io, yes, reporter));
    if (action.importOriginal != null) {
      importOriginal(
          create, new OriginalSiteImport(reporter, new PromptConfirmation(io, yes, reporter)));
    } else if (action.token || action.tokens || action.revokeToken != null) {
      tokens();
    } else if (action.adminPassword != null) {
      adminPassword();
    } else if (action.serve) {
      EnrolmentService.runUntilStopped(file, reporter, SitePublisher.wgpub(reporter), clock);
    } else if (action.queue || action.approve != null || action.reject != null) {
      queue(new EnrolmentQueue(file, reporter, SitePublisher.wgpub(reporter)));
    } else if (action.blob != null) {
      List<IpPrefix> originalLans = new ArrayList<>();
      lans.forEach(l -> originalLans.add(IpPrefix.parse(l, "--lan")));
      admin.admit(file, BlobSource.read(action.blob), replace, originalLans, Instant.now(clock));
    } else if (action.remove != null) {
      admin.remove(file, action.remove);
    } else if (clientAction()) {
      ClientCommands clients =
          new ClientCommands(io, reporter, new PromptConfirmation(io, yes, reporter));
      if (action.addClient != null) {
        clients.add(file, action.addClient, clientOptions());
      } else if (action.clientConfig != null) {
        clients.config(file, action.clientConfig, clientOptions());
      } else {
        clients.remove(file, action.removeClient);
      }
    } else if (action.forgetOriginal) {
      SiteOutput.report(admin.forgetOriginal(file), io.out());
    } else if (action.rollSiteKey) {
      Duration d = SiteFile.parseDuration(overlap == null ? "14d" : overlap, "--overlap");
      SiteOutput.report(admin.rollSiteKey(file, d, Instant.now(clock)), io.out());
    } else if (linkChange() && !create.any()) {
      UnaryOperator<LinkSettings> change = linkSettings();
      SiteOutput.report(admin.setLinks(file, change), io.out());
    } else if (linkChange()) {
      // A new site with its link settings: created, then set without a question (an existing
      // file named with creation options is changed only after confirmation).
      UnaryOperator<LinkSettings> change = linkSettings();
      boolean existed = Files.exists(file);
      admin.openOrCreate(file, create);
      SiteOutput.report(admin.setLinks(file, change, existed), io.out());
    } else if (action.status) {
      status();
    } else if (action.list) {
      Site site = SiteFile.load(file);
      // Where the peers see each host, as wgpub publishes it (from the service's reports).
      Map<Integer, Observed> observed =
          ObservedHosts.observed(
              site,
              ObservedHosts.reports(site, file, message -> reporter.warn("%s", message)),
              clock.instant());
      if (json) {
        SiteOutput.json(site, observed, io.out());
      } else {
        SiteOutput.table(site, observed, io.out());
      }
    } else {
      SiteOutput.report(admin.openOrCreate(file, create), io.out());
    }
    return ExitCode.OK.code();
  }

  /**
   * {@code --import-original}: the report first, then the question; a dry run stops after the
   * report.
   */
  private void importOriginal(NewSite create, OriginalSiteImport importer) {
    ImportOptions options =
        new ImportOptions(
            create.domain(),
            create.locus(),
            create.tunnelPrefix().map(t -> IpPrefix.parse(t, "--tunnel-prefix")),
            create.portbase(),
            create.asnRange(),
            create.publish(),
            excluded(),
            lansByHost(),
            List.of());
    OriginalSiteImport.Prepared prepared =
        importer.prepare(
            file,
            new OriginalSiteImport.Request(
                action.importOriginal, Optional.ofNullable(originalKey), originalNodes, options));
    if (dryRun) {
      if (json) {
        ImportOutput.json(prepared, file, Optional.empty(), io.out());
      } else {
        ImportOutput.text(prepared, file, true, io.out());
      }
      return;
    }
    if (!json) {
      ImportOutput.text(prepared, file, false, io.out());
    }
    Site site = importer.create(file, prepared, action.importOriginal.toString());
    if (json) {
      ImportOutput.json(prepared, file, Optional.of(site), io.out());
    } else {
      SiteOutput.report(site, io.out());
    }
  }

  /** {@code --exclude}: each a uuid or hostname, or {@code @FILE} with one per line. */
  private Set<String> excluded() {
    Set<String> out = new LinkedHashSet<>();
    for (String e : excludes) {
      if (!e.startsWith("@")) {
        out.add(e.strip());
        continue;
      }
      Path f = Path.of(e.substring(1));
      BoundedFiles.readUtf8(
              f, new BoundedFiles.Limit("exclude-file size limit", 1L << 20, InputException::new))
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .forEach(out::add);
    }
    return out;
  }

  /** {@code --lan HOSTNAME=PREFIX} of an import. */
  private Map<String, List<IpPrefix>> lansByHost() {
    Map<String, List<IpPrefix>> out = new LinkedHashMap<>();
    for (String l : lans) {
      int eq = l.indexOf('=');
      if (eq < 1) {
        throw new InputException(
            "--lan", "'" + l + "' is not HOSTNAME=PREFIX", "e.g. --lan node001=10.0.1.0/24");
      }
      out.computeIfAbsent(
              l.substring(0, eq).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(IpPrefix.parse(l.substring(eq + 1).strip(), "--lan " + l));
    }
    return out;
  }

  /** {@code --status [--json] [--stale-after D] [--metrics FILE]}. */
  private void status() {
    Duration stale =
        staleAfter == null
            ? SiteStatus.DEFAULT_STALE_AFTER
            : SiteFile.parseDuration(staleAfter, "--stale-after");
    SiteStatus status = SiteStatus.of(SiteFile.load(file), file, Instant.now(clock), stale);
    if (metrics != null) {
      AtomicFiles.write(metrics, status.metrics(), AtomicFiles.PUBLIC);
    }
    io.out().print(json ? Json.pretty(status.json()) + "\n" : status.table());
    io.out().flush();
  }

  /** {@code --admin-password NAME}: the password is one line of stdin, never an argument. */
  private void adminPassword() {
    String name = AdminPasswordFile.checkName(action.adminPassword);
    SiteFile.load(file);
    if (io.interactive()) {
      io.err().print("password for " + name + ": ");
      io.err().flush();
    }
    String line;
    try {
      line = io.in().readLine();
    } catch (IOException e) {
      throw new InputException("standard input", "cannot be read: " + e.getMessage());
    }
    if (line == null) {
      throw new InputException(
          "standard input", "is empty", "give the password as one line on standard input");
    }
    char[] password = line.toCharArray();
    AdminPasswordFile.set(file, name, password, new SecureRandom());
    Arrays.fill(password, '\0');
    io.out().println("admin " + name + ": password set in " + AdminPasswordFile.beside(file));
    io.out().println("restart wgsite --serve to take it");
  }

  /** {@code --queue}, {@code --approve ID}, {@code --reject ID}. */
  private void queue(EnrolmentQueue queue) {
    if (action.queue) {
      if (json) {
        QueueOutput.json(queue.list(), io.out());
      } else {
        QueueOutput.table(queue.list(), io.out());
      }
    } else if (action.approve != null) {
      queue.approve(action.approve);
      io.out().println("approved " + action.approve);
    } else {
      QueuedHost dropped = queue.reject(action.reject);
      io.out().println("rejected " + dropped.id() + " (" + dropped.hostname() + ")");
    }
  }

  /** {@code --token}, {@code --tokens}, {@code --revoke-token}: option values checked first. */
  private void tokens() {
    TokenAdmin tokenAdmin = new TokenAdmin();
    if (action.token) {
      List<IpPrefix> prefixes = new ArrayList<>();
      lans.forEach(l -> prefixes.add(IpPrefix.parse(l, "--lan")));
      TokenAdmin.Request request =
          new TokenAdmin.Request(
              Optional.ofNullable(expires).map(e -> SiteFile.parseDuration(e, "--expires")),
              uses == null ? OptionalInt.empty() : OptionalInt.of(number(uses, "--uses")),
              HostnamePattern.parse(hostnamePattern, "--hostname"),
              prefixes);
      TokenOutput.created(tokenAdmin.create(file, request, Instant.now(clock)), io.out());
    } else if (action.tokens) {
      if (json) {
        TokenOutput.json(tokenAdmin.list(file), Instant.now(clock), io.out());
      } else {
        TokenOutput.table(tokenAdmin.list(file), Instant.now(clock), io.out());
      }
    } else {
      TokenOutput.revoked(tokenAdmin.revoke(file, action.revokeToken), io.out());
    }
  }

  private static int number(String text, String what) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new InputException(what, "'" + text + "' is not a whole number");
    }
  }

  private boolean clientAction() {
    return action.addClient != null || action.clientConfig != null || action.removeClient != null;
  }

  private ClientCommands.Options clientOptions() {
    return new ClientCommands.Options(
        attach,
        Optional.ofNullable(clientKey),
        generateKey,
        clientAddresses,
        qr,
        Optional.ofNullable(qrPng),
        Optional.ofNullable(privateKeyFile),
        dryRun);
  }

  /** The client options go with their actions only (issue 25). */
  private void checkClientCombinations() {
    boolean adding = action.addClient != null;
    boolean exporting = action.clientConfig != null;
    if ((!attach.isEmpty() || clientKey != null || generateKey || !clientAddresses.isEmpty())
        && !adding) {
      throw usage("--attach, --key, --generate-key and --address go with --add-client");
    }
    if ((qr || qrPng != null) && !adding && !exporting) {
      throw usage("--qr and --qr-png go with --client-config or --add-client --generate-key");
    }
    if (privateKeyFile != null && !exporting) {
      throw usage("--private-key-file goes with --client-config");
    }
  }

  private boolean linkChange() {
    return mtu != null || keepalive != null || bfd != null;
  }

  /** The link settings options as a change; values checked before anything is read. */
  private UnaryOperator<LinkSettings> linkSettings() {
    OptionalInt m =
        mtu == null || mtu.equals("auto")
            ? OptionalInt.empty()
            : OptionalInt.of(LinkSettings.checkMtu(LinkSettings.number(mtu, "--mtu"), "--mtu"));
    Integer k =
        keepalive == null
            ? null
            : LinkSettings.checkKeepalive(
                LinkSettings.number(keepalive, "--keepalive"), "--keepalive");
    BfdProfile b = bfd == null ? null : BfdProfile.parse(bfd, "--bfd");
    return l -> {
      LinkSettings out = mtu == null ? l : l.withMtu(m);
      out = k == null ? out : out.withKeepalive(k);
      return b == null ? out : out.withBfd(b);
    };
  }

  private void checkCombinations(NewSite create) {
    boolean tokenAction =
        action.token
            || action.tokens
            || action.revokeToken != null
            || action.serve
            || action.queue
            || action.approve != null
            || action.reject != null
            || action.adminPassword != null;
    boolean editing =
        action.blob != null
            || action.remove != null
            || action.list
            || action.status
            || action.rollSiteKey
            || action.forgetOriginal
            || clientAction()
            || tokenAction;
    checkClientCombinations();
    if (linkChange() && clientAction()) {
      throw usage("--mtu, --keepalive and --bfd go alone, or with the options that create a site");
    }
    if (linkChange()
        && (action.blob != null
            || action.remove != null
            || action.list
            || action.status
            || action.rollSiteKey
            || action.forgetOriginal
            || tokenAction)) {
      throw usage("--mtu, --keepalive and --bfd go alone, or with the options that create a site");
    }
    if (editing && create.any()) {
      throw usage(
          "--domain, --locus, --asn-range, --tunnel-prefix, --portbase and --publish only create a site");
    }
    boolean importing = action.importOriginal != null;
    if (importing && linkChange()) {
      throw usage("--mtu, --keepalive and --bfd change a site: import first, then set them");
    }
    if (!importing && (originalKey != null || !originalNodes.isEmpty() || !excludes.isEmpty())) {
      throw usage("--original-key, --original-node and --exclude go with --import-original");
    }
    if (dryRun && !importing && action.addClient == null) {
      throw usage("--dry-run goes with --import-original or --add-client");
    }
    if (json && !action.list && !action.status && !action.tokens && !action.queue && !importing) {
      throw usage("--json goes with --list, --status, --tokens, --queue or --import-original");
    }
    if ((staleAfter != null || metrics != null) && !action.status) {
      throw usage("--stale-after and --metrics go with --status");
    }
    if (replace && action.blob == null) {
      throw usage("--replace goes with -i");
    }
    if ((hostnamePattern != null || expires != null || uses != null) && !action.token) {
      throw usage("--hostname, --expires and --uses go with --token");
    }
    // Also with -i of one original wgmesh blob (issue 26): SiteAdmin.admit checks the blob. With
    // --import-original it is HOSTNAME=PREFIX.
    if (!lans.isEmpty() && !action.token && action.blob == null && !importing) {
      throw usage(
          "--lan goes with --token, with -i of a blob of the original wgmesh, or with"
              + " --import-original");
    }
    if (action.token && hostnamePattern == null) {
      throw usage("--token needs --hostname (the hostnames the token admits, e.g. 'web-*')");
    }
    if (overlap != null && !action.rollSiteKey) {
      throw usage("--overlap goes with --roll-site-key");
    }
  }

  private static UsageException usage(String why) {
    return new UsageException("wgsite", why, "see 'wgsite --help'");
  }
}
