package org.wgmesh.endpoint.deploy.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.host.Birdc;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.Ip;
import org.wgmesh.endpoint.deploy.host.Ipv6Forwarding;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.host.Nft;
import org.wgmesh.endpoint.deploy.host.Shorewall;
import org.wgmesh.endpoint.deploy.host.Wg;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.state.Manifest;

/**
 * Checks that what the last deploy left ({@link Manifest}) is alive: the namespace and the kernel
 * settings of both namespaces, the veth pair, each WireGuard interface (up, its link address, a
 * recent handshake) with its BGP session (Established) and BFD session (Up) in BIRD, no other
 * program on a mesh UDP port, the deployed mesh record (not close to expiry, not older than one
 * verified since), BIRD, Shorewall and Shorewall6. Query commands only, and no DNS: a monitor must
 * be able to run it every minute, also while DNS is down, without changing anything.
 */
public final class HealthCheck {
  /**
   * WireGuard renews a session's handshake every 2 minutes while packets flow, and on a mesh link
   * they always flow (keepalive every 25 s, BFD every 100 ms); 180 s leaves a minute for retries.
   */
  public static final Duration DEFAULT_MAX_HANDSHAKE_AGE = Duration.ofSeconds(180);

  /** {@code protocol bgp wg2 from mesh_peer { description "h2";} in the rendered BIRD config. */
  private static final Pattern DESCRIPTION =
      Pattern.compile("protocol\\s+bgp\\s+(\\S+)[^{]*\\{\\s*description\\s+\"([^\"]*)\"");

  /** {@code 3 of 5 routes for 4 networks in table master4}. */
  private static final Pattern ROUTE_COUNT = Pattern.compile("(\\d+) of \\d+ routes");

  /** {@code users:(("wireguard-go",pid=12,fd=7))} in {@code ss -p} output. */
  private static final Pattern SS_USER = Pattern.compile("\\(\"([^\"]+)\",pid=(\\d+)");

  private final CommandRunner runner;
  private final Clock clock;

  public HealthCheck(CommandRunner runner, Clock clock) {
    this.runner = runner;
    this.clock = clock;
  }

  /**
   * Runs every check on the host deployed as {@code manifest}; never throws for what it finds.
   *
   * @param acceptedSerial the highest mesh serial verified on this host ({@code .seen}), 0 if none
   */
  public HealthReport check(
      Layout layout, Manifest manifest, long acceptedSerial, Duration maxHandshakeAge) {
    String ns = layout.namespace();
    Instant at = clock.instant();
    long now = at.getEpochSecond();
    List<HealthReport.Item> items = new ArrayList<>();
    HostProbe probe = new HostProbe(runner);
    boolean nsExists = probe.namespaces().contains(ns);
    items.add(
        item(
            "namespace",
            nsExists,
            "namespace " + ns,
            nsExists ? "exists" : "missing",
            "run wgdeploy "
                + manifest.domain()
                + " (the timer does): it creates whatever is missing"));

    Map<String, LinkInfo> links = Map.of();
    Map<String, Long> handshakes = Map.of();
    Map<String, long[]> transfer = Map.of();
    if (nsExists) {
      links = HostProbe.parseLinks(runner.execute(Ip.in(ns).addrShowAll()).stdout());
      handshakes = handshakes(runner.execute(Wg.in(ns).showLatestHandshakes()));
      transfer = transfer(runner.execute(Wg.in(ns).showTransfer()));
    }
    items.add(forwarding(ns, nsExists));
    items.add(veth(manifest, links));

    Birdc birdc = Birdc.at(layout.birdSocket());
    CommandResult protocols = runner.execute(birdc.showProtocols());
    boolean bird = protocols.ok();
    Map<String, String> bgp = bird ? bgpStates(protocols.stdout()) : Map.of();
    Map<String, String> bfd =
        bird ? bfdStates(runner.execute(birdc.showBfdSessions()).stdout()) : Map.of();
    Map<String, Long> routes = new LinkedHashMap<>();
    if (bird) {
      routeCount(runner.execute(birdc.countBgpRoutes("master4")))
          .ifPresent(n -> routes.put("ipv4", n));
      routeCount(runner.execute(birdc.countBgpRoutes("master6")))
          .ifPresent(n -> routes.put("ipv6", n));
    }
    Map<String, String> peers = peerNames(layout);

    List<HealthReport.LinkStatus> measured = new ArrayList<>();
    for (String iface : manifest.wireguard().keySet()) {
      LinkCheck c = new LinkCheck();
      LinkInfo link = links.get(iface);
      c.add(
          link != null && link.up(),
          link == null ? "link missing" : link.up() ? "link up" : "link down",
          "run wgdeploy: it recreates a missing interface and sets it up");
      // A link set down and up again has lost its IPv6 address, and BGP cannot come back without
      // it.
      String cidr = manifest.wireguard().get(iface);
      if (link != null
          && !cidr.isEmpty()
          && !link.addresses().contains(HostProbe.canonical(cidr))) {
        c.add(
            false, "address " + cidr + " missing", "run wgdeploy: it adds the link address again");
      }
      Long last = handshakes.get(iface);
      if (last == null) {
        c.add(false, "no peer", "run wgdeploy: it configures the interface's peer");
      } else if (last == 0) {
        c.add(false, "no handshake", "the peer does not answer: is it up, and its UDP port open?");
      } else {
        long age = Math.max(0, now - last);
        c.add(
            age <= maxHandshakeAge.toSeconds(),
            "handshake " + age + " s ago",
            "no recent handshake: the peer or the path to it is down");
      }
      String state = bgp.get(iface);
      String session = bfd.get(iface);
      if (!bird) {
        c.add(false, "BGP unknown (BIRD does not answer)", "start BIRD: run wgdeploy");
      } else {
        c.add(
            "Established".equals(state),
            state == null ? "no BGP session" : "BGP " + state,
            "see 'birdc -s " + layout.birdSocket() + " show protocols all " + iface + "'");
        c.add(
            "Up".equals(session),
            session == null ? "no BFD session" : "BFD " + session,
            "BFD is down when the link carries no packets: check the handshake and the peer");
      }
      String peer = peers.getOrDefault(iface, iface);
      items.add(
          c.item("link." + iface, peers.containsKey(iface) ? iface + " (" + peer + ")" : iface));
      long[] rxtx = transfer.getOrDefault(iface, new long[2]);
      measured.add(
          new HealthReport.LinkStatus(
              iface,
              peer,
              link != null && link.up(),
              last == null || last == 0 ? OptionalLong.empty() : OptionalLong.of(last),
              rxtx[0],
              rxtx[1],
              state == null ? "" : state,
              session == null ? "" : session,
              link == null ? 0 : link.mtu(),
              Optional.ofNullable(manifest.mtus().get(iface))
                  .map(Manifest.LinkMtu::mtu)
                  .orElse(0)));
    }
    items.add(mtu(manifest, links, probe));
    items.add(ports(ns, nsExists, manifest));
    items.add(recordExpiry(manifest, now));
    items.add(serial(manifest, acceptedSerial));
    items.add(
        item(
            "bird",
            bird,
            "BIRD",
            bird
                ? "answers on " + layout.birdSocket()
                : "does not answer on " + layout.birdSocket() + firstLine(protocols),
            "run wgdeploy (it starts BIRD), or see the system log"));
    if (manifest.firewall().equals("nftables")) {
      boolean table = probe.nftablesTable();
      items.add(
          item(
              "nftables",
              table,
              "nftables table " + Nft.FAMILY + " " + Nft.TABLE,
              table ? "loaded" : "missing",
              "run wgdeploy (it loads the table from " + layout.nftablesFile() + ")"));
    }
    for (Shorewall tool :
        manifest.firewall().equals("nftables") ? new Shorewall[0] : Shorewall.values()) {
      boolean started = probe.shorewallRunning(tool);
      items.add(
          item(
              tool.tool(),
              started,
              tool.tool(),
              started ? "started" : "not started",
              "run wgdeploy (it starts "
                  + tool.tool()
                  + "), or '"
                  + tool.tool()
                  + " start "
                  + (tool == Shorewall.V4 ? layout.shorewallDir() : layout.shorewall6Dir())
                  + "'"));
    }
    return new HealthReport(
        manifest.domain(),
        ns,
        at,
        items,
        measured,
        routes,
        new HealthReport.RecordStatus(
            manifest.serial(), manifest.recordIssued(), manifest.recordExpires(), acceptedSerial));
  }

  /** Whether {@code wg show all endpoints} lists an IPv6 endpoint ({@code [addr]:port}). */
  static boolean ipv6Endpoints(CommandResult endpoints) {
    return endpoints.ok()
        && endpoints.stdout().lines().anyMatch(l -> l.matches("\\S+\\s+\\S+\\s+\\[.*"));
  }

  /**
   * The MTU of every link (issue 20): as the last deploy planned it, and not larger than the public
   * interface carries once WireGuard's overhead is added (60 bytes over IPv4, 80 over IPv6), or
   * packets of full size are fragmented or lost on the way.
   */
  private static HealthReport.Item mtu(Manifest m, Map<String, LinkInfo> links, HostProbe probe) {
    if (m.mtus().isEmpty()) {
      return item("mtu", true, "MTU", "unknown (deployed by an older wgdeploy)", "");
    }
    int outer = m.publicInterface().isEmpty() ? 0 : probe.hostMtu(m.publicInterface());
    List<String> wrong = new ArrayList<>();
    Set<String> planned = new TreeSet<>();
    for (Map.Entry<String, Manifest.LinkMtu> e : new TreeMap<>(m.mtus()).entrySet()) {
      String iface = e.getKey();
      Manifest.LinkMtu want = e.getValue();
      planned.add(Integer.toString(want.mtu()));
      LinkInfo link = links.get(iface);
      if (link != null && link.mtu() > 0 && link.mtu() != want.mtu()) {
        wrong.add(iface + " has MTU " + link.mtu() + ", planned " + want.mtu());
      }
      int overhead = LinkSettings.overhead(want.v6());
      if (outer > 0 && want.mtu() > outer - overhead) {
        wrong.add(
            iface
                + " MTU "
                + want.mtu()
                + " is larger than "
                + m.publicInterface()
                + "'s "
                + outer
                + " minus "
                + overhead
                + " (WireGuard over "
                + (want.v6() ? "IPv6" : "IPv4")
                + ")");
      }
    }
    return item(
        "mtu",
        wrong.isEmpty(),
        "MTU",
        wrong.isEmpty()
            ? "links "
                + String.join("/", planned)
                + (outer > 0 ? ", " + m.publicInterface() + " " + outer : "")
            : String.join(", ", wrong),
        "run wgdeploy (it sets the planned MTU); for an underlay with a smaller MTU set a lower one:"
            + " wgsite --mtu N (site-wide) or wgconfig --mtu N (this host)");
  }

  private static HealthReport.Item item(
      String name, boolean ok, String subject, String detail, String hint) {
    return new HealthReport.Item(name, ok, subject, detail, ok ? "" : hint);
  }

  /**
   * Forwarding and the other kernel settings inside the namespace, and IPv4 forwarding outside it
   * (the DNAT needs it).
   */
  private HealthReport.Item forwarding(String ns, boolean nsExists) {
    List<String> wrong = new ArrayList<>();
    if (nsExists) {
      List<String> argv = new ArrayList<>(List.of("sysctl", "-n"));
      argv.addAll(HostProbe.SYSCTL_KEYS);
      CommandResult r = runner.execute(Ip.exec(ns, false, argv.toArray(String[]::new)));
      List<String> values = List.of(r.stdout().strip().split("\\s+"));
      for (int i = 0; i < HostProbe.SYSCTL_KEYS.size(); i++) {
        if (!r.ok()
            || i >= values.size()
            || !values.get(i).equals(HostProbe.SYSCTL_VALUES.get(i))) {
          wrong.add(HostProbe.SYSCTL_KEYS.get(i) + " in " + ns);
        }
      }
    }
    CommandResult outside = runner.execute(Command.query("sysctl", "-n", "net.ipv4.ip_forward"));
    if (!outside.ok() || !outside.stdout().strip().equals("1")) {
      wrong.add("net.ipv4.ip_forward in the default namespace");
    }
    if (nsExists && ipv6Endpoints(runner.execute(Wg.in(ns).showEndpoints()))) {
      CommandResult v6 = runner.execute(Command.query("sysctl", "-n", Ipv6Forwarding.KEY));
      if (!v6.ok() || !v6.stdout().strip().equals("1")) {
        wrong.add(Ipv6Forwarding.KEY + " in the default namespace (a peer is reached over IPv6)");
      }
    }
    return item(
        "forwarding",
        wrong.isEmpty(),
        "forwarding",
        wrong.isEmpty()
            ? "on in " + ns + " and in the default namespace"
            : "not as wgdeploy sets it: " + String.join(", ", wrong),
        "run wgdeploy (it sets the namespace's); outside it, forwarding is turned on when the"
            + " firewall starts or reloads (shorewall reload; IPv6: sysctl -w "
            + Ipv6Forwarding.KEY
            + "=1)");
  }

  /** The veth pair: both ends there, up, with their addresses. */
  private HealthReport.Item veth(Manifest m, Map<String, LinkInfo> inside) {
    String host = m.vethHost();
    String nsEnd = host.endsWith("-vh") ? host.substring(0, host.length() - 3) + "-vn" : "";
    List<String> wrong = new ArrayList<>();
    Optional<LinkInfo> outer = new HostProbe(runner).hostLink(host);
    checkEnd(wrong, host, outer, List.of(Planner.VETH_HOST_V4, Planner.VETH_HOST_V6));
    checkEnd(
        wrong,
        nsEnd,
        Optional.ofNullable(inside.get(nsEnd)),
        List.of(Planner.VETH_NS_V4, Planner.VETH_NS_V6));
    return item(
        "veth",
        wrong.isEmpty(),
        "veth " + host + "/" + nsEnd,
        wrong.isEmpty() ? "both ends up with their addresses" : String.join(", ", wrong),
        "run wgdeploy: it recreates the pair and its addresses");
  }

  private static void checkEnd(
      List<String> wrong, String name, Optional<LinkInfo> end, List<IpPrefix> want) {
    if (end.isEmpty()) {
      wrong.add(name + " missing");
      return;
    }
    if (!end.get().up()) {
      wrong.add(name + " down");
    }
    for (IpPrefix a : want) {
      if (!end.get().addresses().contains(a.toString())) {
        wrong.add(name + " without " + a);
      }
    }
  }

  /**
   * Another program on a mesh port: inside the namespace only wireguard-go (or the kernel, whose
   * sockets have no process) may hold one; outside, the DNAT sends the port's packets into the
   * namespace, so a program listening there never sees them.
   */
  private HealthReport.Item ports(String ns, boolean nsExists, Manifest m) {
    Set<Integer> mesh = new TreeSet<>(m.ports().values());
    List<String> conflicts = new ArrayList<>();
    if (!mesh.isEmpty()) {
      conflicts.addAll(
          portUsers(
              runner.execute(Command.query("ss", "-H", "-u", "-a", "-n", "-p")),
              mesh,
              "the default namespace",
              false));
      if (nsExists) {
        conflicts.addAll(
            portUsers(
                runner.execute(Ip.exec(ns, false, "ss", "-H", "-u", "-a", "-n", "-p")),
                mesh,
                ns,
                true));
      }
    }
    return item(
        "ports",
        conflicts.isEmpty(),
        "UDP ports",
        mesh.isEmpty()
            ? "unknown (deployed by an older wgdeploy)"
            : conflicts.isEmpty()
                ? "no other program on " + mesh.size() + " mesh ports"
                : String.join(", ", conflicts),
        "stop that program or move it to another port: the mesh ports are portbase + host number");
  }

  static List<String> portUsers(
      CommandResult ss, Set<Integer> ports, String where, boolean wireguardGoAllowed) {
    List<String> out = new ArrayList<>();
    if (!ss.ok()) {
      return out;
    }
    for (String line : ss.stdout().split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length < 5) {
        continue;
      }
      String local = f[3];
      int colon = local.lastIndexOf(':');
      if (colon < 0 || !local.substring(colon + 1).matches("\\d+")) {
        continue;
      }
      int port = Integer.parseInt(local.substring(colon + 1));
      Matcher u = SS_USER.matcher(line);
      if (ports.contains(port)
          && u.find()
          && !(wireguardGoAllowed && u.group(1).equals("wireguard-go"))) {
        out.add(
            "UDP port "
                + port
                + " in "
                + where
                + " used by "
                + u.group(1)
                + " (pid "
                + u.group(2)
                + ")");
      }
    }
    return out;
  }

  /**
   * The site re-signs a record once less than a third of its lifetime is left, and the timer's
   * wgdeploy picks it up within minutes: a deployed record with less than a sixth left means no new
   * one came for a long while (the site's wgpub timer stopped, or this host's deploys fail).
   */
  private static HealthReport.Item recordExpiry(Manifest m, long now) {
    if (m.recordExpires() == 0) {
      return item(
          "record-expiry",
          true,
          "mesh record",
          "expiry unknown (deployed by an older wgdeploy)",
          "");
    }
    long left = m.recordExpires() - now;
    long lifetime = Math.max(1, m.recordExpires() - m.recordIssued());
    boolean ok = left > lifetime / 6;
    String when = left <= 0 ? "expired " + human(-left) + " ago" : "expires in " + human(left);
    return item(
        "record-expiry",
        ok,
        "mesh record",
        "serial " + m.serial() + " " + when,
        "no newer record reached this host: is the site's wgpub timer running, and does wgdeploy succeed here?");
  }

  /** A record verified since the last deploy but not deployed: the deploys after it failed. */
  private static HealthReport.Item serial(Manifest m, long accepted) {
    boolean ok = m.serial() == 0 || accepted <= m.serial();
    return item(
        "serial",
        ok,
        "deployed serial",
        ok
            ? (m.serial() == 0
                ? "unknown"
                : m.serial() + (accepted == m.serial() ? ", the newest verified" : ""))
            : m.serial()
                + ", but serial "
                + accepted
                + " was verified since: the deploys after it failed",
        "run wgdeploy -v " + m.domain() + " to see why");
  }

  private static String human(long seconds) {
    if (seconds >= 2 * 86400) {
      return (seconds / 86400) + " days";
    }
    if (seconds >= 2 * 3600) {
      return (seconds / 3600) + " h";
    }
    return (seconds / 60) + " min";
  }

  /**
   * The parts of one link's line; a failed link shows only what failed, and the first failure's
   * hint.
   */
  private static final class LinkCheck {
    private final List<String> all = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private String hint = "";

    void add(boolean ok, String part, String hintIfFailed) {
      all.add(part);
      if (!ok) {
        failed.add(part);
        if (hint.isEmpty()) {
          hint = hintIfFailed;
        }
      }
    }

    HealthReport.Item item(String name, String subject) {
      return failed.isEmpty()
          ? new HealthReport.Item(name, true, subject, String.join(", ", all), "")
          : new HealthReport.Item(name, false, subject, String.join(", ", failed), hint);
    }
  }

  /** {@code wg show all transfer}: {@code IFACE PEERKEY RX TX} per peer; several peers add up. */
  static Map<String, long[]> transfer(CommandResult r) {
    Map<String, long[]> out = new HashMap<>();
    if (!r.ok()) {
      return out;
    }
    for (String line : r.stdout().split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 4 && f[2].matches("\\d+") && f[3].matches("\\d+")) {
        long[] t = out.computeIfAbsent(f[0], k -> new long[2]);
        t[0] += Long.parseLong(f[2]);
        t[1] += Long.parseLong(f[3]);
      }
    }
    return out;
  }

  /** {@code birdc show route ... count}: the routes that matched. */
  static Optional<Long> routeCount(CommandResult r) {
    Matcher m = ROUTE_COUNT.matcher(r.stdout());
    return r.ok() && m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
  }

  /**
   * {@code wg show all latest-handshakes}: {@code IFACE PEERKEY UNIXTIME} per peer (0: never). Each
   * mesh interface has one peer; with several, the most recent handshake counts.
   */
  static Map<String, Long> handshakes(CommandResult r) {
    Map<String, Long> out = new HashMap<>();
    if (!r.ok()) {
      return out;
    }
    for (String line : r.stdout().split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 3 && f[2].matches("\\d+")) {
        out.merge(f[0], Long.parseLong(f[2]), Math::max);
      }
    }
    return out;
  }

  /**
   * {@code birdc show protocols}: {@code NAME PROTO TABLE STATE SINCE INFO}; for BGP the first word
   * of INFO is the session state (Idle, Connect, Active, OpenSent, OpenConfirm, Established), else
   * the protocol state (a disabled protocol has no INFO).
   */
  static Map<String, String> bgpStates(String text) {
    Map<String, String> out = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 4 && f[1].equals("BGP")) {
        out.put(f[0], f.length >= 6 ? f[5] : f[3]);
      }
    }
    return out;
  }

  /** {@code birdc show bfd sessions}: {@code ADDRESS INTERFACE STATE SINCE INTERVAL TIMEOUT}. */
  static Map<String, String> bfdStates(String text) {
    Map<String, String> out = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.strip().split("\\s+");
      // The banner and the header also give entries, under keys that are no interface name.
      // Two sessions on one interface (IPv4 and IPv6 neighbours) must both be Up.
      if (f.length >= 3) {
        out.merge(f[1], f[2], (a, b) -> a.equals("Up") ? b : a);
      }
    }
    return out;
  }

  /**
   * Peer host names from the rendered BIRD config ({@code description "h2"} in each session): the
   * manifest does not keep them, and reading a local file keeps the check free of DNS. Empty when
   * the file cannot be read or an override template does not write descriptions.
   */
  static Map<String, String> peerNames(Layout layout) {
    Map<String, String> out = new HashMap<>();
    try {
      Matcher m = DESCRIPTION.matcher(Files.readString(layout.birdConf(), StandardCharsets.UTF_8));
      while (m.find()) {
        out.put(m.group(1), m.group(2));
      }
    } catch (IOException e) {
      // No names: the lines show the interface names alone.
    }
    return out;
  }

  private static String firstLine(CommandResult r) {
    Optional<String> line =
        (r.stderr() + "\n" + r.stdout())
            .lines()
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .findFirst();
    return line.map(s -> ": " + s).orElse("");
  }
}
