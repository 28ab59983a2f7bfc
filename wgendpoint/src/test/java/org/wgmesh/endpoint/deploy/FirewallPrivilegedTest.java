package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.testing.RecordingCommandRunner;
import org.wgmesh.endpoint.deploy.health.HealthCheck;
import org.wgmesh.endpoint.deploy.health.HealthReport;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.ExistingFirewall;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * The firewall of a real router on a simulated host ({@link HostSandbox}): a router with its own
 * Shorewall configuration (refused, then merged, kept through a redeploy, given back byte for byte
 * by --down), a router with its own nftables tables (left byte for byte as they were through
 * deploy, redeploy and --down, with firewall: nftables), and the rollback of wgdeploy's nftables
 * table when a later step fails.
 */
@Tag("privileged")
@EnabledIfSystemProperty(named = "wgmesh.privileged", matches = "true")
class FirewallPrivilegedTest {
  @TempDir Path dir;

  static final MeshView TWO =
      Fixtures.view(
          List.of(
              Fixtures.host(2, "203.0.113.2", "2001:db8:ff::2"), Fixtures.host(3, "203.0.113.3")));

  static final String OPERATOR_RULES =
      "# the operator's own rules\n?SECTION NEW\nACCEPT\tnet\t$FW\ttcp\t8080\n";

  static final String OPERATOR_NFT =
      "table inet filter {\n"
          + "  chain input {\n"
          + "    type filter hook input priority filter; policy accept;\n"
          + "    tcp dport 8080 counter accept\n"
          + "  }\n"
          + "  chain forward {\n"
          + "    type filter hook forward priority filter; policy accept;\n"
          + "    iifname \"lan0x\" drop\n"
          + "  }\n"
          + "}\n"
          + "table ip nat {\n"
          + "  chain postrouting {\n"
          + "    type nat hook postrouting priority srcnat; policy accept;\n"
          + "    oifname \"pub0\" ip saddr 192.0.2.0/24 masquerade\n"
          + "  }\n"
          + "}\n";

  @Test
  void existingShorewall_refusedThenMergedKeptAndGivenBackByDown() throws Exception {
    try (HostSandbox host = new HostSandbox(dir)) {
      EndpointConfig settings = settings(Firewall.SHOREWALL);
      Path sw = dir.resolve("root/etc/shorewall");
      Files.createDirectories(sw);
      Files.writeString(sw.resolve("rules"), OPERATOR_RULES);
      Files.writeString(sw.resolve("policy"), "# the operator's policy file, empty\n");
      Files.writeString(sw.resolve("masq.notes"), "kept where it is\n");
      Map<String, String> original = snapshot(sw);

      // 1. Refused: exit 10, the directory named, nothing changed.
      assertThatThrownBy(() -> deploy(host.runner(), settings, TWO))
          .isInstanceOfSatisfying(
              ConflictException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
                assertThat(e.what()).isEqualTo(sw.toString());
                assertThat(e.why()).contains("rules").contains("policy");
                assertThat(e.hint()).get().asString().contains("--existing-firewall merge");
              });
      assertThat(snapshot(sw)).isEqualTo(original);
      assertThat(host.sh("ip", "netns", "list")).doesNotContain("mesh");
      assertThat(host.status("shorewall", "status")).isNotZero();

      // 2. Merged: the operator's rule is in the include file and in effect, beside the mesh's.
      EndpointConfig merge = settings.with(b -> b.existingFirewall = ExistingFirewall.MERGE);
      deploy(host.runner(), merge, TWO);
      assertThat(Files.readString(sw.resolve("rules.local"))).endsWith(OPERATOR_RULES);
      assertThat(Files.readString(sw.resolve("rules"))).contains("?INCLUDE rules.local");
      assertThat(host.sh("iptables", "-S")).contains("--dport 8080 -j ACCEPT");
      assertThat(host.sh("iptables", "-t", "nat", "-S")).contains("169.254.0.2");
      assertThat(Files.readString(dir.resolve("root/var/lib/wgmesh/mesh/original" + sw + "/rules")))
          .isEqualTo(OPERATOR_RULES);

      // 3. Redeploy: the include files stay byte for byte, even after the operator edits one.
      Files.writeString(
          sw.resolve("policy.local"), Files.readString(sw.resolve("policy.local")) + "# edited\n");
      Map<String, String> includes = includes(sw);
      RecordingCommandRunner recorder = RecordingCommandRunner.delegatingTo(host.runner());
      DeployResult again = deploy(recorder, merge, TWO);
      assertThat(again.files()).isEmpty();
      assertThat(includes(sw)).isEqualTo(includes);

      // 4. Down: the directory as it was, byte for byte, but the edited include file (the
      // operator's work) stays; Shorewall, which wgdeploy started, is cleared.
      service(host.runner(), merge).down(merge.domain(), RunOverrides.none());
      Map<String, String> after = snapshot(sw);
      assertThat(after.remove("policy.local")).endsWith("# edited\n");
      assertThat(after).isEqualTo(original);
      assertThat(host.sh("iptables", "-S")).doesNotContain("--dport 8080");
    }
  }

  @Test
  void existingNftables_untouchedThroughDeployRedeployAndDown() throws Exception {
    try (HostSandbox host = new HostSandbox(dir)) {
      loadOperatorRuleset(host);
      String filter = host.sh("nft", "list", "table", "inet", "filter");
      String nat = host.sh("nft", "list", "table", "ip", "nat");
      EndpointConfig settings = settings(Firewall.NFTABLES);

      deploy(host.runner(), settings, TWO);
      String ours = host.sh("nft", "list", "table", "inet", "wgmesh");
      assertThat(ours)
          .contains("udp dport { 51822, 51823 } dnat ip to 169.254.0.2")
          .contains("dnat ip6 to fdff:a9fe::2")
          .contains("masquerade");
      assertThat(host.sh("nft", "list", "table", "inet", "filter")).isEqualTo(filter);
      assertThat(host.sh("nft", "list", "table", "ip", "nat")).isEqualTo(nat);
      assertThat(host.status("shorewall", "status")).isNotZero();
      assertThat(host.sh("sysctl", "-n", "net.ipv4.ip_forward").strip()).isEqualTo("1");
      assertThat(Files.exists(dir.resolve("root/etc/shorewall/rules"))).isFalse();

      RecordingCommandRunner recorder = RecordingCommandRunner.delegatingTo(host.runner());
      assertThat(deploy(recorder, settings, TWO).unchanged()).isTrue();
      assertThat(recorder.mutations()).isEmpty();
      assertThat(host.sh("nft", "list", "table", "inet", "filter")).isEqualTo(filter);
      assertThat(host.sh("nft", "list", "table", "ip", "nat")).isEqualTo(nat);
      assertThat(new org.wgmesh.endpoint.deploy.host.HostProbe(host.runner()).nftablesTable())
          .isTrue();
      // --check judges the nftables table, not Shorewall; the peers do not exist (no handshake).
      HealthReport health =
          new CheckJob(dir.resolve("root/etc/wgmesh"), host.runner(), Clock.systemUTC())
              .check(settings.domain(), HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE);
      assertThat(health.items())
          .extracting(HealthReport.Item::name)
          .contains("nftables")
          .doesNotContain("shorewall", "shorewall6");
      assertThat(health.failures())
          .extracting(HealthReport.Item::name)
          .containsExactly("link.wg2", "link.wg3");
      host.sh("nft", "delete", "table", "inet", "wgmesh");
      assertThat(
              new CheckJob(dir.resolve("root/etc/wgmesh"), host.runner(), Clock.systemUTC())
                  .check(settings.domain(), HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE)
                  .lines(true))
          .contains("FAIL nftables table inet wgmesh: missing");

      service(host.runner(), settings).down(settings.domain(), RunOverrides.none());
      assertThat(host.status("nft", "list", "table", "inet", "wgmesh")).isNotZero();
      assertThat(host.sh("nft", "list", "table", "inet", "filter")).isEqualTo(filter);
      assertThat(host.sh("nft", "list", "table", "ip", "nat")).isEqualTo(nat);
    }
  }

  @Test
  void nftables_laterStepFails_tableRolledBack() throws Exception {
    try (HostSandbox host = new HostSandbox(dir)) {
      EndpointConfig settings = settings(Firewall.NFTABLES);

      // 1. A first deploy whose BIRD does not start: the table it loaded goes again.
      RecordingCommandRunner noBird =
          RecordingCommandRunner.delegatingTo(host.runner())
              .respond(
                  c -> c.argv().contains("bird") && c.argv().contains("-P"),
                  c -> new CommandResult(1, "", "simulated: bird does not start"));
      assertThatThrownBy(() -> deploy(noBird, settings, TWO)).isInstanceOf(DeployException.class);
      assertThat(noBird.mutations())
          .extracting(Command::display)
          .contains("nft -f " + dir.resolve("root/var/lib/wgmesh/mesh/wgmesh.nft"));
      assertThat(host.status("nft", "list", "table", "inet", "wgmesh")).isNotZero();

      // 2. A change whose BIRD reload fails: the previous table (its ports) comes back.
      deploy(host.runner(), settings, TWO);
      String before = host.sh("nft", "list", "table", "inet", "wgmesh");
      AtomicBoolean once = new AtomicBoolean(true);
      RecordingCommandRunner failing =
          RecordingCommandRunner.delegatingTo(host.runner())
              .respond(
                  c -> c.argv().contains("configure") && once.getAndSet(false),
                  c -> CommandResult.success("bird.conf:1:1 simulated error\n"));
      MeshView changed =
          Fixtures.view(
              List.of(
                  Fixtures.host(2, "203.0.113.2", "2001:db8:ff::2"),
                  Fixtures.host(5, "203.0.113.5")));
      assertThatThrownBy(() -> deploy(failing, settings, changed))
          .isInstanceOf(DeployException.class);
      assertThat(failing.mutations())
          .extracting(Command::display)
          .filteredOn(c -> c.startsWith("nft -f"))
          .hasSize(2); // the new table, then the previous one again
      assertThat(host.sh("nft", "list", "table", "inet", "wgmesh")).isEqualTo(before);

      service(host.runner(), settings).down(settings.domain(), RunOverrides.none());
      assertThat(host.status("nft", "list", "table", "inet", "wgmesh")).isNotZero();
    }
  }

  private EndpointConfig settings(Firewall firewall) {
    return Fixtures.withBackend(
            Fixtures.inNamespace(Fixtures.endpoint(dir.resolve("root")), "mesh"),
            WireGuardBackendChoice.USERSPACE)
        .with(b -> b.firewall = firewall);
  }

  private DeployResult deploy(CommandRunner runner, EndpointConfig settings, MeshView view) {
    return service(runner, settings)
        .deploy(settings, Fixtures.key(1), Fixtures.read(view, settings));
  }

  private static void loadOperatorRuleset(HostSandbox host) {
    CommandResult r =
        host.runner()
            .execute(
                new Command(
                    List.of("nft", "-f", "-"),
                    OPERATOR_NFT.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    true));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
  }

  /** Every regular file of {@code d} by name, with its content. */
  private static Map<String, String> snapshot(Path d) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(d)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    return out;
  }

  private static Map<String, String> includes(Path d) throws IOException {
    Map<String, String> all = snapshot(d);
    all.keySet().removeIf(n -> !n.endsWith(".local"));
    return all;
  }

  private DeployService service(
      org.wgmesh.core.exec.CommandRunner runner, EndpointConfig settings) {
    return HostSandbox.service(dir.resolve("root/etc/wgmesh"), runner, settings);
  }
}
