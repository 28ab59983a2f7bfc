package org.wgmesh.endpoint.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.wgmesh.core.testing.RecordingCommandRunner;
import org.wgmesh.endpoint.deploy.HealthyHost;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.Ipv6Forwarding;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.host.Shorewall;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.state.Manifest;

/**
 * The health judge as a table: (named host state, what the last deploy left) -> the failed lines of
 * the report. The judge is pure, so every row is a value written down here: no namespace, no
 * command, no privilege. Host 1 of the fixture mesh (namespace {@code lab}, links wg2, wg3 over
 * IPv6 and wg5), as {@link HealthyHost} plays it to the probe, broken one way per row.
 */
class HealthJudgeTableTest {
  static final long NOW = 1_800_000_000L;
  static final Path ROOT = Path.of("/nonexistent/wgmesh-health");
  static final Layout LAYOUT = HealthyHost.layout(ROOT);
  static final String SOCK = LAYOUT.birdSocket().toString();
  static final Manifest DEPLOYED = HealthyHost.manifest(ROOT);
  static final long ACCEPTED = 7;

  /** Host 1 running well, as the probe reads {@link HealthyHost}'s answers. */
  static Probed healthy() {
    Probed.Builder b = new Probed.Builder();
    b.at = Instant.ofEpochSecond(NOW);
    b.namespaceExists = true;
    b.links =
        HostProbe.parseLinks(HealthyHost.links(Map.of("wg2", true, "wg3", true, "wg5", true)));
    b.handshakes = Map.of("wg2", NOW - 12, "wg3", NOW - 95, "wg5", NOW - 3);
    b.transfer =
        Map.of(
            "wg2", new Probed.Transfer(1000, 2000),
            "wg3", new Probed.Transfer(2000, 4000),
            "wg5", new Probed.Transfer(3000, 6000));
    for (int i = 0; i < HostProbe.SYSCTL_KEYS.size(); i++) {
      b.namespaceSysctls.put(HostProbe.SYSCTL_KEYS.get(i), HostProbe.SYSCTL_VALUES.get(i));
    }
    b.hostSysctls.put("net.ipv4.ip_forward", "1");
    b.vethHost = Optional.of(HostProbe.parseLinks(HealthyHost.VETH_HOST).get("lab-vh"));
    b.bird =
        new Probed.Bird(
            true,
            "",
            Map.of("wg2", "Established", "wg3", "Established", "wg5", "Established"),
            Map.of("wg2", "Up", "wg3", "Up", "wg5", "Up"),
            Map.of("ipv4", 2L, "ipv6", 3L));
    b.peerNames = Map.of("wg2", "host2", "wg3", "host3", "wg5", "host5");
    b.publicMtu = 1500;
    b.hostPortUsers = List.of(new Probed.PortUser(53, "unbound", 40));
    b.namespacePortUsers = List.of(new Probed.PortUser(51825, "wireguard-go", 77));
    b.shorewallStarted = Map.of(Shorewall.V4, true, Shorewall.V6, true);
    return b.build();
  }

  static Probed healthy(Consumer<Probed.Builder> change) {
    return healthy().with(change);
  }

  /** What the last deploy left, with some of its properties changed. */
  static Manifest deployed(Consumer<Properties> change) {
    Properties p = DEPLOYED.toProperties();
    change.accept(p);
    return Manifest.fromProperties(p);
  }

  /** Interface {@code name} of the healthy host with some fields changed. */
  static LinkInfo link(String name, boolean up, Set<String> addresses, int mtu) {
    return new LinkInfo(name, up, addresses, mtu);
  }

  static LinkInfo wg(String name) {
    return healthy().links().get(name);
  }

  static final Manifest NFTABLES = deployed(p -> p.setProperty("firewall", "nftables"));

  /** One row: a host state and what was deployed, and the lines that fail. */
  record Row(String name, Manifest manifest, Probed host, long accepted, List<String> failed) {
    Row(String name, Probed host, String... failed) {
      this(name, DEPLOYED, host, ACCEPTED, List.of(failed));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final String BIRD_DOWN =
      "Unable to connect to server control socket (" + SOCK + "): No such file or directory";

  static Stream<Row> table() {
    long expires = NOW + 27 * 3600;
    return Stream.of(
        new Row("healthy", healthy()),
        new Row(
            "namespace missing (and BIRD in it gone)",
            healthy(
                b -> {
                  b.namespaceExists = false;
                  b.links = Map.of();
                  b.handshakes = Map.of();
                  b.transfer = Map.of();
                  b.namespaceSysctls = Map.of();
                  b.namespacePortUsers = List.of();
                  b.bird = Probed.Bird.silent(BIRD_DOWN);
                }),
            "FAIL namespace lab: missing",
            "FAIL veth lab-vh/lab-vn: lab-vn missing",
            "FAIL wg2 (host2): link missing, no peer, BGP unknown (BIRD does not answer)",
            "FAIL wg3 (host3): link missing, no peer, BGP unknown (BIRD does not answer)",
            "FAIL wg5 (host5): link missing, no peer, BGP unknown (BIRD does not answer)",
            "FAIL BIRD: does not answer on " + SOCK + ": " + BIRD_DOWN),
        new Row(
            "link down",
            healthy(b -> b.links.put("wg2", link("wg2", false, wg("wg2").addresses(), 1420))),
            "FAIL wg2 (host2): link down"),
        new Row(
            "link missing", healthy(b -> b.links.remove("wg5")), "FAIL wg5 (host5): link missing"),
        new Row(
            "link up without its address (set down and up again)",
            healthy(b -> b.links.put("wg3", link("wg3", true, Set.of(), 1400))),
            "FAIL wg3 (host3): address fd12:3456:789a:1:3::1/80 missing"),
        new Row(
            "stale handshake",
            healthy(b -> b.handshakes.put("wg2", NOW - 181)),
            "FAIL wg2 (host2): handshake 181 s ago"),
        new Row("handshake at the limit", healthy(b -> b.handshakes.put("wg2", NOW - 180))),
        new Row(
            "never a handshake",
            healthy(b -> b.handshakes.put("wg3", 0L)),
            "FAIL wg3 (host3): no handshake"),
        new Row(
            "interface without a peer",
            healthy(b -> b.handshakes.remove("wg5")),
            "FAIL wg5 (host5): no peer"),
        new Row(
            "BGP not established",
            healthy(b -> b.bird = bird(b.bird, Map.of("wg3", "Active"), Map.of())),
            "FAIL wg3 (host3): BGP Active"),
        new Row(
            "BFD down",
            healthy(b -> b.bird = bird(b.bird, Map.of(), Map.of("wg3", "Down"))),
            "FAIL wg3 (host3): BFD Down"),
        new Row(
            "BGP and BFD sessions missing",
            healthy(
                b ->
                    b.bird =
                        new Probed.Bird(
                            true,
                            "",
                            Map.of("wg2", "Established", "wg3", "Established"),
                            Map.of("wg2", "Up", "wg3", "Up"),
                            Map.of())),
            "FAIL wg5 (host5): no BGP session, no BFD session"),
        new Row(
            "BIRD does not answer",
            healthy(b -> b.bird = Probed.Bird.silent(BIRD_DOWN)),
            "FAIL wg2 (host2): BGP unknown (BIRD does not answer)",
            "FAIL wg3 (host3): BGP unknown (BIRD does not answer)",
            "FAIL wg5 (host5): BGP unknown (BIRD does not answer)",
            "FAIL BIRD: does not answer on " + SOCK + ": " + BIRD_DOWN),
        new Row(
            "BIRD does not answer and says nothing",
            healthy(b -> b.bird = Probed.Bird.silent("")),
            "FAIL wg2 (host2): BGP unknown (BIRD does not answer)",
            "FAIL wg3 (host3): BGP unknown (BIRD does not answer)",
            "FAIL wg5 (host5): BGP unknown (BIRD does not answer)",
            "FAIL BIRD: does not answer on " + SOCK),
        new Row(
            "IPv6 forwarding off in the namespace",
            healthy(b -> b.namespaceSysctls.put("net.ipv6.conf.all.forwarding", "0")),
            "FAIL forwarding: not as wgdeploy sets it: net.ipv6.conf.all.forwarding in lab"),
        new Row(
            "rp_filter on in the namespace",
            healthy(b -> b.namespaceSysctls.put("net.ipv4.conf.all.rp_filter", "1")),
            "FAIL forwarding: not as wgdeploy sets it: net.ipv4.conf.all.rp_filter in lab"),
        new Row(
            "namespace settings unreadable",
            healthy(b -> b.namespaceSysctls = Map.of()),
            "FAIL forwarding: not as wgdeploy sets it: net.ipv4.ip_forward in lab,"
                + " net.ipv6.conf.all.forwarding in lab, net.ipv4.conf.all.rp_filter in lab,"
                + " net.ipv4.conf.default.rp_filter in lab, net.ipv6.conf.default.accept_dad in"
                + " lab"),
        new Row(
            "forwarding off in the default namespace",
            healthy(b -> b.hostSysctls.put("net.ipv4.ip_forward", "0")),
            "FAIL forwarding: not as wgdeploy sets it: net.ipv4.ip_forward in the default"
                + " namespace"),
        new Row(
            "forwarding unreadable in the default namespace",
            healthy(b -> b.hostSysctls = Map.of()),
            "FAIL forwarding: not as wgdeploy sets it: net.ipv4.ip_forward in the default"
                + " namespace"),
        new Row(
            "IPv6 peer with IPv6 forwarding off",
            healthy(
                b -> {
                  b.ipv6Endpoints = true;
                  b.hostSysctls.put(Ipv6Forwarding.KEY, "0");
                }),
            "FAIL forwarding: not as wgdeploy sets it: net.ipv6.conf.all.forwarding in the default"
                + " namespace (a peer is reached over IPv6)"),
        new Row(
            "IPv6 peer with IPv6 forwarding on",
            healthy(
                b -> {
                  b.ipv6Endpoints = true;
                  b.hostSysctls.put(Ipv6Forwarding.KEY, "1");
                })),
        new Row(
            "IPv4 peers only, IPv6 forwarding off",
            healthy(b -> b.hostSysctls.put(Ipv6Forwarding.KEY, "0"))),
        new Row(
            "veth host end missing",
            healthy(b -> b.vethHost = Optional.empty()),
            "FAIL veth lab-vh/lab-vn: lab-vh missing"),
        new Row(
            "veth down, its namespace end without its IPv6 address",
            healthy(
                b -> {
                  b.vethHost = Optional.of(link("lab-vh", false, b.vethHost.get().addresses(), 0));
                  b.links.put("lab-vn", link("lab-vn", true, Set.of("169.254.0.2/30"), 0));
                }),
            "FAIL veth lab-vh/lab-vn: lab-vh down, lab-vn without fdff:a9fe::2/64"),
        new Row(
            "MTU not the planned one",
            healthy(b -> b.links.put("wg3", link("wg3", true, wg("wg3").addresses(), 1500))),
            "FAIL MTU: wg3 has MTU 1500, planned 1400"),
        new Row(
            "MTU too large for the underlay (1470)",
            healthy(b -> b.publicMtu = 1470),
            "FAIL MTU: wg2 MTU 1420 is larger than pub0's 1470 minus 60 (WireGuard over IPv4),"
                + " wg3 MTU 1400 is larger than pub0's 1470 minus 80 (WireGuard over IPv6),"
                + " wg5 MTU 1420 is larger than pub0's 1470 minus 60 (WireGuard over IPv4)"),
        new Row("underlay MTU just enough (1480)", healthy(b -> b.publicMtu = 1480)),
        new Row("underlay MTU unknown", healthy(b -> b.publicMtu = 0)),
        new Row(
            "another program on a mesh port",
            healthy(
                b -> {
                  b.hostPortUsers.add(new Probed.PortUser(51823, "nc", 4242));
                  b.namespacePortUsers.add(new Probed.PortUser(51825, "socat", 99));
                }),
            "FAIL UDP ports: UDP port 51823 in the default namespace used by nc (pid 4242),"
                + " UDP port 51825 in lab used by socat (pid 99)"),
        new Row(
            "wireguard-go on a mesh port outside the namespace",
            healthy(b -> b.hostPortUsers.add(new Probed.PortUser(51822, "wireguard-go", 5))),
            "FAIL UDP ports: UDP port 51822 in the default namespace used by wireguard-go (pid"
                + " 5)"),
        new Row(
            "mesh record close to expiry",
            deployed(
                p -> {
                  p.setProperty("record.expires", Long.toString(expires));
                  p.setProperty("record.issued", Long.toString(expires - 7 * 86400));
                }),
            healthy(),
            ACCEPTED,
            List.of("FAIL mesh record: serial 7 expires in 27 h")),
        new Row(
            "mesh record expired",
            deployed(
                p -> {
                  p.setProperty("record.expires", Long.toString(NOW - 120));
                  p.setProperty("record.issued", Long.toString(NOW - 120 - 7 * 86400));
                }),
            healthy(),
            ACCEPTED,
            List.of("FAIL mesh record: serial 7 expired 2 min ago")),
        new Row(
            "a newer serial verified since, not deployed",
            DEPLOYED,
            healthy(),
            9,
            List.of(
                "FAIL deployed serial: 7, but serial 9 was verified since: the deploys after it"
                    + " failed")),
        new Row(
            "Shorewall not started",
            healthy(b -> b.shorewallStarted.put(Shorewall.V4, false)),
            "FAIL shorewall: not started"),
        new Row(
            "Shorewall6 not started",
            healthy(b -> b.shorewallStarted.put(Shorewall.V6, false)),
            "FAIL shorewall6: not started"),
        new Row(
            "nftables table loaded",
            NFTABLES,
            healthy(
                b -> {
                  b.shorewallStarted = Map.of();
                  b.nftablesTable = Optional.of(true);
                }),
            ACCEPTED,
            List.of()),
        new Row(
            "nftables table missing",
            NFTABLES,
            healthy(
                b -> {
                  b.shorewallStarted = Map.of();
                  b.nftablesTable = Optional.of(false);
                }),
            ACCEPTED,
            List.of("FAIL nftables table inet wgmesh: missing")));
  }

  static Probed.Bird bird(Probed.Bird healthy, Map<String, String> bgp, Map<String, String> bfd) {
    Map<String, String> b = new java.util.HashMap<>(healthy.bgp());
    b.putAll(bgp);
    Map<String, String> f = new java.util.HashMap<>(healthy.bfd());
    f.putAll(bfd);
    return new Probed.Bird(true, "", b, f, healthy.routes());
  }

  static HealthReport judge(Row r) {
    return HealthJudge.judge(
        LAYOUT, r.manifest(), r.host(), r.accepted(), HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void judge_row_failsExactlyTheseLines(Row row) {
    HealthReport r = judge(row);
    assertThat(r.lines(true)).as(row.name()).containsExactlyElementsOf(row.failed());
    assertThat(r.healthy()).isEqualTo(row.failed().isEmpty());
    assertThat(r.failures()).allSatisfy(i -> assertThat(i.hint()).isNotEmpty());
    // Pure: the same inputs give the same report.
    assertThat(judge(row)).isEqualTo(r);
  }

  @Test
  void judge_healthy_everyCheckInOrder() {
    HealthReport r = judge(new Row("healthy", healthy()));
    // The exact lines are HealthCheckTest's (the probe reads this state from HealthyHost).
    assertThat(r.lines(false))
        .hasSize(13)
        .allMatch(l -> l.startsWith("ok   "))
        .contains(
            "ok   wg3 (host3): link up, handshake 95 s ago, BGP Established, BFD Up",
            "ok   MTU: links 1400/1420, pub0 1500",
            "ok   shorewall6: started");
    assertThat(r.links())
        .extracting(HealthReport.LinkStatus::peer, HealthReport.LinkStatus::receiveBytes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("host2", 1000L),
            org.assertj.core.groups.Tuple.tuple("host3", 2000L),
            org.assertj.core.groups.Tuple.tuple("host5", 3000L));
    assertThat(r.bgpRoutes()).isEqualTo(Map.of("ipv4", 2L, "ipv6", 3L));
    assertThat(r.at()).isEqualTo(Instant.ofEpochSecond(NOW));
  }

  /** Each check the report can hold fails in some row of the table. */
  @Test
  void table_failsEveryCheck() {
    Set<String> names = new TreeSet<>();
    table().forEach(row -> judge(row).items().forEach(i -> names.add(i.name())));
    Set<String> failed = new TreeSet<>();
    table().forEach(row -> judge(row).failures().forEach(i -> failed.add(i.name())));
    assertThat(failed).isEqualTo(names);
    assertThat(names).contains("nftables", "shorewall", "link.wg5", "record-expiry", "serial");
  }

  @Test
  void judge_olderDeploy_unknownsPass() {
    Manifest older =
        deployed(
            p -> {
              p.stringPropertyNames().stream()
                  .filter(k -> k.startsWith("mtu.") || k.startsWith("port."))
                  .toList()
                  .forEach(p::remove);
              p.setProperty("record.serial", "0");
              p.setProperty("record.issued", "0");
              p.setProperty("record.expires", "0");
            });
    HealthReport r = judge(new Row("older deploy", older, healthy(), 0, List.of()));
    assertThat(r.healthy()).isTrue();
    assertThat(r.lines(false))
        .contains(
            "ok   MTU: unknown (deployed by an older wgdeploy)",
            "ok   UDP ports: unknown (deployed by an older wgdeploy)",
            "ok   mesh record: expiry unknown (deployed by an older wgdeploy)",
            "ok   deployed serial: unknown");
  }

  @Test
  void judge_withoutPeerNames_linesNameTheInterfacesAlone() {
    HealthReport r = judge(new Row("no names", healthy(b -> b.peerNames = Map.of())));
    assertThat(r.lines(false))
        .contains("ok   wg2: link up, handshake 12 s ago, BGP Established, BFD Up");
    assertThat(r.links())
        .extracting(HealthReport.LinkStatus::peer)
        .containsExactly("wg2", "wg3", "wg5");
  }

  @Test
  void judge_maxHandshakeAge_isTheThreshold() {
    Row row = new Row("healthy", healthy());
    assertThat(
            HealthJudge.judge(LAYOUT, DEPLOYED, row.host(), ACCEPTED, Duration.ofSeconds(94))
                .lines(true))
        .containsExactly("FAIL wg3 (host3): handshake 95 s ago");
  }

  /**
   * The table's healthy host is what the probe reads from {@link HealthyHost}'s answers: the rows
   * are states the probe can report, not made up.
   */
  @Test
  void probe_ofTheHealthyHost_isTheTablesHealthyState(@TempDir Path dir) throws Exception {
    Manifest m = HealthyHost.deploy(dir);
    RecordingCommandRunner host = HealthyHost.runner(dir, NOW);
    Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    Probed probed = new HealthProbe(host, clock).probe(HealthyHost.layout(dir), m);
    // The BFD parser also keeps the banner's and the header's words, under keys that are no
    // interface name: harmless to the judge, which looks up interfaces, and left out here.
    Map<String, String> bfd = new java.util.HashMap<>(probed.bird().bfd());
    bfd.keySet().retainAll(HealthyHost.LINKS);
    Probed.Bird bird = probed.bird();
    assertThat(probed.with(b -> b.bird = new Probed.Bird(true, "", bird.bgp(), bfd, bird.routes())))
        .isEqualTo(healthy());
    assertThat(bird.answers()).isTrue();
    assertThat(host.mutations()).isEmpty();
    assertThat(Files.exists(HealthyHost.layout(dir).birdConf())).isTrue();
  }

  /** What the probe reads when a query fails: nothing, rather than an exception. */
  @Test
  void parsers_failedCommands_readAsNothing() {
    org.wgmesh.core.exec.CommandResult failed =
        new org.wgmesh.core.exec.CommandResult(1, "", "error");
    assertThat(HealthProbe.handshakes(failed)).isEmpty();
    assertThat(HealthProbe.transfer(failed)).isEmpty();
    assertThat(HealthProbe.portUsers(failed)).isEmpty();
    assertThat(HealthProbe.routeCount(failed)).isEmpty();
    assertThat(HealthProbe.ipv6Endpoints(failed)).isFalse();
  }
}
