package org.wgmesh.endpoint.deploy.apply;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads the live state of an endpoint with query commands only ({@code ip -j}, {@code wg show},
 * {@code birdc show status}, {@code shorewall status}), so it runs under dry-run and in a no-change
 * run without touching the host.
 */
public final class HostProbe {
  private final CommandRunner runner;

  public HostProbe(CommandRunner runner) {
    this.runner = runner;
  }

  /** Reads what {@code plan} cares about. */
  public HostState probe(DeployPlan plan) {
    String ns = plan.namespace();
    boolean nsExists = namespaces().contains(ns);
    Map<String, LinkInfo> host = new HashMap<>();
    for (String name : List.of(plan.veth().hostName(), plan.trustInterface())) {
      CommandResult r = runner.execute(Command.query("ip", "-j", "addr", "show", "dev", name));
      if (r.ok()) {
        host.putAll(parseLinks(r.stdout()));
      }
    }
    Map<String, LinkInfo> inNs = Map.of();
    Set<String> wg = Set.of();
    boolean forwarding = false;
    Set<String> nsRoutes = new HashSet<>();
    if (nsExists) {
      inNs = parseLinks(runner.run(Command.query("ip", "-n", ns, "-j", "addr", "show")).stdout());
      CommandResult w = runner.execute(Command.query("ip", "netns", "exec", ns, "wg", "show", "interfaces"));
      wg = w.ok() ? Set.of(w.stdout().strip().split("\\s+")) : Set.of();
      wg = new HashSet<>(wg);
      wg.remove("");
      List<String> sysctl = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns, "sysctl", "-n"));
      sysctl.addAll(List.of(RuntimeApplier.SYSCTL_KEYS));
      CommandResult f = runner.execute(new Command(sysctl, null, false));
      forwarding = f.ok() && f.stdout().strip().replaceAll("\\s+", " ").equals(RuntimeApplier.SYSCTL_VALUES);
      nsRoutes.addAll(routes("-4", "-n", ns));
      nsRoutes.addAll(routes("-6", "-n", ns));
    }
    Set<String> hostRoutes = new HashSet<>(routes("-4"));
    hostRoutes.addAll(routes("-6"));
    Layout l = plan.layout();
    boolean bird = runner.execute(Command.query("birdc", "-s", l.birdSocket().toString(), "show", "status"))
        .stdout().contains("Daemon is up");
    return new HostState(nsExists, host, inNs, wg, forwarding, nsRoutes, hostRoutes, bird,
        shorewallRunning("shorewall"), shorewallRunning("shorewall6"));
  }

  /** Names of the existing network namespaces. */
  public Set<String> namespaces() {
    CommandResult r = runner.execute(Command.query("ip", "netns", "list"));
    Set<String> names = new HashSet<>();
    for (String line : r.stdout().split("\n")) {
      String t = line.strip();
      if (!t.isEmpty()) {
        names.add(t.split("\\s+")[0]);
      }
    }
    return names;
  }

  /** The addresses (global and site scope) of {@code name} in the default namespace, if it is there. */
  public java.util.Optional<LinkInfo> hostLink(String name) {
    CommandResult r = runner.execute(Command.query("ip", "-j", "addr", "show", "dev", name));
    return r.ok() ? java.util.Optional.ofNullable(parseLinks(r.stdout()).get(name)) : java.util.Optional.empty();
  }

  /** Routes of the main table as {@link #routeKey} strings. */
  @SuppressWarnings("unchecked")
  private Set<String> routes(String family, String... nsArgs) {
    List<String> argv = new java.util.ArrayList<>(List.of("ip", family));
    argv.addAll(List.of(nsArgs));
    argv.addAll(List.of("-j", "route", "show"));
    CommandResult r = runner.execute(new Command(argv, null, false));
    Set<String> out = new HashSet<>();
    if (!r.ok() || r.stdout().isBlank()) {
      return out;
    }
    if (new Yaml().load(r.stdout()) instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && m.get("dst") instanceof String dst) {
          Object type = m.get("type");
          Object gw = m.get("gateway");
          out.add(routeKey(type == null ? "unicast" : type.toString(), dst, gw == null ? "" : gw.toString()));
        }
      }
    }
    return out;
  }

  /** A route as compared between plan and live state: {@code type dst via gateway}, canonical. */
  static String routeKey(String type, String dst, String gateway) {
    String d = dst.contains("/") ? canonical(dst) : dst;
    String g = gateway.isEmpty() ? "" : org.wgmesh.core.net.IpAddress.parse(gateway, "gateway").toString();
    return type + " " + d + (g.isEmpty() ? "" : " via " + g);
  }

  /** Whether {@code tool} ({@code shorewall} or {@code shorewall6}) has its firewall started. */
  boolean shorewallRunning(String tool) {
    // `shorewall status` exits 0 only when the firewall is started.
    return runner.execute(Command.query(tool, "status")).ok();
  }

  /** Parses {@code ip -j addr} output (JSON, read with the YAML parser: JSON is YAML). */
  @SuppressWarnings("unchecked")
  static Map<String, LinkInfo> parseLinks(String json) {
    Map<String, LinkInfo> out = new HashMap<>();
    if (json == null || json.isBlank()) {
      return out;
    }
    Object doc = new Yaml().load(json);
    if (!(doc instanceof List<?> list)) {
      return out;
    }
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> m) || !(m.get("ifname") instanceof String name)) {
        continue;
      }
      List<Object> flags = m.get("flags") instanceof List<?> fl ? (List<Object>) fl : List.of();
      Set<String> addrs = new HashSet<>();
      if (m.get("addr_info") instanceof List<?> infos) {
        for (Object ai : infos) {
          if (ai instanceof Map<?, ?> a && a.get("local") instanceof String local
              && !"link".equals(a.get("scope")) && !"host".equals(a.get("scope"))) {
            addrs.add(canonical(local + "/" + a.get("prefixlen")));
          }
        }
      }
      out.put(name, new LinkInfo(name, flags.contains("UP"), addrs));
    }
    return out;
  }

  /** Canonical {@code address/length} text, so ip's and our spelling compare equal. */
  static String canonical(String cidr) {
    return IpPrefix.parseInterface(cidr, "address").toString();
  }
}
