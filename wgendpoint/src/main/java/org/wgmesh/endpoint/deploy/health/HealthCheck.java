package org.wgmesh.endpoint.deploy.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.endpoint.deploy.host.Birdc;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.Ip;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.host.Shorewall;
import org.wgmesh.endpoint.deploy.host.Wg;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.plan.Layout;

/**
 * Checks that what the last deploy left ({@link Manifest}) is alive: the namespace, each WireGuard
 * interface (up, its link address, a recent handshake), its BGP session (Established) and BFD session (Up) in BIRD,
 * and Shorewall and Shorewall6 (started). Query commands only, and no DNS: a monitor must be able
 * to run it every minute, also while DNS is down, without changing anything.
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

  private final CommandRunner runner;
  private final Clock clock;

  public HealthCheck(CommandRunner runner, Clock clock) {
    this.runner = runner;
    this.clock = clock;
  }

  /** Runs every check on the host deployed as {@code manifest}; never throws for what it finds. */
  public HealthReport check(Layout layout, Manifest manifest, Duration maxHandshakeAge) {
    String ns = layout.namespace();
    List<HealthReport.Item> items = new ArrayList<>();
    HostProbe probe = new HostProbe(runner);
    boolean nsExists = probe.namespaces().contains(ns);
    items.add(new HealthReport.Item(nsExists, "namespace " + ns, nsExists ? "exists" : "missing"));

    Map<String, LinkInfo> links = Map.of();
    Map<String, Long> handshakes = Map.of();
    if (nsExists) {
      links = HostProbe.parseLinks(runner.execute(Ip.in(ns).addrShowAll()).stdout());
      handshakes = handshakes(runner.execute(Wg.in(ns).showLatestHandshakes()));
    }
    String socket = layout.birdSocket().toString();
    Birdc birdc = Birdc.at(layout.birdSocket());
    CommandResult protocols = runner.execute(birdc.showProtocols());
    boolean bird = protocols.ok();
    Map<String, String> bgp = bird ? bgpStates(protocols.stdout()) : Map.of();
    Map<String, String> bfd = bird
        ? bfdStates(runner.execute(birdc.showBfdSessions()).stdout())
        : Map.of();
    Map<String, String> peers = peerNames(layout);

    long now = clock.instant().getEpochSecond();
    for (String iface : manifest.wireguard().keySet()) {
      LinkCheck c = new LinkCheck();
      LinkInfo link = links.get(iface);
      c.add(link != null && link.up(), link == null ? "link missing" : link.up() ? "link up" : "link down");
      // A link set down and up again has lost its IPv6 address, and BGP cannot come back without it.
      String cidr = manifest.wireguard().get(iface);
      if (link != null && !cidr.isEmpty() && !link.addresses().contains(HostProbe.canonical(cidr))) {
        c.add(false, "address " + cidr + " missing");
      }
      Long at = handshakes.get(iface);
      if (at == null) {
        c.add(false, "no peer");
      } else if (at == 0) {
        c.add(false, "no handshake");
      } else {
        long age = Math.max(0, now - at);
        c.add(age <= maxHandshakeAge.toSeconds(), "handshake " + age + " s ago");
      }
      if (!bird) {
        c.add(false, "BGP unknown (BIRD does not answer)");
      } else {
        String state = bgp.get(iface);
        c.add("Established".equals(state), state == null ? "no BGP session" : "BGP " + state);
        String session = bfd.get(iface);
        c.add("Up".equals(session), session == null ? "no BFD session" : "BFD " + session);
      }
      String peer = peers.get(iface);
      items.add(c.item(peer == null ? iface : iface + " (" + peer + ")"));
    }

    items.add(new HealthReport.Item(bird, "BIRD",
        bird ? "answers on " + socket : "does not answer on " + socket + firstLine(protocols)));
    for (Shorewall tool : Shorewall.values()) {
      boolean started = probe.shorewallRunning(tool);
      items.add(new HealthReport.Item(started, tool.tool(), started ? "started" : "not started"));
    }
    return new HealthReport(manifest.domain(), ns, items);
  }

  /** The parts of one link's line; a failed link shows only what failed. */
  private static final class LinkCheck {
    private final List<String> all = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();

    void add(boolean ok, String part) {
      all.add(part);
      if (!ok) {
        failed.add(part);
      }
    }

    HealthReport.Item item(String subject) {
      return failed.isEmpty()
          ? new HealthReport.Item(true, subject, String.join(", ", all))
          : new HealthReport.Item(false, subject, String.join(", ", failed));
    }
  }

  /**
   * {@code wg show all latest-handshakes}: {@code IFACE PEERKEY UNIXTIME} per peer (0: never).
   * Each mesh interface has one peer; with several, the most recent handshake counts.
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
    Optional<String> line = (r.stderr() + "\n" + r.stdout()).lines().map(String::strip)
        .filter(s -> !s.isEmpty()).findFirst();
    return line.map(s -> ": " + s).orElse("");
  }
}
