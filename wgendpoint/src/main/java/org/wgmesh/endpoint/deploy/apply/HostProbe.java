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
    boolean v4 = false;
    boolean v6 = false;
    if (nsExists) {
      inNs = parseLinks(runner.run(Command.query("ip", "-n", ns, "-j", "addr", "show")).stdout());
      CommandResult w = runner.execute(Command.query("ip", "netns", "exec", ns, "wg", "show", "interfaces"));
      wg = w.ok() ? Set.of(w.stdout().strip().split("\\s+")) : Set.of();
      wg = new HashSet<>(wg);
      wg.remove("");
      CommandResult f = runner.execute(Command.query(
          "ip", "netns", "exec", ns, "sysctl", "-n", "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"));
      forwarding = f.ok() && f.stdout().strip().replaceAll("\\s+", " ").equals("1 1");
      v4 = hasDefault(ns, "-4");
      v6 = hasDefault(ns, "-6");
    }
    Layout l = plan.layout();
    boolean bird = runner.execute(Command.query("birdc", "-s", l.birdSocket().toString(), "show", "status"))
        .stdout().contains("Daemon is up");
    return new HostState(nsExists, host, inNs, wg, forwarding, v4, v6, bird,
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

  private boolean hasDefault(String ns, String family) {
    CommandResult r = runner.execute(Command.query("ip", family, "-n", ns, "-j", "route", "show", "default"));
    return r.ok() && r.stdout().contains("\"gateway\"");
  }

  private boolean shorewallRunning(String tool) {
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
