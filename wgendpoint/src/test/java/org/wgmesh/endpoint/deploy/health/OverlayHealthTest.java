package org.wgmesh.endpoint.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wgmesh.endpoint.deploy.health.HealthJudgeTableTest.ACCEPTED;
import static org.wgmesh.endpoint.deploy.health.HealthJudgeTableTest.LAYOUT;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.host.Vxlan;
import org.wgmesh.endpoint.deploy.state.Manifest;

/**
 * {@code wgdeploy --check} with the VXLAN overlay (issue 25): the device as the last deploy left it
 * is healthy; a device gone, down, with another id or MTU, a lost or unplanned replication entry, a
 * missing address or guard table each fail, naming what differs. The overlay in the manifest
 * survives its file.
 */
class OverlayHealthTest {
  static final String LOCAL = "fd12:3456:789a:0:1::1";
  static final String ROW = "fd12:3456:789a:0:1::/80";
  static final List<String> REMOTES = List.of("fd12:3456:789a:0:1::2", "fd12:3456:789a:0:1::3");
  static final String GUARD = guardListing(4789);

  static final Manifest WITH_OVERLAY =
      HealthJudgeTableTest.deployed(
          p -> {
            p.setProperty("overlay.device", "vxmesh");
            p.setProperty("overlay.vni", "4242");
            p.setProperty("overlay.port", "4789");
            p.setProperty("overlay.local", LOCAL);
            p.setProperty("overlay.mesh-row", ROW);
            p.setProperty("overlay.mtu", "1330");
            p.setProperty("overlay.addresses", "10.200.0.1/24,fd00:200::1/64");
            p.setProperty("overlay.remotes", String.join(",", REMOTES));
          });

  /** What nft lists of the guard table the deploy writes for {@code port}. */
  static String guardListing(int port) {
    return "table inet wgmesh_overlay {\n\tchain input {\n\t\tiifname \"wg*\" ip6 saddr "
        + ROW
        + " ip6 daddr "
        + LOCAL
        + " udp dport "
        + port
        + " accept\n\t\tudp dport "
        + port
        + " counter packets 0 bytes 0 drop\n\t}\n}\n";
  }

  /** The healthy host with the overlay device as deployed, then {@code change}d. */
  static Probed host(Consumer<Probed.Builder> change) {
    return HealthJudgeTableTest.healthy(
        (Consumer<Probed.Builder>)
            b -> {
              Map<String, LinkInfo> links = new HashMap<>(b.links);
              links.put(
                  "vxmesh",
                  new LinkInfo("vxmesh", true, Set.of("10.200.0.1/24", "fd00:200::1/64"), 1330));
              b.links = links;
              b.overlay =
                  Optional.of(new Vxlan.Device(4242, 4789, LOCAL, Set.copyOf(REMOTES), GUARD));
              change.accept(b);
            });
  }

  static HealthReport judge(Probed host) {
    return HealthJudge.judge(LAYOUT, WITH_OVERLAY, host, ACCEPTED, Duration.ofSeconds(180));
  }

  static List<String> failed(Probed host) {
    HealthReport r = judge(host);
    assertThat(r.healthy()).as(String.join("\n", r.lines(false))).isFalse();
    return r.lines(true);
  }

  @Test
  void overlayAsDeployed_isHealthy_andSaysWhatItIs() {
    HealthReport r = judge(host(b -> {}));
    assertThat(r.healthy()).as(String.join("\n", r.lines(false))).isTrue();
    assertThat(r.lines(false))
        .contains(
            "ok   overlay vxmesh: up, VXLAN 4242 port 4789, MTU 1330, replicating to 2 peers");
  }

  @Test
  void deviceGone_orDown_fails() {
    assertThat(failed(host(b -> b.overlay = Optional.empty())))
        .containsExactly("FAIL overlay vxmesh: device missing");
    assertThat(
            failed(
                host(
                    b ->
                        b.links.put(
                            "vxmesh",
                            new LinkInfo(
                                "vxmesh",
                                false,
                                Set.of("10.200.0.1/24", "fd00:200::1/64"),
                                1330)))))
        .containsExactly("FAIL overlay vxmesh: down");
  }

  @Test
  void replicationEntries_lostOrUnplanned_areNamed() {
    Probed lost =
        host(
            b ->
                b.overlay =
                    Optional.of(
                        new Vxlan.Device(
                            4242, 4789, LOCAL, Set.of("fd12:3456:789a:0:1::2", "fd99::7"), GUARD)));
    assertThat(failed(lost))
        .containsExactly(
            "FAIL overlay vxmesh: no replication to fd12:3456:789a:0:1::3, replicates to"
                + " unplanned fd99::7");
  }

  @Test
  void otherIdMtuAddressOrGuard_areNamed() {
    Probed other =
        host(
            b -> {
              b.overlay = Optional.of(new Vxlan.Device(4243, 4789, LOCAL, Set.copyOf(REMOTES), ""));
              b.links.put("vxmesh", new LinkInfo("vxmesh", true, Set.of("10.200.0.1/24"), 1500));
            });
    assertThat(failed(other))
        .containsExactly(
            "FAIL overlay vxmesh: VXLAN 4243 port 4789 from "
                + LOCAL
                + ", planned 4242 port 4789 from "
                + LOCAL
                + ", MTU 1500, planned 1330, address fd00:200::1/64 missing, guard table inet"
                + " wgmesh_overlay missing or changed");
    // The guard of another port is not this overlay's.
    assertThat(
            failed(
                host(
                    b ->
                        b.overlay =
                            Optional.of(
                                new Vxlan.Device(
                                    4242, 4789, LOCAL, Set.copyOf(REMOTES), guardListing(8472))))))
        .containsExactly("FAIL overlay vxmesh: guard table inet wgmesh_overlay missing or changed");
  }

  @Test
  void withoutOverlay_noLine_andTheManifestKeepsItsOverlay() {
    HealthReport none =
        HealthJudge.judge(
            LAYOUT,
            HealthJudgeTableTest.DEPLOYED,
            HealthJudgeTableTest.healthy(),
            ACCEPTED,
            Duration.ofSeconds(180));
    assertThat(none.lines(false)).noneMatch(l -> l.contains("overlay"));
    assertThat(Manifest.fromProperties(WITH_OVERLAY.toProperties())).isEqualTo(WITH_OVERLAY);
    assertThat(WITH_OVERLAY.overlay().orElseThrow().remotes()).isEqualTo(REMOTES);
    assertThat(HealthJudgeTableTest.DEPLOYED.overlay()).isEmpty();
  }
}
