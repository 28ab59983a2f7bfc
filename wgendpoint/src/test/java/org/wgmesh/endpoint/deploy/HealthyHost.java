package org.wgmesh.endpoint.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.testing.RecordingCommandRunner;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.Roots;

/**
 * Host 1 of the fixture mesh (peers 2, 3 and 5, namespace {@code lab}, roots below a temp dir) as a
 * deploy left it, running well: the manifest and the rendered BIRD config on disk, and a recording
 * runner answering the health check's queries. Tests break one answer at a time (later responses
 * win).
 */
public final class HealthyHost {
  public static final List<String> LINKS = List.of("wg2", "wg3", "wg5");

  private HealthyHost() {}

  public static Layout layout(Path root) {
    return new Layout(Roots.under(root), "lab");
  }

  /** Writes what a deploy of the fixture mesh leaves in the state dir and the BIRD config. */
  public static Manifest deploy(Path root) {
    EndpointConfig settings = Fixtures.endpoint(root);
    Layout l = layout(root);
    RenderedFile bird =
        new TemplateRenderer(Optional.empty())
            .render(Planner.plan(Fixtures.view(), settings), Fixtures.key(1)).stream()
                .filter(f -> f.path().equals(l.birdConf()))
                .findFirst()
                .orElseThrow();
    try {
      Files.createDirectories(l.birdConf().getParent());
      Files.writeString(l.birdConf(), bird.content());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Manifest m = manifest(root);
    try {
      StateStore state = new StateStore(l.stateDir());
      Files.createDirectories(state.dir());
      Files.writeString(state.manifestFile(), StateStore.text(m.toProperties()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  /**
   * The manifest a deploy of the fixture mesh leaves: three links (wg3 over IPv6), the ports, MTUs
   * and public interface pub0, serial 7, Shorewall.
   */
  public static Manifest manifest(Path root) {
    Layout l = layout(root);
    Map<String, String> wg = new LinkedHashMap<>();
    wg.put("wg2", "fd12:3456:789a:1:2::1/80");
    wg.put("wg3", "fd12:3456:789a:1:3::1/80");
    wg.put("wg5", "fd12:3456:789a:1:5::1/80");
    Map<String, Integer> ports = Map.of("wg2", 51822, "wg3", 51823, "wg5", 51825);
    return new Manifest(
        Fixtures.DOMAIN,
        "lab",
        "lab-vh",
        List.of(l.birdConf()),
        wg,
        "lan0",
        List.of("198.18.1.1/24"),
        true,
        true,
        7,
        Fixtures.view().issued().getEpochSecond(),
        Fixtures.view().expires().getEpochSecond(),
        ports,
        Manifest.DEFAULT_FIREWALL,
        Map.of(),
        Map.of(
            "wg2", new Manifest.LinkMtu(1420, false),
            "wg3", new Manifest.LinkMtu(1400, true),
            "wg5", new Manifest.LinkMtu(1420, false)),
        "pub0");
  }

  /**
   * The check job of host 1 with {@code settings} saved as its endpoint file below {@code root}.
   */
  public static CheckJob checkJob(
      Path root, EndpointConfig settings, RecordingCommandRunner runner) {
    Path dir = root.resolve("etc/wgmesh");
    EndpointFile.save(settings, EndpointPaths.path(dir, settings.domain()));
    return new CheckJob(dir, runner, Clock.systemUTC());
  }

  /** Answers every query of the check as a healthy host would, at unix time {@code now}. */
  public static RecordingCommandRunner runner(Path root, long now) {
    String sock = layout(root).birdSocket().toString();
    return new RecordingCommandRunner()
        .respond(CommandResult.success("lab (id: 0)\n"), "ip", "netns", "list")
        .respond(
            CommandResult.success(links(Map.of("wg2", true, "wg3", true, "wg5", true))),
            "ip",
            "-n",
            "lab",
            "-j",
            "addr",
            "show")
        .respond(
            CommandResult.success(
                handshakes(Map.of("wg2", now - 12, "wg3", now - 95, "wg5", now - 3))),
            "ip",
            "netns",
            "exec",
            "lab",
            "wg",
            "show",
            "all",
            "latest-handshakes")
        .respond(
            CommandResult.success(transfer(Map.of("wg2", 1000L, "wg3", 2000L, "wg5", 3000L))),
            "ip",
            "netns",
            "exec",
            "lab",
            "wg",
            "show",
            "all",
            "transfer")
        .respond(
            CommandResult.success("1\n1\n0\n0\n0\n"), "ip", "netns", "exec", "lab", "sysctl", "-n")
        .respond(CommandResult.success("1\n"), "sysctl", "-n", "net.ipv4.ip_forward")
        .respond(CommandResult.success(VETH_HOST), "ip", "-j", "addr", "show", "dev", "lab-vh")
        .respond(CommandResult.success(PUBLIC_1500), "ip", "-j", "addr", "show", "dev", "pub0")
        .respond(CommandResult.success(SS_DEFAULT), "ss", "-H", "-u", "-a", "-n", "-p")
        .respond(CommandResult.success(SS_INSIDE), "ip", "netns", "exec", "lab", "ss")
        .respond(
            CommandResult.success(
                protocols(
                    Map.of("wg2", "Established", "wg3", "Established", "wg5", "Established"))),
            "birdc",
            "-s",
            sock,
            "show",
            "protocols")
        .respond(
            CommandResult.success(bfdSessions(Map.of("wg2", "Up", "wg3", "Up", "wg5", "Up"))),
            "birdc",
            "-s",
            sock,
            "show",
            "bfd",
            "sessions")
        .respond(
            CommandResult.success(
                "BIRD 2.0.12 ready.\n2 of 4 routes for 4 networks in table master4\n"),
            "birdc",
            "-s",
            sock,
            "show",
            "route",
            "table",
            "master4")
        .respond(
            CommandResult.success(
                "BIRD 2.0.12 ready.\n3 of 5 routes for 5 networks in table master6\n"),
            "birdc",
            "-s",
            sock,
            "show",
            "route",
            "table",
            "master6")
        .respond(CommandResult.success("Shorewall is running\n"), "shorewall", "status")
        .respond(CommandResult.success("Shorewall6 is running\n"), "shorewall6", "status");
  }

  /** The host end of the veth pair, up with its addresses. */
  public static final String VETH_HOST =
      "[{\"ifname\":\"lab-vh\",\"flags\":[\"UP\"],\"addr_info\":["
          + "{\"local\":\"169.254.0.1\",\"prefixlen\":30,\"scope\":\"global\"},"
          + "{\"local\":\"fdff:a9fe::1\",\"prefixlen\":64,\"scope\":\"global\"}]}]";

  /** The public interface with an MTU of 1500 (Ethernet). */
  public static final String PUBLIC_1500 = publicInterface(1500);

  /** The public interface {@code pub0} with this MTU. */
  public static String publicInterface(int mtu) {
    return "[{\"ifname\":\"pub0\",\"flags\":[\"UP\"],\"mtu\":"
        + mtu
        + ",\"addr_info\":[{\"local\":\"203.0.113.1\",\"prefixlen\":24,\"scope\":\"global\"}]}]";
  }

  /** {@code ss -u -a -n -p} outside: a resolver, nothing on a mesh port. */
  public static final String SS_DEFAULT =
      "UNCONN 0      0      127.0.0.1:53 0.0.0.0:* users:((\"unbound\",pid=40,fd=3))\n";

  /** Inside: the kernel's WireGuard sockets (no process) and a wireguard-go one. */
  public static final String SS_INSIDE =
      "UNCONN 0      0      0.0.0.0:51822 0.0.0.0:*\n"
          + "UNCONN 0      0            *:51823       *:*\n"
          + "UNCONN 0      0            *:51825       *:* users:((\"wireguard-go\",pid=77,fd=9))\n";

  /** {@code wg show all transfer}: the same count received and, doubled, sent per interface. */
  public static String transfer(Map<String, Long> rx) {
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(rx)
        .forEach(
            (name, n) ->
                b.append(name)
                    .append('\t')
                    .append("pqTy2ZSzVYdgXjS1oqDuMkZKUvuwxEgOoXm7mJhLt2k=")
                    .append('\t')
                    .append(n)
                    .append('\t')
                    .append(2 * n)
                    .append('\n'));
    return b.toString();
  }

  /**
   * {@code ip -j addr show}: lan0 and the given WireGuard interfaces with their link address, up or
   * down.
   */
  public static String links(Map<String, Boolean> up) {
    StringBuilder b =
        new StringBuilder(
            "[{\"ifindex\":1,\"ifname\":\"lo\",\"flags\":[\"LOOPBACK\",\"UP\",\"LOWER_UP\"]}"
                + ",{\"ifindex\":4,\"ifname\":\"lan0\",\"flags\":[\"BROADCAST\",\"UP\",\"LOWER_UP\"]}"
                + ",{\"ifindex\":5,\"ifname\":\"lab-vn\",\"flags\":[\"UP\"],\"addr_info\":["
                + "{\"local\":\"169.254.0.2\",\"prefixlen\":30,\"scope\":\"global\"},"
                + "{\"local\":\"fdff:a9fe::2\",\"prefixlen\":64,\"scope\":\"global\"}]}");
    new java.util.TreeMap<>(up)
        .forEach(
            (name, isUp) ->
                b.append(",{\"ifname\":\"")
                    .append(name)
                    .append("\",\"flags\":[\"POINTOPOINT\",\"NOARP\"")
                    .append(isUp ? ",\"UP\",\"LOWER_UP\"" : "")
                    .append("],\"mtu\":")
                    .append(name.equals("wg3") ? 1400 : 1420)
                    .append(",\"addr_info\":[{\"family\":\"inet6\",\"local\":\"fd12:3456:789a:1:")
                    .append(name.substring(2))
                    .append("::1\",\"prefixlen\":80,\"scope\":\"global\"}]}"));
    return b.append("]").toString();
  }

  /** {@code wg show all latest-handshakes}: one peer per interface (0: never). */
  public static String handshakes(Map<String, Long> at) {
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(at)
        .forEach(
            (name, t) ->
                b.append(name)
                    .append('\t')
                    .append("pqTy2ZSzVYdgXjS1oqDuMkZKUvuwxEgOoXm7mJhLt2k=")
                    .append('\t')
                    .append(t)
                    .append('\n'));
    return b.toString();
  }

  /** {@code birdc show protocols} as BIRD 2.0 prints it; a BGP state per interface. */
  public static String protocols(Map<String, String> bgp) {
    StringBuilder b =
        new StringBuilder(
            """
        BIRD 2.0.12 ready.
        Name       Proto      Table      State  Since         Info
        device1    Device     ---        up     06:30:08.065
        direct1    Direct     ---        up     06:30:08.065
        kernel4    Kernel     master4    up     06:30:08.065
        bfd1       BFD        ---        up     06:30:08.065
        """);
    new java.util.TreeMap<>(bgp)
        .forEach(
            (name, state) ->
                b.append(
                    String.format(
                        "%-10s BGP        ---        %-6s 06:30:09.120  %s%n",
                        name, state.equals("Established") ? "up" : "start", state)));
    return b.toString();
  }

  /** {@code birdc show bfd sessions}; a state per interface. */
  public static String bfdSessions(Map<String, String> bfd) {
    StringBuilder b =
        new StringBuilder(
            """
        BIRD 2.0.12 ready.
        bfd1:
        IP address                Interface  State      Since         Interval  Timeout
        """);
    new java.util.TreeMap<>(bfd)
        .forEach(
            (name, state) ->
                b.append(
                    String.format(
                        "fd12:3456:789a:1:%s::2     %-10s %-10s 06:30:09.200    0.100    0.300%n",
                        name.substring(2), name, state)));
    return b.toString();
  }
}
