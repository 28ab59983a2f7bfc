package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.testing.RecordingCommandRunner;
import org.wgmesh.endpoint.deploy.health.HealthCheck;
import org.wgmesh.endpoint.deploy.health.HealthReport;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * The deploy engine on a simulated host ({@link HostSandbox}) with the real wireguard-go, BIRD and
 * Shorewall: deploy, re-run as a no-op, change the peers, fail on a BIRD config BIRD rejects with
 * the previous state still running, tear down with --down. Peers need not exist: their interfaces
 * come up and their BGP sessions wait.
 */
@Tag("privileged")
@EnabledIfSystemProperty(named = "wgmesh.privileged", matches = "true")
class DeployServicePrivilegedTest {
  @TempDir Path dir;

  @Test
  void deploy_noop_change_failure_down_onSimulatedHost() throws Exception {
    try (HostSandbox host = new HostSandbox(dir)) {
      EndpointConfig settings = settings();
      DeployService service = service(host.runner(), settings);
      MeshView two =
          Fixtures.view(
              List.of(
                  Fixtures.host(2, "203.0.113.2", "2001:db8:ff::2"),
                  Fixtures.host(3, "2001:db8:ff::3")));

      // 1. First deploy.
      DeployResult first = service.deploy(settings, Fixtures.key(1), Fixtures.read(two, settings));
      assertThat(first.unchanged()).isFalse();
      assertThat(first.backend()).isEqualTo("wireguard-go");
      assertThat(host.sh("ip", "-n", "mesh", "-br", "link", "show", "wg2")).contains("UP");
      assertThat(host.sh("ip", "netns", "exec", "mesh", "wg", "show", "wg2", "listen-port").strip())
          .isEqualTo("51822");
      assertThat(host.sh("ip", "netns", "exec", "mesh", "wg", "show", "wg3", "endpoints"))
          .contains("[2001:db8:ff::3]:51821");
      assertThat(host.sh("ip", "-n", "mesh", "-br", "addr", "show", "wg3"))
          .contains("fd12:3456:789a:1:3::1/80");
      assertThat(host.sh("ip", "-n", "mesh", "-br", "addr", "show", "lan0"))
          .contains("198.18.1.1/24");
      assertThat(host.status("ip", "link", "show", "lan0")).isNotZero(); // moved into the namespace
      // Issue 19: every WireGuard link accepts only sources routed back over it (and the no-op
      // run below finds it in place: it changes nothing).
      assertThat(host.sh("ip", "netns", "exec", "mesh", "nft", "list", "table", "inet", "wgmesh"))
          .contains("iifname \"wg*\" fib saddr . iif oif missing counter packets");
      String socket = dir.resolve("root/run/wgmesh/bird-mesh.ctl").toString();
      String protocols = host.sh("birdc", "-s", socket, "show", "protocols");
      assertThat(protocols).contains("wg2", "wg3", "BGP");
      assertThat(host.sh("iptables", "-t", "nat", "-S"))
          .contains("169.254.0.2")
          .contains("51822,51823");
      Path wgConf = dir.resolve("root/etc/wireguard/mesh/wg2.conf");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(wgConf)))
          .isEqualTo("rw-------");

      // 1b. --check reads the live host: what the deploy set up is in place; the peers do not
      // exist, so their links have no handshake and their sessions wait. Queries only.
      RecordingCommandRunner checked = RecordingCommandRunner.delegatingTo(host.runner());
      HealthReport health =
          new CheckJob(dir.resolve("root/etc/wgmesh"), checked, Clock.systemUTC())
              .check(settings.domain(), HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE);
      assertThat(health.namespace()).isEqualTo("mesh");
      assertThat(health.failures())
          .extracting(HealthReport.Item::name)
          .containsExactly("link.wg2", "link.wg3");
      assertThat(health.failures()).allMatch(i -> i.detail().startsWith("no handshake"));
      assertThat(checked.mutations()).isEmpty();

      // 2. Nothing changed: only queries run.
      RecordingCommandRunner recorder = RecordingCommandRunner.delegatingTo(host.runner());
      DeployResult again =
          service(recorder, settings)
              .deploy(settings, Fixtures.key(1), Fixtures.read(two, settings));
      assertThat(again.unchanged()).isTrue();
      assertThat(recorder.mutations()).isEmpty();
      assertThat(recorder.commands()).isNotEmpty();

      // 3. A change: host 5 joins, host 3 leaves (add before delete).
      MeshView changed =
          Fixtures.view(
              List.of(
                  Fixtures.host(2, "203.0.113.2", "2001:db8:ff::2"),
                  Fixtures.host(5, "203.0.113.5")));
      DeployResult third =
          service.deploy(settings, Fixtures.key(1), Fixtures.read(changed, settings));
      assertThat(third.files()).isNotEmpty();
      assertThat(host.sh("ip", "-n", "mesh", "-br", "link", "show", "wg5")).contains("UP");
      assertThat(host.status("ip", "-n", "mesh", "link", "show", "wg3")).isNotZero();
      assertThat(Files.exists(dir.resolve("root/etc/wireguard/mesh/wg3.conf"))).isFalse();
      assertThat(host.sh("birdc", "-s", socket, "show", "protocols"))
          .contains("wg5")
          .doesNotContain("wg3");
      assertThat(host.sh("iptables", "-t", "nat", "-S")).contains("51822,51825");
      // The addresses of the interface that stayed are untouched by the change.
      assertThat(third.commands())
          .noneMatch(c -> c.argv().containsAll(List.of("wg", "setconf", "wg2")));

      // 4. Failure: an override template that BIRD rejects; the previous state keeps running.
      Path birdConf = dir.resolve("root/etc/bird/wgmesh-mesh.conf");
      String before = Files.readString(birdConf);
      Path overrides = dir.resolve("overrides");
      Files.createDirectories(overrides.resolve("bird"));
      Files.writeString(
          overrides.resolve("bird/bird.conf.ftl"),
          "router id ${self.routerId};\nthis is not a BIRD statement;\n");
      MeshView withFour =
          Fixtures.view(
              List.of(
                  Fixtures.host(2, "203.0.113.2"),
                  Fixtures.host(4, "203.0.113.4"),
                  Fixtures.host(5, "203.0.113.5")));
      EndpointConfig overridden =
          settings.with(b -> b.templateDir = java.util.Optional.of(overrides));
      assertThatThrownBy(
              () ->
                  service.deploy(overridden, Fixtures.key(1), Fixtures.read(withFour, overridden)))
          .isInstanceOf(DeployException.class)
          .hasMessageContaining("bird -p -c")
          .hasMessageContaining("previous configuration keeps running");
      assertThat(Files.readString(birdConf)).isEqualTo(before);
      assertThat(host.status("ip", "-n", "mesh", "link", "show", "wg4")).isNotZero();
      assertThat(host.sh("birdc", "-s", socket, "show", "protocols")).contains("wg2", "wg5");
      assertThat(Files.exists(dir.resolve("root/var/lib/wgmesh/mesh/journal.properties")))
          .isFalse();

      // 5. Failure after the swap: BIRD refuses the reload once (as if the file were bad at run
      // time). Files come back, the new interface goes, BIRD runs the previous config.
      java.util.concurrent.atomic.AtomicBoolean once =
          new java.util.concurrent.atomic.AtomicBoolean(true);
      RecordingCommandRunner failing =
          RecordingCommandRunner.delegatingTo(host.runner())
              .respond(
                  c -> c.argv().contains("configure") && once.getAndSet(false),
                  c ->
                      org.wgmesh.core.exec.CommandResult.success(
                          "bird.conf:1:1 simulated error\n"));
      assertThatThrownBy(
              () ->
                  service(failing, settings)
                      .deploy(settings, Fixtures.key(1), Fixtures.read(withFour, settings)))
          .isInstanceOf(DeployException.class)
          .hasMessageContaining("birdc configure")
          .hasMessageContaining("previous configuration was restored");
      assertThat(failing.mutations())
          .extracting(Command::display)
          .contains(
              "ip netns exec mesh wg setconf wg4 "
                  + dir.resolve("root/etc/wireguard/mesh/wg4.conf"));
      assertThat(Files.readString(birdConf)).isEqualTo(before);
      assertThat(Files.exists(dir.resolve("root/etc/wireguard/mesh/wg4.conf"))).isFalse();
      assertThat(host.status("ip", "-n", "mesh", "link", "show", "wg4")).isNotZero();
      assertThat(host.sh("birdc", "-s", socket, "show", "protocols"))
          .contains("wg2", "wg5")
          .doesNotContain("wg4");
      assertThat(host.sh("iptables", "-t", "nat", "-S")).contains("51822,51825");
      // And the next run applies the change for real.
      service.deploy(settings, Fixtures.key(1), Fixtures.read(withFour, settings));
      assertThat(host.sh("birdc", "-s", socket, "show", "protocols")).contains("wg4");

      // 6. Down: everything goes, lan0 comes back with its address.
      List<Long> daemons = recordedPids(dir.resolve("root/run/wgmesh"));
      assertThat(daemons).hasSize(4); // bird and wireguard-go for wg2, wg4, wg5
      assertThat(daemons).allMatch(DeployServicePrivilegedTest::alive);
      service.down(settings.domain(), RunOverrides.none());
      assertThat(host.sh("ip", "netns", "list")).doesNotContain("mesh");
      assertThat(host.sh("ip", "-br", "addr", "show", "lan0"))
          .contains("198.18.1.1/24")
          .contains("UP");
      assertThat(host.status("ip", "link", "show", "mesh-vh")).isNotZero();
      assertThat(host.status("birdc", "-s", socket, "show", "status")).isNotZero();
      assertThat(host.sh("iptables", "-t", "nat", "-S")).doesNotContain("169.254.0.2");
      assertThat(Files.exists(wgConf)).isFalse();
      assertThat(Files.exists(dir.resolve("root/var/lib/wgmesh/mesh"))).isFalse();
      assertThat(daemons).noneMatch(DeployServicePrivilegedTest::alive);
    }
  }

  /**
   * Issue 20 on a simulated host: every link gets the MTU of its underlay family and a changed site
   * MTU is applied in place by the next deploy (and nothing else); the router's default namespace
   * gets routes to the peers' LANs through the veth, except one an operator's route already covers;
   * the namespace's nft table rewrites the router's source to its LAN address; --down takes the
   * routes away and leaves the operator's.
   */
  @Test
  void mtuAndRouterOnMesh_onSimulatedHost() throws Exception {
    try (HostSandbox host = new HostSandbox(dir)) {
      EndpointConfig settings = settings();
      DeployService service = service(host.runner(), settings);
      host.sh("ip", "route", "add", "198.18.4.0/24", "via", "203.0.113.254");
      List<org.wgmesh.core.model.HostEntry> peers =
          List.of(
              Fixtures.host(2, "203.0.113.2", "2001:db8:ff::2"),
              Fixtures.withLans(Fixtures.host(3, "2001:db8:ff::3"), "fd00:18:3::/64"),
              Fixtures.withLans(Fixtures.host(4, "203.0.113.4"), "198.18.4.0/24"));
      MeshView mesh = Fixtures.view(peers);

      service.deploy(settings, Fixtures.key(1), Fixtures.read(mesh, settings));
      assertThat(host.sh("ip", "-n", "mesh", "link", "show", "wg2")).contains("mtu 1420 ");
      assertThat(host.sh("ip", "-n", "mesh", "link", "show", "wg3")).contains("mtu 1400 ");
      assertThat(host.sh("ip", "-n", "mesh", "link", "show", "wg4")).contains("mtu 1420 ");
      assertThat(host.sh("ip", "-4", "route", "show", "198.18.2.0/24"))
          .contains("via 169.254.0.2 dev mesh-vh");
      assertThat(host.sh("ip", "-6", "route", "show", "fd00:18:2::/64"))
          .contains("via fdff:a9fe::2 dev mesh-vh");
      assertThat(host.sh("ip", "-6", "route", "show", "fd00:18:3::/64"))
          .contains("via fdff:a9fe::2 dev mesh-vh");
      // The operator's route stays as it was: that LAN is left out.
      assertThat(host.sh("ip", "-4", "route", "show", "198.18.4.0/24"))
          .contains("via 203.0.113.254")
          .doesNotContain("mesh-vh");
      assertThat(host.sh("ip", "netns", "exec", "mesh", "nft", "list", "table", "inet", "wgmesh"))
          .contains("iifname \"wg*\" fib saddr . iif oif missing counter packets")
          .contains("oifname \"wg*\" ip saddr 169.254.0.1 counter packets")
          .contains("snat ip to 198.18.1.1")
          .contains("oifname \"wg*\" ip6 saddr fdff:a9fe::1 counter packets")
          .contains("snat ip6 to fd00:18:1::1");

      // Nothing changed: only queries run.
      RecordingCommandRunner recorder = RecordingCommandRunner.delegatingTo(host.runner());
      assertThat(
              service(recorder, settings)
                  .deploy(settings, Fixtures.key(1), Fixtures.read(mesh, settings))
                  .unchanged())
          .isTrue();
      assertThat(recorder.mutations()).isEmpty();

      // The site sets MTU 1380: set in place on every link, nothing else runs.
      MeshView mtu1380 =
          new MeshView(
              mesh.settings()
                  .withLinks(
                      org.wgmesh.core.model.LinkSettings.DEFAULT.withMtu(
                          java.util.OptionalInt.of(1380))),
              mesh.serial() + 1,
              mesh.issued(),
              mesh.expires(),
              mesh.siteSigningKey(),
              mesh.siteBoxKey(),
              mesh.self(),
              mesh.peers());
      RecordingCommandRunner changing = RecordingCommandRunner.delegatingTo(host.runner());
      service(changing, settings)
          .deploy(settings, Fixtures.key(1), Fixtures.read(mtu1380, settings));
      assertThat(changing.mutations())
          .extracting(Command::display)
          .filteredOn(c -> c.startsWith("ip "))
          .containsExactly(
              "ip -n mesh link set dev wg2 mtu 1380",
              "ip -n mesh link set dev wg3 mtu 1380",
              "ip -n mesh link set dev wg4 mtu 1380");
      for (String wg : List.of("wg2", "wg3", "wg4")) {
        assertThat(host.sh("ip", "-n", "mesh", "link", "show", wg)).contains("mtu 1380 ");
      }

      // Down: the routes through the veth go with it; the operator's route stays.
      service.down(settings.domain(), RunOverrides.none());
      assertThat(host.sh("ip", "-4", "route", "show", "198.18.2.0/24")).isBlank();
      assertThat(host.sh("ip", "-6", "route", "show", "fd00:18:2::/64")).isBlank();
      assertThat(host.sh("ip", "-4", "route", "show", "198.18.4.0/24"))
          .contains("via 203.0.113.254");
    }
  }

  /** Host 1 in namespace {@code mesh} with wireguard-go, every root below the temp dir. */
  private EndpointConfig settings() {
    return Fixtures.withBackend(
        Fixtures.inNamespace(Fixtures.endpoint(dir.resolve("root")), "mesh"),
        WireGuardBackendChoice.USERSPACE);
  }

  private DeployService service(
      org.wgmesh.core.exec.CommandRunner runner, EndpointConfig settings) {
    return HostSandbox.service(dir.resolve("root/etc/wgmesh"), runner, settings);
  }

  /** Whether a process exists and is not a zombie (PID 1 may reap late). */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** PIDs recorded in the run root's PID files (bird and wireguard-go started by wgdeploy). */
  private static List<Long> recordedPids(Path run) throws java.io.IOException {
    try (var files = Files.list(run)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".pid"))
          .map(
              f -> {
                try {
                  return Long.parseLong(Files.readString(f).strip());
                } catch (java.io.IOException | NumberFormatException e) {
                  return -1L;
                }
              })
          .filter(pid -> pid > 0)
          .toList();
    }
  }
}
