package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.testing.RecordingCommandRunner;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * Issue 25 on a simulated host ({@link HostSandbox}, real wireguard-go, BIRD, Shorewall, ip and
 * bridge): the mesh address on lo, the VXLAN device with its fdb, addresses, MTU and guard; a no-op
 * redeploy runs only queries (the probe reads back what the steps made); a peer that leaves loses
 * its fdb entry; the option removed removes the device; --down leaves nothing.
 */
@Tag("privileged")
@EnabledIfSystemProperty(named = "wgmesh.privileged", matches = "true")
class OverlayPrivilegedTest {
  @TempDir Path dir;

  private static MeshView overlaid(MeshView v, Optional<VxlanOverlay> o, long serial) {
    return new MeshView(
        v.settings().withOverlay(o),
        serial,
        v.issued(),
        v.expires(),
        v.siteSigningKey(),
        v.siteBoxKey(),
        v.self(),
        v.peers(),
        v.clients());
  }

  @Test
  void meshAddressAndOverlay_onSimulatedHost() throws Exception {
    try (HostSandbox host = new HostSandbox(dir)) {
      EndpointConfig settings =
          Fixtures.withBackend(
              Fixtures.inNamespace(Fixtures.endpoint(dir.resolve("root")), "mesh"),
              WireGuardBackendChoice.USERSPACE);
      List<HostEntry> peers =
          List.of(
              Fixtures.host(2, "203.0.113.2", "2001:db8:ff::2"),
              Fixtures.host(3, "203.0.113.3", "2001:db8:ff::3"));
      MeshView base = Fixtures.view(peers);
      IpPrefix tunnel = base.settings().tunnelPrefix();
      VxlanOverlay overlay =
          new VxlanOverlay(
              4242,
              4789,
              Optional.of(IpPrefix.parse("198.51.100.0/24", "t")),
              Addressing.overlayNetwork6(tunnel));
      MeshView on = overlaid(base, Optional.of(overlay), base.serial());

      service(host.runner(), settings)
          .deploy(settings, Fixtures.key(1), Fixtures.read(on, settings));
      assertThat(host.sh("ip", "-n", "mesh", "-6", "addr", "show", "dev", "lo"))
          .contains("inet6 fd12:3456:789a:0:1::1/128");
      assertThat(host.sh("ip", "-n", "mesh", "-d", "link", "show", "vxmesh"))
          .contains("mtu 1330 ")
          .contains("vxlan id 4242 local fd12:3456:789a:0:1::1 ")
          .contains("dstport 4789")
          .contains("nolearning");
      assertThat(host.sh("bridge", "-n", "mesh", "fdb", "show", "dev", "vxmesh"))
          .contains("00:00:00:00:00:00 dst fd12:3456:789a:0:1::2 ")
          .contains("00:00:00:00:00:00 dst fd12:3456:789a:0:1::3 ");
      assertThat(host.sh("ip", "-n", "mesh", "addr", "show", "dev", "vxmesh"))
          .contains("inet 198.51.100.1/24")
          .contains("inet6 fd12:3456:789a:0:3::1/80");
      assertThat(
              host.sh(
                  "ip", "netns", "exec", "mesh", "nft", "list", "table", "inet", "wgmesh_overlay"))
          .contains(
              "iifname \"wg*\" ip6 saddr fd12:3456:789a:0:1::/80 ip6 daddr fd12:3456:789a:0:1::1"
                  + " udp dport 4789 accept")
          .contains("udp dport 4789 counter packets");
      assertThat(host.sh("ip", "-n", "mesh", "-6", "route", "show", "fd12:3456:789a:0:1::/80"))
          .contains("unreachable");

      // Nothing changed: only queries run.
      RecordingCommandRunner recorder = RecordingCommandRunner.delegatingTo(host.runner());
      assertThat(
              service(recorder, settings)
                  .deploy(settings, Fixtures.key(1), Fixtures.read(on, settings))
                  .unchanged())
          .isTrue();
      assertThat(recorder.mutations()).isEmpty();

      // Peer 3 leaves: its fdb entry goes, the device stays.
      MeshView without3 =
          overlaid(Fixtures.view(List.of(peers.get(0))), Optional.of(overlay), base.serial() + 1);
      RecordingCommandRunner leaving = RecordingCommandRunner.delegatingTo(host.runner());
      service(leaving, settings)
          .deploy(settings, Fixtures.key(1), Fixtures.read(without3, settings));
      assertThat(leaving.mutations())
          .extracting(Command::display)
          .contains("bridge -n mesh fdb del 00:00:00:00:00:00 dev vxmesh dst fd12:3456:789a:0:1::3")
          .noneMatch(c -> c.contains("link add vxmesh"));
      assertThat(host.sh("bridge", "-n", "mesh", "fdb", "show", "dev", "vxmesh"))
          .contains("dst fd12:3456:789a:0:1::2 ")
          .doesNotContain("fd12:3456:789a:0:1::3");

      // The option removed: the device and its guard go; the mesh address stays.
      MeshView off =
          overlaid(Fixtures.view(List.of(peers.get(0))), Optional.empty(), base.serial() + 2);
      service(host.runner(), settings)
          .deploy(settings, Fixtures.key(1), Fixtures.read(off, settings));
      assertThat(host.status("ip", "-n", "mesh", "link", "show", "vxmesh")).isNotZero();
      assertThat(
              host.status(
                  "ip", "netns", "exec", "mesh", "nft", "list", "table", "inet", "wgmesh_overlay"))
          .isNotZero();
      assertThat(host.sh("ip", "-n", "mesh", "-6", "addr", "show", "dev", "lo"))
          .contains("fd12:3456:789a:0:1::1/128");

      service(host.runner(), settings).down(settings.domain(), RunOverrides.none());
      assertThat(host.sh("ip", "netns", "list")).doesNotContain("mesh");
    }
  }

  private DeployService service(CommandRunner runner, EndpointConfig settings) {
    return HostSandbox.service(dir.resolve("root/etc/wgmesh"), runner, settings);
  }
}
