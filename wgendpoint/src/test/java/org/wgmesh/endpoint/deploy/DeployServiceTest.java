package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.KeySwitch;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.testing.RecordingCommandRunner;
import org.wgmesh.core.testing.TestClock;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.deploy.host.DiskFile;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.deploy.steps.DiskReader;
import org.wgmesh.endpoint.deploy.steps.DryRunTransactions;
import org.wgmesh.endpoint.deploy.steps.HostTransactions;
import org.wgmesh.endpoint.deploy.steps.Transactions;
import org.wgmesh.endpoint.deploy.steps.Waiter;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;
import org.wgmesh.endpoint.source.MeshSource;

/**
 * The transaction logic against a recording runner that plays a fresh host: no namespace, lan0 in
 * the default namespace, nothing running. Which commands run, in which order, what is written and
 * what is undone. (The same engine against the real tools: {@link DeployServicePrivilegedTest}.)
 */
class DeployServiceTest {
  static final CommandResult FAIL = new CommandResult(1, "", "refused");

  @TempDir Path dir;
  RecordingCommandRunner host;
  EndpointConfig settings;

  @BeforeEach
  void freshHost() {
    host =
        new RecordingCommandRunner()
            .respond(CommandResult.success(""), "ip", "netns", "list")
            .respond(FAIL, "ip", "-j", "addr", "show", "dev")
            .respond(
                CommandResult.success(
                    "[{\"ifname\":\"lan0\",\"flags\":[\"BROADCAST\",\"UP\"],\"addr_info\":"
                        + "[{\"family\":\"inet\",\"local\":\"198.18.1.1\",\"prefixlen\":24,\"scope\":\"global\"}]}]"),
                "ip",
                "-j",
                "addr",
                "show",
                "dev",
                "lan0")
            .respond(new CommandResult(4, "Shorewall is stopped", ""), "shorewall", "status")
            .respond(new CommandResult(4, "Shorewall6 is stopped", ""), "shorewall6", "status")
            .respond(new CommandResult(1, "", "Unable to connect"), "birdc")
            .respond(
                c -> c.argv().contains("configure"), c -> CommandResult.success("Reconfigured\n"))
            .respond(FAIL, "conntrack")
            // No nftables table of wgdeploy's in the default namespace (firewall: shorewall).
            .respond(FAIL, "nft", "list", "table", "inet", "wgmesh");
    settings = Fixtures.withBackend(Fixtures.endpoint(dir), WireGuardBackendChoice.KERNEL);
  }

  Transactions transactions() {
    // BIRD "comes up" at once in this play; nothing to wait for.
    return new HostTransactions(host, Reporter.silent(), Waiter.NONE);
  }

  DeployService service(Transactions t) {
    return new DeployService(
        dir.resolve("etc/wgmesh"),
        (c, k) -> Fixtures.read(Fixtures.view(), c),
        host,
        t,
        Reporter.silent(),
        Clock.systemUTC());
  }

  DeployResult deploy(MeshView view) {
    return service(transactions()).deploy(settings, Fixtures.key(1), Fixtures.read(view, settings));
  }

  DeployResult dryRun(MeshView view) {
    return service(new DryRunTransactions())
        .deploy(settings, Fixtures.key(1), Fixtures.read(view, settings));
  }

  /** {@code wgdeploy --down}, which reads the endpoint file. */
  DeployResult down(Transactions t) {
    EndpointFile.save(settings, EndpointPaths.path(dir.resolve("etc/wgmesh"), settings.domain()));
    return service(t).down(settings.domain(), RunOverrides.none());
  }

  @Test
  void deploy_dryRunOnFreshHost_listsCommandsAndFilesChangesNothing() {
    DeployResult r = dryRun(Fixtures.view());
    assertThat(host.mutations()).isEmpty();
    assertThat(r.dryRun()).isTrue();
    assertThat(r.commands())
        .extracting(Command::display)
        .containsSubsequence(
            "ip netns add lab",
            "ip link add lab-vh type veth peer name lab-vn netns lab",
            "ip link set lan0 netns lab",
            "ip -n lab addr add 198.18.1.1/24 dev lan0",
            dir.resolve("var/lib/wgmesh/lab/staging/shorewall.program") + " start",
            "ip -n lab link add wg2 type wireguard",
            "ip netns exec lab wg setconf wg2 " + dir.resolve("etc/wireguard/lab/wg2.conf"),
            "ip -n lab addr add fd12:3456:789a:1:2::1/80 dev wg2 nodad");
    // 3 WireGuard, BIRD, 2 x 6 Shorewall, 2 units, 2 x 5 Shorewall include files.
    assertThat(r.files()).hasSize(28);
    assertThat(dir.resolve("etc")).doesNotExist();
    assertThat(dir.resolve("var/lib/wgmesh")).doesNotExist();
    List<String> report = r.describe();
    assertThat(report)
        .contains(
            "added " + dir.resolve("etc/wireguard/lab/wg2.conf"),
            "  (holds a private key: content not shown)");
    assertThat(String.join("\n", report))
        .doesNotContain(Fixtures.key(1).toBase64())
        .contains("+DNAT\tnet\tloc:169.254.0.2\tudp\t51822,51823,51825");
  }

  @Test
  void deploy_dryRunWithClients_showsTheirInterfacesFilesAndPortsChangesNothing() {
    DeployResult r = dryRun(Fixtures.clientView());
    assertThat(host.mutations()).isEmpty();
    assertThat(r.commands())
        .extracting(Command::display)
        .containsSubsequence(
            "ip -n lab link add wg5 type wireguard",
            "ip -n lab link add wgc1 type wireguard",
            "ip netns exec lab wg setconf wgc1 " + dir.resolve("etc/wireguard/lab/wgc1.conf"),
            "ip -n lab link set wgc1 up",
            "ip -n lab link add wgc2 type wireguard")
        .contains(
            "ip -4 -n lab route replace unreachable 198.51.100.3/32 metric 4278198272",
            "ip -6 -n lab route replace unreachable fd12:3456:789a:2::4/128 metric 4278198272");
    List<String> report = r.describe();
    assertThat(report)
        .contains(
            "added " + dir.resolve("etc/wireguard/lab/wgc1.conf"),
            "  (holds a private key: content not shown)");
    assertThat(String.join("\n", report))
        .doesNotContain(Fixtures.key(1).toBase64())
        .contains("+DNAT\tnet\tloc:169.254.0.2\tudp\t61001,61002");
    assertThat(dir.resolve("etc")).doesNotExist();
  }

  @Test
  void deploy_freshHost_writesFilesWithModesAndStartsInOrder() throws Exception {
    DeployResult r = deploy(Fixtures.view());
    assertThat(r.unchanged()).isFalse();
    Path wg2 = dir.resolve("etc/wireguard/lab/wg2.conf");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(wg2)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(wg2.getParent())))
        .isEqualTo("rwx------");
    assertThat(dir.resolve("etc/bird/wgmesh-lab.d")).isDirectory();
    assertThat(dir.resolve("var/lib/wgmesh/lab/manifest.properties")).exists();
    assertThat(dir.resolve("var/lib/wgmesh/lab/journal.properties")).doesNotExist();
    assertThat(Files.readString(dir.resolve("var/lib/wgmesh/lab/manifest.properties")))
        .contains("trust.addresses=198.18.1.1/24")
        .contains("trust.moved=lan0");
    // Validation ran on the staged files before the first change.
    List<Command> all = host.commands();
    int check = indexOf(all, "bird", "-p", "-c");
    int firstChange = all.indexOf(host.mutations().get(0));
    assertThat(check).isNotNegative().isLessThan(firstChange);
    assertThat(all.get(check).argv().get(3)).contains("/staging/");
    // Firewall (DNAT) before WireGuard, WireGuard before BIRD.
    // Shorewall's check compiled the staged directory; its start runs that program.
    int compile = indexOf(all, "shorewall", "compile");
    assertThat(compile).isNotNegative().isLessThan(firstChange);
    String program = all.get(compile).argv().get(3);
    assertThat(program).contains("/staging/");
    assertThat(indexOf(all, program, "start"))
        .isNotNegative()
        .isLessThan(indexOf(all, "ip", "-n", "lab", "link", "add", "wg2"));
    assertThat(indexOf(all, "shorewall", "start")).isNegative();
    assertThat(indexOf(all, "ip", "-n", "lab", "link", "add", "wg5"))
        .isLessThan(indexOf(all, "ip", "netns", "exec", "lab", "bird"));
    assertThat(all).noneMatch(c -> c.display().contains(Fixtures.key(1).toBase64()));
  }

  @Test
  void deploy_birdRejectsStagedConfig_noChangeAndClearError() {
    host.respond(
        new CommandResult(1, "", "bird: wgmesh-lab.conf:3:1 syntax error"), "bird", "-p", "-c");
    assertThatThrownBy(() -> deploy(Fixtures.view()))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("syntax error")
        .hasMessageContaining("nothing was changed");
    assertThat(host.mutations()).isEmpty();
    assertThat(dir.resolve("etc/wireguard/lab/wg2.conf")).doesNotExist();
    assertThat(dir.resolve("var/lib/wgmesh/lab/journal.properties")).doesNotExist();
  }

  @Test
  void deploy_stepFailsAfterSwap_filesAndRuntimeRolledBack() {
    host.respond(FAIL, "ip", "-n", "lab", "link", "add", "wg3");
    assertThatThrownBy(() -> deploy(Fixtures.view()))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("create wg3")
        .hasMessageContaining("previous configuration was restored");
    List<String> undo = host.mutations().stream().map(Command::display).toList();
    assertThat(undo)
        .containsSubsequence(
            "ip -n lab link add wg2 type wireguard",
            "ip -n lab link del wg2",
            "shorewall clear",
            "sh -c ip -n \"$0\" link set \"$1\" netns $$ lab lan0",
            "ip addr add 198.18.1.1/24 dev lan0",
            "ip link del lab-vh",
            "ip netns del lab");
    assertThat(dir.resolve("etc/wireguard/lab/wg2.conf")).doesNotExist();
    assertThat(dir.resolve("etc/bird/wgmesh-lab.conf")).doesNotExist();
    assertThat(dir.resolve("var/lib/wgmesh/lab/journal.properties")).doesNotExist();
  }

  @Test
  void deploy_interruptedRun_nextRunRestoresAndRecovers() throws Exception {
    // A first run that dies (like a kill -9) while starting BIRD: the journal stays behind.
    AtomicBoolean crash = new AtomicBoolean(true);
    host.respond(
        c ->
            crash.get()
                && RecordingCommandRunner.startsWith(c, "ip", "netns", "exec", "lab", "bird"),
        c -> {
          throw new Error("simulated crash");
        });
    assertThatThrownBy(() -> deploy(Fixtures.view())).isInstanceOf(Error.class);
    assertThat(dir.resolve("var/lib/wgmesh/lab/journal.properties")).exists();
    crash.set(false);
    host.clear();
    DeployResult r = deploy(Fixtures.view());
    assertThat(r.recovered()).isTrue();
    assertThat(dir.resolve("var/lib/wgmesh/lab/journal.properties")).doesNotExist();
    assertThat(Files.readString(dir.resolve("etc/bird/wgmesh-lab.conf")))
        .contains("protocol bgp wg5");
    assertThat(host.commands())
        .extracting(Command::display)
        .contains(
            "ip netns exec lab bird -c "
                + dir.resolve("etc/bird/wgmesh-lab.conf")
                + " -s "
                + dir.resolve("run/wgmesh/bird-lab.ctl")
                + " -P "
                + dir.resolve("run/wgmesh/bird-lab.pid"));
  }

  @Test
  void deploy_crashRightAfterMovingTrust_nextRunKeepsItsOriginalAddressesForDown()
      throws Exception {
    AtomicBoolean crash = new AtomicBoolean(true);
    host.respond(
        c -> crash.get() && c.display().equals("ip -n lab addr add 198.18.1.1/24 dev lan0"),
        c -> {
          throw new Error("simulated crash");
        });
    assertThatThrownBy(() -> deploy(Fixtures.view())).isInstanceOf(Error.class);
    assertThat(Files.readString(dir.resolve("var/lib/wgmesh/lab/journal.properties")))
        .contains("trust.moved=lan0")
        .contains("trust.addresses=198.18.1.1/24");
    // Now lan0 is inside the namespace, without its address.
    crash.set(false);
    host.clear();
    host.respond(CommandResult.success("lab\n"), "ip", "netns", "list")
        .respond(FAIL, "ip", "-j", "addr", "show", "dev", "lan0")
        .respond(
            CommandResult.success("[{\"ifname\":\"lan0\",\"flags\":[\"UP\"],\"addr_info\":[]}]"),
            "ip",
            "-n",
            "lab",
            "-j",
            "addr",
            "show");
    DeployResult r = deploy(Fixtures.view());
    assertThat(r.recovered()).isTrue();
    assertThat(host.mutations())
        .extracting(Command::display)
        .doesNotContain("ip link set lan0 netns lab");
    assertThat(Files.readString(dir.resolve("var/lib/wgmesh/lab/manifest.properties")))
        .contains("trust.moved=lan0")
        .contains("trust.addresses=198.18.1.1/24")
        .contains("trust.wasUp=true");
  }

  /** The recording runner now plays the host as the first deploy left it. */
  private void playDeployedHost(String wireguardInterfaces) {
    String link = "{\"ifname\":\"%s\",\"flags\":[\"UP\"],\"addr_info\":[%s]}";
    String wgLink = "{\"ifname\":\"%s\",\"flags\":[\"UP\"],\"mtu\":%d,\"addr_info\":[%s]}";
    String addr = "{\"family\":\"inet%s\",\"local\":\"%s\",\"prefixlen\":%d,\"scope\":\"global\"}";
    host.respond(CommandResult.success("lab\n"), "ip", "netns", "list")
        .respond(FAIL, "ip", "-j", "addr", "show", "dev", "lan0")
        .respond(
            CommandResult.success(
                "["
                    + link.formatted(
                        "lab-vh",
                        addr.formatted("", "169.254.0.1", 30)
                            + ","
                            + addr.formatted("6", "fdff:a9fe::1", 64))
                    + "]"),
            "ip",
            "-j",
            "addr",
            "show",
            "dev",
            "lab-vh")
        .respond(
            CommandResult.success(
                "["
                    + String.join(
                        ",",
                        link.formatted("lo", addr.formatted("6", "fd12:3456:789a:0:1::1", 128)),
                        link.formatted(
                            "lab-vn",
                            addr.formatted("", "169.254.0.2", 30)
                                + ","
                                + addr.formatted("6", "fdff:a9fe::2", 64)),
                        link.formatted(
                            "lan0",
                            addr.formatted("", "198.18.1.1", 24)
                                + ","
                                + addr.formatted("6", "fd00:18:1::1", 64)),
                        wgLink.formatted(
                            "wg2", 1420, addr.formatted("6", "fd12:3456:789a:1:2::1", 80)),
                        wgLink.formatted(
                            "wg3", 1400, addr.formatted("6", "fd12:3456:789a:1:3::1", 80)),
                        wgLink.formatted(
                            "wg5", 1420, addr.formatted("6", "fd12:3456:789a:1:5::1", 80)))
                    + "]"),
            "ip",
            "-n",
            "lab",
            "-j",
            "addr",
            "show")
        .respond(
            CommandResult.success(wireguardInterfaces + "\n"),
            "ip",
            "netns",
            "exec",
            "lab",
            "wg",
            "show",
            "interfaces")
        .respond(
            CommandResult.success("1\n1\n0\n0\n0\n"), "ip", "netns", "exec", "lab", "sysctl", "-n")
        .respond(
            CommandResult.success(
                "[{\"dst\":\"default\",\"gateway\":\"169.254.0.1\",\"dev\":\"lab-vn\"},"
                    + "{\"type\":\"unreachable\",\"dst\":\"198.18.0.0/15\"}]"),
            "ip",
            "-4",
            "-n",
            "lab",
            "-j",
            "route",
            "show")
        .respond(
            CommandResult.success(
                "[{\"dst\":\"default\",\"gateway\":\"fdff:a9fe::1\",\"dev\":\"lab-vn\"},"
                    + "{\"type\":\"unreachable\",\"dst\":\"fd00:18::/32\"},"
                    + "{\"type\":\"unreachable\",\"dst\":\"fd12:3456:789a:0:1::/80\"}]"),
            "ip",
            "-6",
            "-n",
            "lab",
            "-j",
            "route",
            "show")
        .respond(
            CommandResult.success(
                "[{\"dst\":\"198.18.1.0/24\",\"gateway\":\"169.254.0.2\"},"
                    + "{\"dst\":\"198.18.2.0/24\",\"gateway\":\"169.254.0.2\"}]"),
            "ip",
            "-4",
            "-j",
            "route",
            "show")
        .respond(
            CommandResult.success(
                "[{\"dst\":\"fd00:18:1::/64\",\"gateway\":\"fdff:a9fe::2\"},"
                    + "{\"dst\":\"fd00:18:2::/64\",\"gateway\":\"fdff:a9fe::2\"},"
                    + "{\"dst\":\"fd00:18:3::/64\",\"gateway\":\"fdff:a9fe::2\"}]"),
            "ip",
            "-6",
            "-j",
            "route",
            "show")
        .respond(CommandResult.success("BIRD 2.0.12 ready.\nDaemon is up and running\n"), "birdc")
        .respond(c -> c.argv().contains("configure"), c -> CommandResult.success("Reconfigured\n"))
        .respond(CommandResult.success("Shorewall is running"), "shorewall", "status")
        .respond(CommandResult.success("Shorewall6 is running"), "shorewall6", "status")
        .respond(CommandResult.success(NFT_LISTING), "ip", "netns", "exec", "lab", "nft", "list");
  }

  /** What {@code nft list table inet wgmesh} prints once a deploy wrote the table (nft 1.0.6). */
  private static final String NFT_LISTING =
      """
      table inet wgmesh {
      	chain prerouting {
      		type filter hook prerouting priority raw; policy accept;
      		iifname "wg*" fib saddr . iif oif missing counter packets 3 bytes 252 drop comment "source not routed back over this WireGuard link"
      	}

      	chain postrouting {
      		type nat hook postrouting priority srcnat; policy accept;
      		oifname "wg*" ip saddr 169.254.0.1 counter packets 0 bytes 0 snat ip to 198.18.1.1 comment "the router's own packets"
      		oifname "wg*" ip6 saddr fdff:a9fe::1 counter packets 0 bytes 0 snat ip6 to fd00:18:1::1 comment "the router's own packets"
      	}
      }
      """;

  /**
   * Issue 19: a host deployed by a release without source validation (no nftables table in the
   * namespace) gets it at the next run, and nothing else changes.
   */
  @Test
  void deploy_deployedHostWithoutSourceValidation_addsItAndNothingElse() {
    deploy(Fixtures.view());
    playDeployedHost("wg2 wg3 wg5");
    host.respond(FAIL, "ip", "netns", "exec", "lab", "nft", "list");
    host.clear();
    deploy(Fixtures.view());
    assertThat(host.mutations())
        .extracting(Command::display)
        .hasSize(2)
        .first()
        .asString()
        .startsWith("ip netns exec lab sysctl -q -w");
    assertThat(host.mutations().get(1).argv())
        .startsWith("ip", "netns", "exec", "lab", "nft")
        .last()
        .asString()
        .contains("iifname \"wg*\" fib saddr . iif oif missing counter drop");
  }

  /**
   * Issue 20: an interface whose MTU differs from the planned one (the site's setting changed, or
   * someone set it by hand) gets the planned MTU in place, and nothing else changes.
   */
  @Test
  void deploy_linkMtuDiffers_setsOnlyThatMtu() {
    deploy(Fixtures.view());
    playDeployedHost("wg2 wg3 wg5");
    host.respond(
        CommandResult.success(
            "[{\"ifname\":\"lo\",\"flags\":[\"UP\"],\"addr_info\":["
                + "{\"local\":\"fd12:3456:789a:0:1::1\",\"prefixlen\":128}]},"
                + "{\"ifname\":\"lan0\",\"flags\":[\"UP\"],\"addr_info\":["
                + "{\"local\":\"198.18.1.1\",\"prefixlen\":24},"
                + "{\"local\":\"fd00:18:1::1\",\"prefixlen\":64}]},"
                + "{\"ifname\":\"lab-vn\",\"flags\":[\"UP\"],\"addr_info\":["
                + "{\"local\":\"169.254.0.2\",\"prefixlen\":30},"
                + "{\"local\":\"fdff:a9fe::2\",\"prefixlen\":64}]},"
                + "{\"ifname\":\"wg2\",\"flags\":[\"UP\"],\"mtu\":1500,\"addr_info\":["
                + "{\"local\":\"fd12:3456:789a:1:2::1\",\"prefixlen\":80}]},"
                + "{\"ifname\":\"wg3\",\"flags\":[\"UP\"],\"mtu\":1400,\"addr_info\":["
                + "{\"local\":\"fd12:3456:789a:1:3::1\",\"prefixlen\":80}]},"
                + "{\"ifname\":\"wg5\",\"flags\":[\"UP\"],\"mtu\":1420,\"addr_info\":["
                + "{\"local\":\"fd12:3456:789a:1:5::1\",\"prefixlen\":80}]}]"),
        "ip",
        "-n",
        "lab",
        "-j",
        "addr",
        "show");
    host.clear();
    deploy(Fixtures.view());
    assertThat(host.mutations())
        .extracting(Command::display)
        .containsExactly("ip -n lab link set dev wg2 mtu 1420");
  }

  @Test
  void deploy_hostAlreadyMatches_onlyQueriesRun() {
    deploy(Fixtures.view());
    playDeployedHost("wg2 wg3 wg5");
    host.clear();
    DeployResult r = deploy(Fixtures.view());
    assertThat(r.unchanged()).isTrue();
    assertThat(host.mutations()).isEmpty();
    assertThat(host.commands())
        .isNotEmpty()
        .noneMatch(c -> RecordingCommandRunner.startsWith(c, "bird", "-p"));
  }

  @Test
  void deploy_oneInterfaceDiedOtherwiseUnchanged_recreatesOnlyThatOne() {
    deploy(Fixtures.view());
    playDeployedHost("wg2 wg5");
    host.clear();
    DeployResult r = deploy(Fixtures.view());
    assertThat(r.files()).isEmpty();
    assertThat(host.mutations())
        .extracting(Command::display)
        .containsExactly(
            "ip -n lab link del wg3",
            "ip -n lab link add wg3 type wireguard",
            "ip netns exec lab wg setconf wg3 " + dir.resolve("etc/wireguard/lab/wg3.conf"),
            "ip -n lab link set dev wg3 mtu 1400",
            "ip -n lab addr add fd12:3456:789a:1:3::1/80 dev wg3 nodad",
            "ip -n lab link set wg3 up");
  }

  @Test
  void deploy_peerLeft_itsInterfaceIsCutFirst_thenFirewallAndBirdReload() {
    deploy(Fixtures.view());
    playDeployedHost("wg2 wg3 wg5");
    host.clear();
    deploy(Fixtures.view(List.of(Fixtures.host(2, "203.0.113.2"), Fixtures.host(5))));
    List<String> m = host.mutations().stream().map(Command::display).toList();
    assertThat(m)
        .containsSubsequence(
            "ip -n lab link del wg3",
            dir.resolve("var/lib/wgmesh/lab/staging/shorewall.program") + " reload",
            "birdc -s " + dir.resolve("run/wgmesh/bird-lab.ctl") + " configure");
    assertThat(m.get(0)).isEqualTo("ip -n lab link del wg3");
    assertThat(m).noneMatch(c -> c.contains("wg2") || c.contains("wg5"));
    assertThat(dir.resolve("etc/wireguard/lab/wg3.conf")).doesNotExist();
  }

  // Scheduled host key switches (issue 12): deploys keep the previous key until the time the site
  // published, wait for it when it is near, and then change only the WireGuard links concerned.

  static final Instant SWITCH_AT = Instant.parse("2029-12-26T12:00:00Z");

  final List<String> slept = new java.util.ArrayList<>();

  /**
   * A deployed host (wg2 wg3 wg5) whose endpoint file and key are on disk, reading {@code view}.
   */
  DeployService deployedHostReading(MeshView view, TestClock clock, Transactions t) {
    return deployedHostReading((c, k) -> Fixtures.read(view, c), clock, t);
  }

  /** As above, reading from {@code source}. */
  DeployService deployedHostReading(MeshSource source, TestClock clock, Transactions t) {
    deploy(Fixtures.view());
    playDeployedHost("wg2 wg3 wg5");
    host.clear();
    Path configDir = dir.resolve("etc/wgmesh");
    EndpointFile.save(settings, EndpointPaths.path(configDir, settings.domain()));
    org.wgmesh.core.crypto.KeyFiles.createSecret(settings.hostKey(), Fixtures.key(1).toBase64());
    return new DeployService(
        configDir,
        source,
        host,
        t,
        Reporter.silent(),
        clock,
        java.time.Duration.ofMinutes(10),
        (at, c) -> {
          slept.add(at + " after " + host.mutations().size() + " changes");
          clock.now = at;
        });
  }

  /** {@code h} with key {@code next} switched to at {@link #SWITCH_AT} from its key now. */
  static HostEntry switching(HostEntry h, int next) {
    return HostEntry.builder()
        .uuid(h.uuid())
        .hostname(h.hostname())
        .number(h.number())
        .asn(h.asn())
        .publicKey(Fixtures.key(next).publicKey())
        .endpoints(h.endpoints())
        .lanPrefixes(h.lanPrefixes())
        .sharedLans(h.sharedLans())
        .keySwitch(new KeySwitch(h.publicKey(), SWITCH_AT))
        .build();
  }

  static MeshView withPeer2Switching() {
    MeshView v = Fixtures.view();
    List<HostEntry> peers = new java.util.ArrayList<>(v.peers());
    peers.set(0, switching(peers.get(0), 22));
    return Fixtures.view(peers);
  }

  /** The fixture mesh in which this host (h1) switches to key 11 at {@link #SWITCH_AT}. */
  static MeshView withSelfSwitching() {
    MeshView base = Fixtures.view();
    return new MeshView(
        base.settings(),
        base.serial(),
        base.issued(),
        base.expires(),
        base.siteSigningKey(),
        base.siteBoxKey(),
        switching(base.self(), 11),
        base.peers());
  }

  @Test
  void deploy_peerKeySwitchWithinTheWait_keepsTheOldKeyThenSwitchesOnlyThatLinkAtItsTime()
      throws Exception {
    TestClock clock = new TestClock(SWITCH_AT.minusSeconds(300));
    Path wg2 = dir.resolve("etc/wireguard/lab/wg2.conf");
    DeployResult r =
        deployedHostReading(withPeer2Switching(), clock, transactions())
            .deploy(settings.domain(), RunOverrides.none());
    // Nothing changed before the switch time; at it, wg2 alone got the new key by wg syncconf.
    assertThat(slept).containsExactly(SWITCH_AT + " after 0 changes");
    assertThat(host.mutations())
        .extracting(Command::display)
        .containsExactly("ip netns exec lab wg syncconf wg2 " + wg2);
    assertThat(r.files()).extracting(f -> f.path().getFileName().toString()).contains("wg2.conf");
    assertThat(Files.readString(wg2))
        .contains("PublicKey = " + Fixtures.key(22).publicKey().toBase64())
        .doesNotContain(Fixtures.key(2).publicKey().toBase64());
    assertThat(Files.readString(dir.resolve("etc/wireguard/lab/wg3.conf")))
        .contains("PublicKey = " + Fixtures.key(3).publicKey().toBase64());
  }

  @Test
  void deploy_peerKeySwitchBeyondTheWait_doesNotWaitAndKeepsTheOldKey() throws Exception {
    TestClock clock = new TestClock(SWITCH_AT.minusSeconds(3600));
    deployedHostReading(withPeer2Switching(), clock, transactions())
        .deploy(settings.domain(), RunOverrides.none());
    assertThat(slept).isEmpty();
    assertThat(host.mutations()).isEmpty();
    assertThat(Files.readString(dir.resolve("etc/wireguard/lab/wg2.conf")))
        .contains("PublicKey = " + Fixtures.key(2).publicKey().toBase64());
  }

  @Test
  void deploy_afterThePeersSwitchTime_configuresTheNewKeyWithoutWaiting() throws Exception {
    TestClock clock = new TestClock(SWITCH_AT.plusSeconds(1));
    deployedHostReading(withPeer2Switching(), clock, transactions())
        .deploy(settings.domain(), RunOverrides.none());
    assertThat(slept).isEmpty();
    assertThat(Files.readString(dir.resolve("etc/wireguard/lab/wg2.conf")))
        .contains("PublicKey = " + Fixtures.key(22).publicKey().toBase64());
  }

  @Test
  void deploy_dryRunBeforeAKeySwitch_neitherWaitsNorChangesAnything() throws Exception {
    TestClock clock = new TestClock(SWITCH_AT.minusSeconds(60));
    Path wg2 = dir.resolve("etc/wireguard/lab/wg2.conf");
    DeployService service =
        deployedHostReading(withPeer2Switching(), clock, new DryRunTransactions());
    String before = Files.readString(wg2);
    DeployResult r = service.deploy(settings.domain(), RunOverrides.none());
    assertThat(r.dryRun()).isTrue();
    assertThat(slept).isEmpty();
    assertThat(host.mutations()).isEmpty();
    assertThat(Files.readString(wg2)).isEqualTo(before);
  }

  @Test
  void deploy_ownKeySwitch_keepsTheCurrentKeyUntilTheTimeThenSwitchesEveryLinkAndAdoptsTheKey()
      throws Exception {
    TestClock clock = new TestClock(SWITCH_AT.minusSeconds(120));
    MeshView view = withSelfSwitching();
    DeployService service = deployedHostReading(view, clock, transactions());
    Path pending = org.wgmesh.endpoint.config.HostKeys.pendingFile(settings.hostKey());
    org.wgmesh.core.crypto.KeyFiles.createSecret(pending, Fixtures.key(11).toBase64());
    service.deploy(settings.domain(), RunOverrides.none());
    assertThat(slept).containsExactly(SWITCH_AT + " after 0 changes");
    Path wgDir = dir.resolve("etc/wireguard/lab");
    assertThat(host.mutations())
        .extracting(Command::display)
        .containsExactly(
            "ip netns exec lab wg syncconf wg2 " + wgDir.resolve("wg2.conf"),
            "ip netns exec lab wg syncconf wg3 " + wgDir.resolve("wg3.conf"),
            "ip netns exec lab wg syncconf wg5 " + wgDir.resolve("wg5.conf"));
    for (String i : List.of("wg2", "wg3", "wg5")) {
      assertThat(Files.readString(wgDir.resolve(i + ".conf")))
          .contains("PrivateKey = " + Fixtures.key(11).toBase64());
    }
    // The pending key is the host key now.
    assertThat(Files.readString(settings.hostKey()).strip()).isEqualTo(Fixtures.key(11).toBase64());
    assertThat(pending).doesNotExist();
  }

  @Test
  void deploy_ownKeySwitch_adoptsThePendingKeyAsReadAtTheStart() throws Exception {
    TestClock clock = new TestClock(SWITCH_AT.minusSeconds(120));
    MeshView view = withSelfSwitching();
    Path pending = org.wgmesh.endpoint.config.HostKeys.pendingFile(settings.hostKey());
    // The pending key file is damaged once the run has read it: a second read would fail.
    MeshSource source =
        (c, k) -> {
          try {
            Files.writeString(pending, "damaged\n");
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return Fixtures.read(view, c);
        };
    DeployService service = deployedHostReading(source, clock, transactions());
    org.wgmesh.core.crypto.KeyFiles.createSecret(pending, Fixtures.key(11).toBase64());
    service.deploy(settings.domain(), RunOverrides.none());
    assertThat(Files.readString(settings.hostKey()).strip()).isEqualTo(Fixtures.key(11).toBase64());
    assertThat(pending).doesNotExist();
  }

  /** A reader of the real files that counts the reads of each. */
  static final class CountingReader implements DiskReader {
    final Map<Path, Integer> reads = new HashMap<>();

    @Override
    public Optional<DiskFile> read(Path p) throws java.io.IOException {
      reads.merge(p, 1, Integer::sum);
      return DiskReader.DISK.read(p);
    }

    /** The manifest and journal of {@code state} were read, and every file exactly once. */
    void assertEachReadOnce(StateStore state) {
      assertThat(reads)
          .containsEntry(state.manifestFile(), 1)
          .containsEntry(state.journalFile(), 1)
          .allSatisfy((p, n) -> assertThat(n).as("reads of %s", p).isEqualTo(1));
    }
  }

  @Test
  void down_readsEachStateFileOnce() {
    deploy(Fixtures.view());
    playDeployedHost("wg2 wg3 wg5");
    Path configDir = dir.resolve("etc/wgmesh");
    EndpointFile.save(settings, EndpointPaths.path(configDir, settings.domain()));
    CountingReader reader = new CountingReader();
    RunContext run = RunContext.load(configDir, settings.domain(), RunOverrides.none(), reader);
    DeployResult r = new DownJob(host, new DryRunTransactions(), Reporter.silent()).run(run);
    assertThat(r.commands()).isNotEmpty();
    reader.assertEachReadOnce(new StateStore(dir.resolve("var/lib/wgmesh/lab")));
  }

  @Test
  void runContext_deployedAskedTwice_findsTheNamespaceAndReadsItsManifestOnce() {
    deploy(Fixtures.view());
    CountingReader reader = new CountingReader();
    RunContext run = new RunContext(settings, reader);
    assertThat(run.deployed()).map(d -> d.layout().namespace()).contains("lab");
    assertThat(run.deployed().orElseThrow().state().manifest().domain())
        .isEqualTo(settings.domain().toString());
    StateStore state = new StateStore(dir.resolve("var/lib/wgmesh/lab"));
    assertThat(reader.reads).containsExactly(Map.entry(state.manifestFile(), 1));
  }

  @Test
  void deploy_readsEachStateFileOncePerPlan() {
    deploy(Fixtures.view());
    playDeployedHost("wg2 wg3 wg5");
    CountingReader reader = new CountingReader();
    Transactions dry = new DryRunTransactions();
    DeployJob job =
        new DeployJob(
            (c, k) -> Fixtures.read(Fixtures.view(), c),
            host,
            dry,
            Reporter.silent(),
            Clock.systemUTC(),
            new KeySwitchJob(Reporter.silent(), Clock.systemUTC(), Duration.ZERO, Sleeper.REAL));
    DeployResult r =
        job.deploy(
            new RunContext(settings, reader),
            Fixtures.key(1),
            Fixtures.read(Fixtures.view(), settings),
            Instant.now());
    assertThat(r.dryRun()).isTrue();
    // The Shorewall merge and the live state share one read of the manifest and the journal.
    reader.assertEachReadOnce(new StateStore(dir.resolve("var/lib/wgmesh/lab")));
  }

  @Test
  void down_afterDeploy_undoesInOrderAndRemovesFilesAndState() {
    deploy(Fixtures.view());
    playDeployedHost("wg2 wg3 wg5");
    host.respond(CommandResult.success(""), "ip", "-n", "lab", "link", "show", "lan0")
        .respond(CommandResult.success(""), "ip", "link", "show", "lab-vh");
    host.clear();
    DeployResult dry = down(new DryRunTransactions());
    assertThat(dry.commands())
        .extracting(Command::display)
        .containsSubsequence(
            "birdc -s " + dir.resolve("run/wgmesh/bird-lab.ctl") + " down",
            "ip -n lab link del wg2",
            "ip -n lab link del wg5",
            "shorewall clear",
            "sh -c ip -n \"$0\" link set \"$1\" netns $$ lab lan0",
            "ip addr add 198.18.1.1/24 dev lan0",
            "ip link set lan0 up",
            "ip link del lab-vh",
            "ip netns del lab");
    assertThat(host.mutations()).isEmpty();
    assertThat(dir.resolve("etc/bird/wgmesh-lab.conf")).exists();

    down(transactions());
    assertThat(dir.resolve("etc/bird/wgmesh-lab.conf")).doesNotExist();
    assertThat(dir.resolve("etc/wireguard/lab")).doesNotExist();
    assertThat(dir.resolve("etc/shorewall/rules")).doesNotExist();
    assertThat(dir.resolve("var/lib/wgmesh/lab")).doesNotExist();
  }

  @Test
  void down_unknownDomain_isDeployError() {
    assertThatThrownBy(() -> down(transactions()))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("no deploy state");
  }

  private static int indexOf(List<Command> all, String... prefix) {
    for (int i = 0; i < all.size(); i++) {
      if (RecordingCommandRunner.startsWith(all.get(i), prefix)) {
        return i;
      }
    }
    return -1;
  }
}
