package org.wgmesh.endpoint.deploy.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.OverlayPlan;

/**
 * Reads the live state of an endpoint with query commands only ({@code ip -j}, {@code wg show},
 * {@code birdc show status}, {@code shorewall status}), so it changes nothing and runs the same
 * under dry-run and in a no-change run.
 */
public final class HostProbe {
  /**
   * Kernel settings inside the namespace: it routes (forwarding), link addresses are usable at once
   * (no duplicate address detection on point-to-point links), and the kernel's IPv4 reverse-path
   * filter is off: it would also judge the LAN and the veth, and it has no IPv6 counterpart. The
   * WireGuard links are checked by {@link SourceValidation} instead, IPv4 and IPv6.
   */
  public static final List<String> SYSCTL_KEYS =
      List.of(
          "net.ipv4.ip_forward",
          "net.ipv6.conf.all.forwarding",
          "net.ipv4.conf.all.rp_filter",
          "net.ipv4.conf.default.rp_filter",
          "net.ipv6.conf.default.accept_dad");

  /** The values of {@link #SYSCTL_KEYS}, in order. */
  public static final List<String> SYSCTL_VALUES = List.of("1", "1", "0", "0", "0");

  private final CommandRunner runner;

  public HostProbe(CommandRunner runner) {
    this.runner = runner;
  }

  /**
   * Reads what a deploy of {@code layout}'s namespace cares about.
   *
   * @param vethHost the host end of the veth pair
   * @param trustInterface the LAN interface (in the default namespace until the first deploy)
   */
  public HostState probe(Layout layout, String vethHost, String trustInterface) {
    return probe(layout, vethHost, trustInterface, SourceValidation.Snat.NONE);
  }

  /**
   * Reads what a deploy of {@code layout}'s namespace cares about; the namespace's nft table counts
   * as in place ({@link HostState#forwarding()}) when it holds the SNAT rules of {@code snat}.
   */
  public HostState probe(
      Layout layout, String vethHost, String trustInterface, SourceValidation.Snat snat) {
    String ns = layout.namespace();
    // The queries do not depend on each other (those inside the namespace only on its existence):
    // side by side, a no-op deploy waits for the slowest, not for the sum (issue 21).
    CompletableFuture<Boolean> nsExists = SideBySide.start(() -> namespaces().contains(ns));
    CompletableFuture<Map<String, LinkInfo>> host =
        SideBySide.start(
            () -> {
              Map<String, LinkInfo> links = new HashMap<>();
              for (String name : List.of(vethHost, trustInterface)) {
                hostLink(name).ifPresent(l -> links.put(name, l));
              }
              return links;
            });
    CompletableFuture<Set<String>> hostRoutes =
        SideBySide.start(
            () -> {
              Set<String> routes = new HashSet<>(routes(Ip.host(), false));
              routes.addAll(routes(Ip.host(), true));
              return routes;
            });
    CompletableFuture<Boolean> bird = SideBySide.start(() -> birdRunning(layout));
    CompletableFuture<Boolean> sw4 = SideBySide.start(() -> shorewallRunning(Shorewall.V4));
    CompletableFuture<Boolean> sw6 = SideBySide.start(() -> shorewallRunning(Shorewall.V6));
    CompletableFuture<HostState.Tools> tools = SideBySide.start(this::tools);
    CompletableFuture<Boolean> nft = SideBySide.start(this::nftablesTable);
    boolean exists = SideBySide.join(nsExists);
    CompletableFuture<Map<String, LinkInfo>> inNs =
        SideBySide.start(() -> exists ? links(Ip.in(ns)) : Map.<String, LinkInfo>of());
    CompletableFuture<Set<String>> wg =
        SideBySide.start(() -> exists ? wireguardInterfaces(ns) : Set.<String>of());
    CompletableFuture<Boolean> forwarding =
        SideBySide.start(() -> exists && namespaceSettingsInPlace(ns, snat));
    CompletableFuture<Optional<Vxlan.Device>> vxlan =
        SideBySide.start(() -> exists ? vxlan(ns) : Optional.<Vxlan.Device>empty());
    CompletableFuture<Set<String>> nsRoutes =
        SideBySide.start(
            () -> {
              Set<String> routes = new HashSet<>();
              if (exists) {
                routes.addAll(routes(Ip.in(ns), false));
                routes.addAll(routes(Ip.in(ns), true));
              }
              return routes;
            });
    return new HostState(
        exists,
        SideBySide.join(host),
        SideBySide.join(inNs),
        SideBySide.join(wg),
        SideBySide.join(forwarding),
        SideBySide.join(nsRoutes),
        SideBySide.join(hostRoutes),
        SideBySide.join(bird),
        SideBySide.join(sw4),
        SideBySide.join(sw6),
        SideBySide.join(tools),
        SideBySide.join(nft),
        SideBySide.join(vxlan));
  }

  /**
   * The overlay's VXLAN device in {@code ns} with its fdb and guard table (issue 25); one query
   * when there is none.
   */
  public Optional<Vxlan.Device> vxlan(String ns) {
    CommandResult details = runner.execute(Vxlan.details(ns, OverlayPlan.DEVICE));
    if (!details.ok()) {
      return Optional.empty();
    }
    CommandResult fdb = runner.execute(Vxlan.fdb(ns, OverlayPlan.DEVICE));
    CommandResult guard = runner.execute(Vxlan.listGuard(ns));
    return Vxlan.parse(
        details.stdout(),
        fdb.ok() ? fdb.stdout() : "",
        guard.ok() ? Optional.of(guard.stdout()) : Optional.empty());
  }

  /** The namespace's kernel settings and its nft table (with the SNAT of {@code snat}). */
  private boolean namespaceSettingsInPlace(String ns, SourceValidation.Snat snat) {
    if (!sysctlsNotAsSet(namespaceSysctls(ns)).isEmpty()) {
      return false;
    }
    CommandResult sv = runner.execute(SourceValidation.list(ns));
    return sv.ok() && SourceValidation.inPlace(sv.stdout(), snat);
  }

  /**
   * The values of {@link #SYSCTL_KEYS} inside {@code ns}, by key, in one {@code sysctl -n}; empty
   * when they cannot be read.
   */
  public Map<String, String> namespaceSysctls(String ns) {
    List<String> argv = new ArrayList<>(List.of("sysctl", "-n"));
    argv.addAll(SYSCTL_KEYS);
    CommandResult r = runner.execute(Ip.exec(ns, false, argv.toArray(String[]::new)));
    Map<String, String> out = new LinkedHashMap<>();
    if (r.ok()) {
      String[] values = r.stdout().strip().split("\\s+");
      for (int i = 0; i < SYSCTL_KEYS.size() && i < values.length; i++) {
        out.put(SYSCTL_KEYS.get(i), values[i]);
      }
    }
    return out;
  }

  /**
   * The keys of {@link #SYSCTL_KEYS} whose value in {@code values} (as {@link #namespaceSysctls}
   * reads them) is not the one wgdeploy sets, in order.
   */
  public static List<String> sysctlsNotAsSet(Map<String, String> values) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < SYSCTL_KEYS.size(); i++) {
      if (!SYSCTL_VALUES.get(i).equals(values.get(SYSCTL_KEYS.get(i)))) {
        out.add(SYSCTL_KEYS.get(i));
      }
    }
    return out;
  }

  /** One kernel setting of the default namespace, if it can be read. */
  public Optional<String> hostSysctl(String key) {
    CommandResult r = runner.execute(Command.query("sysctl", "-n", key));
    return r.ok() ? Optional.of(r.stdout().strip()) : Optional.empty();
  }

  /**
   * Every interface {@code ip} shows ({@link Ip#host()} or {@link Ip#in}), with its addresses.
   *
   * @throws org.wgmesh.core.exec.CommandFailedException when {@code ip} fails
   */
  public Map<String, LinkInfo> links(Ip ip) {
    return parseLinks(runner.run(ip.addrShowAll()).stdout());
  }

  /** Names of the existing network namespaces. */
  public Set<String> namespaces() {
    Set<String> names = new HashSet<>();
    for (String line : runner.execute(Ip.netnsList()).stdout().split("\n")) {
      String t = line.strip();
      if (!t.isEmpty()) {
        names.add(t.split("\\s+")[0]);
      }
    }
    return names;
  }

  /** The interfaces inside {@code ns} that answer as WireGuard devices. */
  public Set<String> wireguardInterfaces(String ns) {
    CommandResult w = runner.execute(Wg.in(ns).showInterfaces());
    Set<String> out = new HashSet<>();
    if (w.ok()) {
      for (String n : w.stdout().strip().split("\\s+")) {
        if (!n.isEmpty()) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /**
   * The interfaces of the default namespace with an address on the network of one of {@code peers},
   * sorted: where the peers of shared-LAN links send from, so the firewall forwards their WireGuard
   * packets into the namespace as it does those that come in by the public interface. One query,
   * and none when there are no such peers.
   */
  public List<String> hostInterfacesFacing(List<IpAddress> peers) {
    if (peers.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (LinkInfo link : links(Ip.host()).values()) {
      boolean facing =
          link.addresses().stream()
              .map(a -> IpPrefix.parseInterface(a, "'ip -j addr' output").masked())
              .anyMatch(
                  net ->
                      peers.stream()
                          .anyMatch(
                              p ->
                                  p.isV6() == net.isV6()
                                      && net.contains(new IpPrefix(p, p.isV6() ? 128 : 32))));
      if (facing) {
        out.add(link.name());
      }
    }
    out.sort(null);
    return out;
  }

  /** The MTU of {@code name} in the default namespace; 0 when it is not there or not known. */
  public int hostMtu(String name) {
    return hostLink(name).map(LinkInfo::mtu).orElse(0);
  }

  /** {@code name} in the default namespace with its addresses, if it is there. */
  public Optional<LinkInfo> hostLink(String name) {
    CommandResult r = runner.execute(Ip.host().addrShow(name));
    return r.ok() ? Optional.ofNullable(parseLinks(r.stdout()).get(name)) : Optional.empty();
  }

  /** Whether BIRD answers on the control socket of {@code layout}. */
  public boolean birdRunning(Layout layout) {
    return runner.execute(Birdc.at(layout.birdSocket()).showStatus()).stdout().contains(Birdc.UP);
  }

  /** Whether the firewall of {@code tool} is started. */
  public boolean shorewallRunning(Shorewall tool) {
    return runner.execute(tool.status()).ok();
  }

  /** Whether wgdeploy's table {@code inet wgmesh} exists (no nft installed: it does not). */
  public boolean nftablesTable() {
    return succeeds(Nft.listTable());
  }

  /** Which optional tools are there. {@code modprobe -n} loads nothing. */
  public HostState.Tools tools() {
    return new HostState.Tools(
        succeeds(Command.query("modprobe", "-n", "-q", "wireguard")),
        succeeds(Command.query("wireguard-go", "--version")),
        succeeds(Command.query("conntrack", "--version")));
  }

  private boolean succeeds(Command c) {
    try {
      return runner.execute(c).ok();
    } catch (RuntimeException e) {
      return false; // not installed: the process cannot start
    }
  }

  /** Routes of the main table as {@link #routeKey} strings. */
  private Set<String> routes(Ip ip, boolean v6) {
    CommandResult r = runner.execute(ip.routes(v6));
    Set<String> out = new HashSet<>();
    if (!r.ok() || r.stdout().isBlank()) {
      return out;
    }
    for (JsonNode route : Json.readTree(r.stdout(), "'" + ip.routes(v6).display() + "' output")) {
      String dst = route.path("dst").asText("");
      if (!dst.isEmpty()) {
        out.add(
            routeKey(route.path("type").asText("unicast"), dst, route.path("gateway").asText("")));
      }
    }
    return out;
  }

  /** A route as compared between plan and live state: {@code type dst via gateway}, canonical. */
  public static String routeKey(String type, String dst, String gateway) {
    String d = dst.contains("/") ? canonical(dst) : dst;
    String g = gateway.isEmpty() ? "" : IpAddress.parse(gateway, "gateway").toString();
    return type + " " + d + (g.isEmpty() ? "" : " via " + g);
  }

  /**
   * Parses {@code ip -j addr} output: each interface with its UP flag and its addresses (link and
   * host scope left out).
   *
   * @throws org.wgmesh.core.error.InputException when the output is not JSON
   */
  public static Map<String, LinkInfo> parseLinks(String json) {
    Map<String, LinkInfo> out = new HashMap<>();
    if (json == null || json.isBlank()) {
      return out;
    }
    for (JsonNode link : Json.readTree(json, "'ip -j addr' output")) {
      String name = link.path("ifname").asText("");
      if (name.isEmpty()) {
        continue;
      }
      boolean up = false;
      for (JsonNode flag : link.path("flags")) {
        up |= flag.asText().equals("UP");
      }
      Set<String> addrs = new HashSet<>();
      for (JsonNode a : link.path("addr_info")) {
        String scope = a.path("scope").asText("");
        if (a.hasNonNull("local") && !scope.equals("link") && !scope.equals("host")) {
          addrs.add(canonical(a.get("local").asText() + "/" + a.path("prefixlen").asInt()));
        }
      }
      out.put(name, new LinkInfo(name, up, addrs, link.path("mtu").asInt(0)));
    }
    return out;
  }

  /** Canonical {@code address/length} text, so ip's and our spelling compare equal. */
  public static String canonical(String cidr) {
    return IpPrefix.parseInterface(cidr, "address").toString();
  }
}
