package org.wgmesh.endpoint.deploy.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandFailedException;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.endpoint.deploy.host.Birdc;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.Ip;
import org.wgmesh.endpoint.deploy.host.Ipv6Forwarding;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.host.Shorewall;
import org.wgmesh.endpoint.deploy.host.Wg;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.state.Manifest;

/**
 * Reads what {@link HealthJudge} judges, with query commands only, into one {@link Probed}: every
 * command the check runs and every parse of its output is here. The manifest decides what is worth
 * asking (its namespace, interfaces, ports and firewall); nothing is judged here. The commands run
 * one after the other, in a fixed order, so a recording runner sees the same list every time.
 */
public final class HealthProbe {
  /** {@code protocol bgp wg2 from mesh_peer { description "h2";} in the rendered BIRD config. */
  private static final Pattern DESCRIPTION =
      Pattern.compile("protocol\\s+bgp\\s+(\\S+)[^{]*\\{\\s*description\\s+\"([^\"]*)\"");

  /** {@code 3 of 5 routes for 4 networks in table master4}. */
  private static final Pattern ROUTE_COUNT = Pattern.compile("(\\d+) of \\d+ routes");

  /** {@code users:(("wireguard-go",pid=12,fd=7))} in {@code ss -p} output. */
  private static final Pattern SS_USER = Pattern.compile("\\(\"([^\"]+)\",pid=(\\d+)");

  /** Every UDP socket with its process, without a header line. */
  private static final String[] UDP_SOCKETS = {"ss", "-H", "-u", "-a", "-n", "-p"};

  private final CommandRunner runner;
  private final Clock clock;
  private final HostProbe host;

  public HealthProbe(CommandRunner runner, Clock clock) {
    this.runner = runner;
    this.clock = clock;
    this.host = new HostProbe(runner);
  }

  /** Reads the host the last deploy left as {@code manifest} in {@code layout}'s namespace. */
  public Probed probe(Layout layout, Manifest manifest) {
    String ns = layout.namespace();
    Probed.Builder p = new Probed.Builder();
    p.at = clock.instant();
    p.namespaceExists = host.namespaces().contains(ns);
    if (p.namespaceExists) {
      p.links = namespaceLinks(ns);
      p.handshakes = handshakes(runner.execute(Wg.in(ns).showLatestHandshakes()));
      p.transfer = transfer(runner.execute(Wg.in(ns).showTransfer()));
      p.namespaceSysctls = host.namespaceSysctls(ns);
    }
    host.hostSysctl("net.ipv4.ip_forward")
        .ifPresent(v -> p.hostSysctls.put("net.ipv4.ip_forward", v));
    if (p.namespaceExists) {
      CommandResult endpoints = runner.execute(Wg.in(ns).showEndpoints());
      p.ipv6Endpoints = ipv6Endpoints(endpoints);
      p.endpoints = endpoints(endpoints);
      if (p.ipv6Endpoints) {
        host.hostSysctl(Ipv6Forwarding.KEY)
            .ifPresent(v -> p.hostSysctls.put(Ipv6Forwarding.KEY, v));
      }
    }
    p.vethHost = host.hostLink(manifest.vethHost());
    p.bird = bird(Birdc.at(layout.birdSocket()));
    p.peerNames = peerNames(layout);
    if (!manifest.mtus().isEmpty() && !manifest.publicInterface().isEmpty()) {
      p.publicMtu = host.hostMtu(manifest.publicInterface());
    }
    if (!manifest.ports().isEmpty()) {
      p.hostPortUsers = portUsers(runner.execute(Command.query(UDP_SOCKETS)));
      if (p.namespaceExists) {
        p.namespacePortUsers = portUsers(runner.execute(Ip.exec(ns, false, UDP_SOCKETS)));
      }
    }
    if (p.namespaceExists && manifest.overlay().isPresent()) {
      p.overlay = host.vxlan(ns);
    }
    if (manifest.firewall().equals("nftables")) {
      p.nftablesTable = Optional.of(host.nftablesTable());
    } else {
      for (Shorewall tool : Shorewall.values()) {
        p.shorewallStarted.put(tool, host.shorewallRunning(tool));
      }
    }
    return p.build();
  }

  /**
   * The interfaces inside {@code ns}; none when {@code ip} fails (the namespace went away since it
   * was listed): the check then reports them missing rather than failing.
   */
  private Map<String, LinkInfo> namespaceLinks(String ns) {
    try {
      return host.links(Ip.in(ns));
    } catch (CommandFailedException e) {
      return Map.of();
    }
  }

  private Probed.Bird bird(Birdc birdc) {
    CommandResult protocols = runner.execute(birdc.showProtocols());
    if (!protocols.ok()) {
      return Probed.Bird.silent(firstLine(protocols));
    }
    Map<String, String> bgp = bgpStates(protocols.stdout());
    Map<String, String> bfd = bfdStates(runner.execute(birdc.showBfdSessions()).stdout());
    Map<String, Long> routes = new LinkedHashMap<>();
    routeCount(runner.execute(birdc.countBgpRoutes("master4")))
        .ifPresent(n -> routes.put("ipv4", n));
    routeCount(runner.execute(birdc.countBgpRoutes("master6")))
        .ifPresent(n -> routes.put("ipv6", n));
    return new Probed.Bird(true, "", bgp, bfd, routes);
  }

  /** Whether {@code wg show all endpoints} lists an IPv6 endpoint ({@code [addr]:port}). */
  static boolean ipv6Endpoints(CommandResult endpoints) {
    return endpoints.ok()
        && endpoints.stdout().lines().anyMatch(l -> l.matches("\\S+\\s+\\S+\\s+\\[.*"));
  }

  /**
   * {@code wg show all endpoints}: {@code IFACE PEERKEY ENDPOINT} per peer; {@code (none)} until
   * the peer was heard from (left out). Each mesh interface has one peer.
   */
  static Map<String, String> endpoints(CommandResult r) {
    Map<String, String> out = new HashMap<>();
    if (!r.ok()) {
      return out;
    }
    for (String line : r.stdout().split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 3 && !f[2].equals("(none)")) {
        out.put(f[0], f[2]);
      }
    }
    return out;
  }

  /**
   * {@code ss -H -u -a -n -p}: the sockets held by a process (the kernel's have none), in order.
   */
  static List<Probed.PortUser> portUsers(CommandResult ss) {
    List<Probed.PortUser> out = new ArrayList<>();
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
      Matcher u = SS_USER.matcher(line);
      if (u.find()) {
        out.add(
            new Probed.PortUser(
                Integer.parseInt(local.substring(colon + 1)),
                u.group(1),
                Long.parseLong(u.group(2))));
      }
    }
    return out;
  }

  /** {@code wg show all transfer}: {@code IFACE PEERKEY RX TX} per peer; several peers add up. */
  static Map<String, Probed.Transfer> transfer(CommandResult r) {
    Map<String, Probed.Transfer> out = new HashMap<>();
    if (!r.ok()) {
      return out;
    }
    for (String line : r.stdout().split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 4 && f[2].matches("\\d+") && f[3].matches("\\d+")) {
        out.merge(
            f[0],
            new Probed.Transfer(Long.parseLong(f[2]), Long.parseLong(f[3])),
            (a, b) -> new Probed.Transfer(a.received() + b.received(), a.sent() + b.sent()));
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

  /** The first non-blank line of what a failed command said, stderr first; empty when silent. */
  private static String firstLine(CommandResult r) {
    return (r.stderr() + "\n" + r.stdout())
        .lines()
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .findFirst()
        .orElse("");
  }
}
