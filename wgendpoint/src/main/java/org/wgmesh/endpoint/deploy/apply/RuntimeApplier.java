package org.wgmesh.endpoint.deploy.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.endpoint.deploy.Supervisor;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.VethPair;

/**
 * Brings the running system to a {@link RuntimeTarget}, given what {@link HostProbe} saw. Each
 * step runs only when the live state differs, so a host that already matches sees no mutating
 * command. Order: namespace, veth, trust interface, new WireGuard interfaces, reloads, BIRD,
 * Shorewall, and only then removal of interfaces whose peers left (add before delete).
 */
final class RuntimeApplier {
  /** The interfaces wgdeploy owns inside its namespace. */
  static final Pattern WG_NAME = Pattern.compile("wg[0-9]+");
  /**
   * Kernel settings inside the namespace: it routes (forwarding), replies may leave by another
   * WireGuard interface than the request came in (no reverse-path filter), and link addresses are
   * usable at once (no duplicate address detection on point-to-point links).
   */
  static final String[] SYSCTL_KEYS = {
    "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding", "net.ipv4.conf.all.rp_filter",
    "net.ipv4.conf.default.rp_filter", "net.ipv6.conf.default.accept_dad"
  };
  /** The values of {@link #SYSCTL_KEYS}, as {@code sysctl -n} prints them joined by spaces. */
  static final String SYSCTL_VALUES = "1 1 0 0 0";
  /**
   * Metric of the unreachable routes for the mesh prefixes: the highest, so any BGP route wins,
   * and with none a mesh destination is refused instead of leaving in clear through the veth.
   */
  static final String UNREACHABLE_METRIC = "4278198272";

  private final CommandRunner runner;
  private final WireGuardBackend backend;
  private final Supervisor supervisor;
  private final Waiter waiter;

  RuntimeApplier(CommandRunner runner, WireGuardBackend backend, Supervisor supervisor, Waiter waiter) {
    this.runner = runner;
    this.backend = backend;
    this.supervisor = supervisor;
    this.waiter = waiter;
  }

  void apply(RuntimeTarget t, HostState live, Progress p) {
    DeployPlan plan = t.plan();
    String ns = plan.namespace();
    if (t.reloadUnits() && supervisor == Supervisor.SYSTEMD) {
      step(p, "systemd daemon-reload");
      runner.run(Command.change("systemctl", "daemon-reload"));
    }
    if (!live.namespaceExists()) {
      step(p, "create namespace " + ns);
      runner.run(Command.change("ip", "netns", "add", ns));
      p.createdNamespace = true;
      runner.run(Command.change("ip", "-n", ns, "link", "set", "lo", "up"));
    }
    if (!live.forwarding()) {
      step(p, "kernel settings in " + ns);
      List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w"));
      String[] values = SYSCTL_VALUES.split(" ");
      for (int i = 0; i < SYSCTL_KEYS.length; i++) {
        argv.add(SYSCTL_KEYS[i] + "=" + values[i]);
      }
      runner.run(new Command(argv, null, true));
    }
    veth(plan, live, p);
    trust(plan, live, p);
    routes(plan, live, p);
    // The firewall (with the DNAT of the WireGuard ports) before WireGuard: packets of peers that
    // arrive before the DNAT rule exists leave conntrack entries that bypass it (docs/lab.md).
    boolean sw = shorewall("shorewall", plan.layout().shorewallDir().toString(), live.shorewallRunning(),
        t.reloadShorewall(), p);
    boolean sw6 = shorewall("shorewall6", plan.layout().shorewall6Dir().toString(), live.shorewall6Running(),
        t.reloadShorewall6(), p);
    if (sw || sw6) {
      flushConntrack(plan, p);
    }
    // New interfaces first, so traffic to peers that stay is never interrupted.
    for (Map.Entry<String, String> e : t.wireguard().entrySet()) {
      wireguard(plan, e.getKey(), e.getValue(), live, t.reloadInterfaces().contains(e.getKey()), p);
    }
    bird(plan.layout(), ns, live, t.reloadBird(), p);
    // Last: interfaces of peers that left (BIRD has already dropped their sessions).
    List<String> stale = new ArrayList<>();
    live.nsLinks().keySet().stream().filter(n -> WG_NAME.matcher(n).matches()).forEach(stale::add);
    live.wireguardInterfaces().stream().filter(n -> !stale.contains(n)).forEach(stale::add);
    for (String iface : stale.stream().sorted().toList()) {
      if (!t.wireguard().containsKey(iface)) {
        step(p, "remove " + iface);
        backend.delete(ns, iface);
        p.removedInterfaces.add(iface);
      }
    }
  }

  private void veth(DeployPlan plan, HostState live, Progress p) {
    VethPair v = plan.veth();
    String ns = plan.namespace();
    var host = live.hostLink(v.hostName());
    if (host.isEmpty()) {
      step(p, "create veth " + v.hostName() + "/" + v.nsName());
      runner.run(Command.change("ip", "link", "add", v.hostName(), "type", "veth",
          "peer", "name", v.nsName(), "netns", ns));
      p.createdVeth = true;
    }
    step(p, "address veth " + v.hostName() + "/" + v.nsName());
    var hostAddrs = host.map(LinkInfo::addresses).orElse(java.util.Set.of());
    addAddress(List.of("ip"), v.hostName(), v.hostV4().toString(), hostAddrs);
    addAddress(List.of("ip"), v.hostName(), v.hostV6().toString(), hostAddrs);
    if (!host.map(LinkInfo::up).orElse(false)) {
      runner.run(Command.change("ip", "link", "set", v.hostName(), "up"));
    }
    var inner = live.nsLink(v.nsName());
    var nsAddrs = inner.map(LinkInfo::addresses).orElse(java.util.Set.of());
    addAddress(List.of("ip", "-n", ns), v.nsName(), v.nsV4().toString(), nsAddrs);
    addAddress(List.of("ip", "-n", ns), v.nsName(), v.nsV6().toString(), nsAddrs);
    if (!inner.map(LinkInfo::up).orElse(false)) {
      runner.run(Command.change("ip", "-n", ns, "link", "set", v.nsName(), "up"));
    }
  }

  /**
   * Inside the namespace: a default route out through the veth (Shorewall masquerades it), and
   * unreachable routes for the mesh prefixes. In the default namespace: the LAN via the veth.
   */
  private void routes(DeployPlan plan, HostState live, Progress p) {
    VethPair v = plan.veth();
    String ns = plan.namespace();
    step(p, "routes in " + ns);
    String gw4 = v.hostV4().network().toString();
    String gw6 = v.hostV6().network().toString();
    if (!live.nsRoutes().contains(HostProbe.routeKey("unicast", "default", gw4))) {
      runner.run(Command.change("ip", "-4", "-n", ns, "route", "replace", "default", "via", gw4, "dev", v.nsName()));
    }
    if (!live.nsRoutes().contains(HostProbe.routeKey("unicast", "default", gw6))) {
      runner.run(Command.change("ip", "-6", "-n", ns, "route", "replace", "default", "via", gw6, "dev", v.nsName()));
    }
    List<org.wgmesh.core.net.IpPrefix> mesh = new ArrayList<>(plan.allowedV4());
    mesh.addAll(plan.allowedV6());
    for (var prefix : mesh) {
      if (prefix.length() > 0 && !live.nsRoutes().contains(HostProbe.routeKey("unreachable", prefix.toString(), ""))) {
        runner.run(Command.change("ip", prefix.isV6() ? "-6" : "-4", "-n", ns, "route", "replace",
            "unreachable", prefix.toString(), "metric", UNREACHABLE_METRIC));
      }
    }
    step(p, "routes to the LAN in the default namespace");
    for (boolean v6 : new boolean[] {false, true}) {
      String via = (v6 ? v.nsV6() : v.nsV4()).network().toString();
      for (var net : plan.trustNetworks(v6)) {
        if (!live.hostRoutes().contains(HostProbe.routeKey("unicast", net.toString(), via))) {
          runner.run(Command.change("ip", v6 ? "-6" : "-4", "route", "replace", net.toString(),
              "via", via, "dev", v.hostName()));
        }
      }
    }
  }

  /**
   * Drops conntrack entries of the WireGuard ports made before the DNAT rules were loaded (they
   * would keep bypassing the DNAT). Needs the {@code conntrack} tool; skipped without it.
   */
  private void flushConntrack(DeployPlan plan, Progress p) {
    if (plan.links().isEmpty() || !runner.execute(Command.query("conntrack", "--version")).ok()) {
      return;
    }
    step(p, "flush stale conntrack entries of the WireGuard ports");
    for (var link : plan.links()) {
      // Exit status 1 means "no entry": fine.
      runner.execute(Command.change("conntrack", "-D", "-p", "udp", "--orig-port-dst",
          Integer.toString(link.listenPort())));
    }
  }

  private void trust(DeployPlan plan, HostState live, Progress p) {
    String ns = plan.namespace();
    String trust = plan.trustInterface();
    var inNs = live.nsLink(trust);
    if (inNs.isEmpty()) {
      var outside = live.hostLink(trust);
      if (outside.isEmpty()) {
        throw new DeployException(
            "trust interface " + trust, "exists neither in the default namespace nor in " + ns,
            "check the interface name in the endpoint config (wgconfig -T)");
      }
      step(p, "move " + trust + " into " + ns);
      p.trustOriginalAddresses = outside.get().addresses().stream().sorted().toList();
      p.trustWasUp = outside.get().up();
      p.beforeTrustMove.accept(p);
      runner.run(Command.change("ip", "link", "set", trust, "netns", ns));
      p.movedTrust = true;
    }
    step(p, "address " + trust + " in " + ns);
    var addrs = inNs.map(LinkInfo::addresses).orElse(java.util.Set.of());
    for (var a : plan.trustAddresses()) {
      addAddress(List.of("ip", "-n", ns), trust, a.toString(), addrs);
    }
    if (!inNs.map(LinkInfo::up).orElse(false)) {
      runner.run(Command.change("ip", "-n", ns, "link", "set", trust, "up"));
    }
  }

  private void wireguard(DeployPlan plan, String iface, String cidr, HostState live, boolean changed, Progress p) {
    String ns = plan.namespace();
    String conf = plan.layout().wireguardConf(iface).toString();
    var link = live.nsLink(iface);
    boolean running = live.wireguardInterfaces().contains(iface);
    if (!running) {
      step(p, "create " + iface + " (" + backend.name() + ")");
      if (link.isPresent()) {
        // A device without its WireGuard (a wireguard-go that died): start over.
        runner.run(Command.change("ip", "-n", ns, "link", "del", iface));
      }
      backend.create(ns, iface);
      p.createdInterfaces.add(iface);
      runner.run(Command.change("ip", "netns", "exec", ns, "wg", "setconf", iface, conf));
    } else if (changed) {
      step(p, "wg syncconf " + iface);
      runner.run(Command.change("ip", "netns", "exec", ns, "wg", "syncconf", iface, conf));
    }
    step(p, "address " + iface);
    var addrs = running ? link.map(LinkInfo::addresses).orElse(java.util.Set.of()) : java.util.Set.<String>of();
    addAddress(List.of("ip", "-n", ns), iface, cidr, addrs);
    if (!running || !link.map(LinkInfo::up).orElse(false)) {
      runner.run(Command.change("ip", "-n", ns, "link", "set", iface, "up"));
    }
  }

  private void bird(Layout l, String ns, HostState live, boolean changed, Progress p) {
    String sock = l.birdSocket().toString();
    if (!live.birdRunning()) {
      step(p, "start BIRD");
      if (supervisor == Supervisor.SYSTEMD) {
        runner.run(Command.change("systemctl", "start", l.birdUnit()));
      } else {
        runner.run(Command.change("mkdir", "-p", l.birdSocket().getParent().toString()));
        // bird checks the config, then daemonizes and writes its PID file.
        runner.run(Command.change("ip", "netns", "exec", ns, "bird",
            "-c", l.birdConf().toString(), "-s", sock, "-P", l.birdPidFile().toString()));
      }
      p.startedBird = true;
      Command status = Command.query("birdc", "-s", sock, "show", "status");
      if (!waiter.await(() -> runner.execute(status).stdout().contains("Daemon is up"))) {
        throw new DeployException("BIRD in " + ns, "did not answer on " + sock + " after start");
      }
    } else if (changed) {
      step(p, "birdc configure");
      configureBird(sock);
    }
  }

  /** {@code birdc configure}; birdc exits 0 even when BIRD rejects the file, so read its answer. */
  void configureBird(String sock) {
    Command c = Command.change("birdc", "-s", sock, "configure");
    CommandResult r = runner.run(c);
    String out = r.stdout();
    if (!out.isEmpty() && !out.contains("Reconfigur")) {
      throw new DeployException("birdc configure", "BIRD refused the configuration: " + out.strip());
    }
  }

  /** Starts or reloads {@code tool}; returns whether it did either. */
  private boolean shorewall(String tool, String dir, boolean running, boolean changed, Progress p) {
    if (!running) {
      step(p, tool + " start");
      runner.run(Command.change(tool, "start", dir));
      if (tool.equals("shorewall")) {
        p.startedShorewall = true;
      } else {
        p.startedShorewall6 = true;
      }
      return true;
    } else if (changed) {
      step(p, tool + " reload");
      runner.run(Command.change(tool, "reload", dir));
      return true;
    }
    return false;
  }

  /** {@code ip addr add} unless {@code present} has it already. */
  private void addAddress(List<String> ip, String dev, String cidr, java.util.Set<String> present) {
    if (present.contains(HostProbe.canonical(cidr))) {
      return;
    }
    List<String> argv = new ArrayList<>(ip);
    argv.addAll(List.of("addr", "add", cidr, "dev", dev));
    if (cidr.contains(":")) {
      argv.add("nodad"); // a point-to-point or veth address: no duplicate detection delay
    }
    runner.run(new Command(argv, null, true));
  }

  private static void step(Progress p, String s) {
    if (!s.equals(p.step)) {
      p.onStep.accept(s);
    }
    p.step = s;
  }
}
