package org.wgmesh.endpoint.deploy.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.Fixtures;
import org.wgmesh.endpoint.deploy.plan.OverlayPlan;

/**
 * The VXLAN overlay's steps (issue 25): made on a deployed host, nothing on the host its deploy
 * leaves, the fdb kept in step with joins and removals, removed with the option, undone on failure.
 */
class OverlayStepsTest {
  static final VxlanOverlay OVERLAY =
      new VxlanOverlay(
          4242,
          4789,
          Optional.of(IpPrefix.parse("198.51.100.0/24", "t")),
          Addressing.overlayNetwork6(Fixtures.view().settings().tunnelPrefix()));

  static MeshView withOverlay(MeshView v, Optional<VxlanOverlay> o) {
    return new MeshView(
        v.settings().withOverlay(o),
        v.serial(),
        v.issued(),
        v.expires(),
        v.siteSigningKey(),
        v.siteBoxKey(),
        v.self(),
        v.peers(),
        v.clients());
  }

  static Desired overlaid(MeshView v) {
    return HostStates.desired(withOverlay(v, Optional.of(OVERLAY)));
  }

  private static List<String> labels(DeploySteps.Plan p) {
    return p.steps().stream().map(Step::label).toList();
  }

  private static List<String> commands(DeploySteps.Plan p, String label) {
    return p.steps().stream()
        .filter(s -> s.label().equals(label))
        .flatMap(s -> s.apply().stream())
        .map(e -> e instanceof Effect.Run r ? r.command().display() : e.toString())
        .toList();
  }

  private static List<String> undo(DeploySteps.Plan p, String label) {
    return p.steps().stream()
        .filter(s -> s.label().equals(label))
        .flatMap(s -> s.undo().stream())
        .map(e -> e instanceof Effect.Run r ? r.command().display() : e.toString())
        .toList();
  }

  @Test
  void plan_overlay_hasTheMeshAddressEveryPeerAndTheMtuOfTheDocs() {
    OverlayPlan o = overlaid(Fixtures.view()).plan().overlay().orElseThrow();
    assertThat(o.device()).isEqualTo("vxmesh");
    assertThat(o.local()).hasToString("fd12:3456:789a:0:1::1");
    assertThat(o.meshRow()).hasToString("fd12:3456:789a:0:1::/80");
    // Every peer, also host 5, which has no endpoint (it dials in).
    assertThat(o.remotes())
        .extracting(Object::toString)
        .containsExactly("fd12:3456:789a:0:1::2", "fd12:3456:789a:0:1::3", "fd12:3456:789a:0:1::5");
    assertThat(o.addresses())
        .extracting(Object::toString)
        .containsExactly("198.51.100.1/24", "fd12:3456:789a:0:3::1/80");
    // The site sets no MTU: 1400 (the IPv6-underlay default) - 70 = 1330.
    assertThat(o.mtu()).isEqualTo(1330);
    assertThat(HostStates.d0().plan().overlay()).isEmpty();
  }

  @Test
  void deployedHostWithoutOverlay_turningItOn_createsTheDeviceOnlyAndItsUndoRemovesIt() {
    Desired d = overlaid(Fixtures.view());
    LiveState before = HostStates.deployed(HostStates.d0());
    DeploySteps.Plan p = DeploySteps.plan(d, before);
    String create = "create overlay vxmesh (VXLAN 4242, port 4789)";
    // The manifest records the overlay (for --check): it is written again.
    assertThat(labels(p)).containsExactly(create, "record the deploy");
    List<String> cmds = commands(p, create);
    assertThat(cmds)
        .startsWith(
            "ip -n lab link add vxmesh type vxlan id 4242 local fd12:3456:789a:0:1::1 dstport 4789"
                + " nolearning",
            "ip -n lab link set dev vxmesh mtu 1330",
            "bridge -n lab fdb append 00:00:00:00:00:00 dev vxmesh dst fd12:3456:789a:0:1::2",
            "bridge -n lab fdb append 00:00:00:00:00:00 dev vxmesh dst fd12:3456:789a:0:1::3",
            "bridge -n lab fdb append 00:00:00:00:00:00 dev vxmesh dst fd12:3456:789a:0:1::5",
            "ip -n lab addr add 198.51.100.1/24 dev vxmesh",
            "ip -n lab addr add fd12:3456:789a:0:3::1/80 dev vxmesh nodad",
            "ip -n lab link set vxmesh up");
    assertThat(cmds.get(cmds.size() - 1))
        .startsWith("ip netns exec lab nft")
        .contains(
            "iifname \"wg*\" ip6 saddr fd12:3456:789a:0:1::/80 ip6 daddr fd12:3456:789a:0:1::1"
                + " udp dport 4789 accept",
            "udp dport 4789 counter drop");
    assertThat(undo(p, create))
        .containsExactly(
            "ip -n lab link del vxmesh", "ip netns exec lab nft delete table inet wgmesh_overlay");
  }

  @Test
  void hostTheDeployLeaves_hasNoSteps() {
    Desired d = overlaid(Fixtures.view());
    assertThat(DeploySteps.plan(d, HostStates.deployed(d)).steps()).isEmpty();
  }

  @Test
  void peerLeaves_removesOnlyItsFdbEntry_andAJoinAddsOne() {
    Desired all = overlaid(Fixtures.view());
    LiveState live = HostStates.deployed(all);
    MeshView without3 =
        Fixtures.view(List.of(Fixtures.view().peers().get(0), Fixtures.view().peers().get(2)));
    DeploySteps.Plan p = DeploySteps.plan(overlaid(without3), live);
    String fdb = "overlay vxmesh fdb: +0 -1";
    assertThat(labels(p))
        .contains(fdb)
        .doesNotContain("create overlay vxmesh (VXLAN 4242, port 4789)");
    assertThat(commands(p, fdb))
        .containsExactly(
            "bridge -n lab fdb del 00:00:00:00:00:00 dev vxmesh dst fd12:3456:789a:0:1::3");
    assertThat(undo(p, fdb))
        .containsExactly(
            "bridge -n lab fdb append 00:00:00:00:00:00 dev vxmesh dst fd12:3456:789a:0:1::3");
    // Back: host 3 joins again.
    DeploySteps.Plan back = DeploySteps.plan(all, HostStates.deployed(overlaid(without3)));
    assertThat(commands(back, "overlay vxmesh fdb: +1 -0"))
        .containsExactly(
            "bridge -n lab fdb append 00:00:00:00:00:00 dev vxmesh dst fd12:3456:789a:0:1::3");
  }

  @Test
  void optionRemoved_removesTheDeviceAndItsGuard_undoMakesItAgain() {
    LiveState live = HostStates.deployed(overlaid(Fixtures.view()));
    DeploySteps.Plan p = DeploySteps.plan(HostStates.d0(), live);
    assertThat(labels(p)).containsExactly("remove overlay vxmesh", "record the deploy");
    assertThat(commands(p, "remove overlay vxmesh"))
        .containsExactly(
            "ip netns exec lab nft delete table inet wgmesh_overlay", "ip -n lab link del vxmesh");
    assertThat(undo(p, "remove overlay vxmesh"))
        .startsWith(
            "ip -n lab link add vxmesh type vxlan id 4242 local fd12:3456:789a:0:1::1 dstport 4789"
                + " nolearning",
            "ip -n lab link set dev vxmesh mtu 1330")
        .contains(
            "bridge -n lab fdb append 00:00:00:00:00:00 dev vxmesh dst fd12:3456:789a:0:1::5",
            "ip -n lab addr add 198.51.100.1/24 dev vxmesh");
  }

  @Test
  void otherVni_makesTheDeviceAgain() {
    LiveState live = HostStates.deployed(overlaid(Fixtures.view()));
    MeshView other =
        withOverlay(
            Fixtures.view(),
            Optional.of(new VxlanOverlay(7, 4789, Optional.empty(), OVERLAY.ipv6())));
    DeploySteps.Plan p = DeploySteps.plan(HostStates.desired(other), live);
    String create = "create overlay vxmesh (VXLAN 7, port 4789)";
    // The manifest records the overlay (for --check): it is written again.
    assertThat(labels(p)).containsExactly(create, "record the deploy");
    assertThat(commands(p, create))
        .startsWith(
            "ip -n lab link del vxmesh",
            "ip -n lab link add vxmesh type vxlan id 7 local fd12:3456:789a:0:1::1 dstport 4789"
                + " nolearning")
        .doesNotContain("ip -n lab addr add 198.51.100.1/24 dev vxmesh");
  }

  @Test
  void meshAddress_onLoopback_staleOneRemoved() {
    Desired d = HostStates.d0();
    assertThat(DeploySteps.plan(d, HostStates.fresh()).steps())
        .extracting(Step::label)
        .contains("mesh address fd12:3456:789a:0:1::1/128 on lo in lab");
    assertThat(
            commands(
                DeploySteps.plan(d, HostStates.fresh()),
                "mesh address fd12:3456:789a:0:1::1/128 on lo in lab"))
        .containsExactly("ip -n lab addr add fd12:3456:789a:0:1::1/128 dev lo nodad");
  }
}
