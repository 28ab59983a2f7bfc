package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.ProcessCommandRunner;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshLinks;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.OverlayPlan;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.plan.WireGuardLink;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;
import org.wgmesh.endpoint.settings.Roots;

/**
 * Planner tables per policy and what the BIRD config of a hub and of a spoke says. The mesh: hubs 1
 * and 2 (public), spoke 3 (public), spoke 4 (behind NAT), spokes 5 and 6 behind NAT sharing the LAN
 * 192.168.77.0/24.
 */
class TopologyPlanTest {
  static final Path ROOT = Path.of("/srv/h1");
  static final Topology HUBS = Topology.HubAndSpoke.of(List.of(1, 2));

  static List<HostEntry> hosts() {
    return List.of(
        Fixtures.host(1, "203.0.113.1"),
        Fixtures.host(2, "203.0.113.2"),
        Fixtures.host(3, "203.0.113.3"),
        Fixtures.host(4),
        shared(Fixtures.host(5), "192.168.77.5/24"),
        shared(Fixtures.host(6), "192.168.77.6/24"));
  }

  static HostEntry shared(HostEntry h, String lan) {
    return h.withSharedLans(List.of(IpPrefix.parseInterface(lan, "t")));
  }

  /** Host {@code self}'s view of {@link #hosts()} under {@code topology}. */
  static MeshView view(Topology topology, int self, List<HostEntry> hosts) {
    MeshSettings s = Fixtures.settings();
    MeshView f = Fixtures.view();
    List<HostEntry> peers = new ArrayList<>(hosts);
    HostEntry me = peers.stream().filter(h -> h.number() == self).findFirst().orElseThrow();
    peers.remove(me);
    return new MeshView(
        new MeshSettings(
            s.domain(),
            s.locus(),
            s.tunnelPrefix(),
            s.portbase(),
            s.allowedLanPrefixes(),
            topology),
        f.serial(),
        f.issued(),
        f.expires(),
        f.siteSigningKey(),
        f.siteBoxKey(),
        me,
        peers);
  }

  static DeployPlan plan(Topology topology, int self) {
    return Planner.plan(view(topology, self, hosts()), Fixtures.endpoint(ROOT));
  }

  /** interface -> "listen port, endpoint, keepalive, transit" */
  static Map<String, String> table(DeployPlan p) {
    Map<String, String> out = new LinkedHashMap<>();
    for (WireGuardLink l : p.links()) {
      out.put(
          l.interfaceName(),
          l.listenPort()
              + " "
              + l.endpoint().orElse("-")
              + " "
              + l.persistentKeepalive()
              + (l.peerTransit() ? " transit" : ""));
    }
    return out;
  }

  @Test
  void plan_hub_linksToOtherHubAndEverySpoke() {
    DeployPlan p = plan(HUBS, 1);
    assertThat(p.transit()).isTrue();
    assertThat(table(p))
        .containsExactly(
            Map.entry("wg2", "51822 203.0.113.2:51821 25 transit"),
            Map.entry("wg3", "51823 203.0.113.3:51821 25"),
            Map.entry("wg4", "51824 - 25"),
            Map.entry("wg5", "51825 - 25"),
            Map.entry("wg6", "51826 - 25"));
    // BGP accepts routes of every host, linked or not.
    assertThat(p.peerLans()).extracting(o -> o.number()).containsExactly(2, 3, 4, 5, 6);
  }

  /**
   * Issue 25: a spoke's overlay replicates to every host, also the spokes it has no link to (their
   * mesh addresses are routed through a hub), and its MTU is the site's, not its own links'.
   */
  @Test
  void plan_spokeOverlay_replicatesToEveryHost_linkedOrNot() {
    MeshView v = view(HUBS, 3, hosts());
    VxlanOverlay o =
        new VxlanOverlay(
            9, 4789, Optional.empty(), Addressing.overlayNetwork6(v.settings().tunnelPrefix()));
    MeshView on =
        new MeshView(
            v.settings().withOverlay(Optional.of(o)),
            v.serial(),
            v.issued(),
            v.expires(),
            v.siteSigningKey(),
            v.siteBoxKey(),
            v.self(),
            v.peers());
    DeployPlan p = Planner.plan(on, Fixtures.endpoint(ROOT));
    assertThat(table(p)).containsOnlyKeys("wg1", "wg2");
    OverlayPlan overlay = p.overlay().orElseThrow();
    assertThat(overlay.remotes())
        .extracting(Object::toString)
        .containsExactly(
            "fd12:3456:789a:0:1::1",
            "fd12:3456:789a:0:1::2",
            "fd12:3456:789a:0:1::4",
            "fd12:3456:789a:0:1::5",
            "fd12:3456:789a:0:1::6");
    assertThat(overlay.local()).hasToString("fd12:3456:789a:0:1::3");
    assertThat(overlay.addresses())
        .extracting(Object::toString)
        .containsExactly("fd12:3456:789a:0:3::3/80");
    assertThat(overlay.mtu()).isEqualTo(1330);
    // The site's MTU 1380 gives 1310 on every host, whatever the underlay of its links.
    MeshView mtu =
        new MeshView(
            on.settings().withLinks(LinkSettings.DEFAULT.withMtu(OptionalInt.of(1380))),
            v.serial(),
            v.issued(),
            v.expires(),
            v.siteSigningKey(),
            v.siteBoxKey(),
            v.self(),
            v.peers());
    assertThat(Planner.plan(mtu, Fixtures.endpoint(ROOT)).overlay().orElseThrow().mtu())
        .isEqualTo(1310);
  }

  @Test
  void plan_spokes_linkToTheHubs_andSharedLanDirectly() {
    assertThat(plan(HUBS, 3).transit()).isFalse();
    assertThat(table(plan(HUBS, 3)))
        .containsExactly(
            Map.entry("wg1", "51821 203.0.113.1:51823 25 transit"),
            Map.entry("wg2", "51822 203.0.113.2:51823 25 transit"));
    assertThat(table(plan(HUBS, 4)))
        .containsExactly(
            Map.entry("wg1", "51821 203.0.113.1:51824 25 transit"),
            Map.entry("wg2", "51822 203.0.113.2:51824 25 transit"));
    assertThat(table(plan(HUBS, 5)))
        .containsExactly(
            Map.entry("wg1", "51821 203.0.113.1:51825 25 transit"),
            Map.entry("wg2", "51822 203.0.113.2:51825 25 transit"),
            Map.entry("wg6", "51826 192.168.77.6:51825 25"));
    assertThat(table(plan(HUBS, 6))).containsEntry("wg5", "51825 192.168.77.5:51826 25").hasSize(3);
  }

  @Test
  void plan_fullMesh_natHostsLinkOnlyToPublicOnes_portsAsBefore() {
    assertThat(table(plan(Topology.FULL_MESH, 1)))
        .containsExactly(
            Map.entry("wg2", "51822 203.0.113.2:51821 25 transit"),
            Map.entry("wg3", "51823 203.0.113.3:51821 25 transit"),
            Map.entry("wg4", "51824 - 25 transit"),
            Map.entry("wg5", "51825 - 25 transit"),
            Map.entry("wg6", "51826 - 25 transit"));
    assertThat(table(plan(Topology.FULL_MESH, 4)))
        .containsExactly(
            Map.entry("wg1", "51821 203.0.113.1:51824 25 transit"),
            Map.entry("wg2", "51822 203.0.113.2:51824 25 transit"),
            Map.entry("wg3", "51823 203.0.113.3:51824 25 transit"));
    assertThat(table(plan(Topology.FULL_MESH, 5))).containsKeys("wg1", "wg2", "wg3", "wg6");
  }

  /** {@link #hosts()} with 4 and a new host 7 behind NATs that keep ports, seen where given. */
  static List<HostEntry> observedHosts() {
    List<HostEntry> all = new ArrayList<>(hosts());
    all.set(3, all.get(3).withObserved(seen("198.51.100.4")));
    all.add(Fixtures.host(7).withObserved(seen("198.51.100.7")));
    return all;
  }

  static Observed seen(String address) {
    return new Observed(IpAddress.parse(address, "t"), true);
  }

  @Test
  void plan_natHostsObservedWithPortsKept_linkToEachOther_overTheObservedAddress() {
    List<HostEntry> all = observedHosts();
    for (Topology t : List.of(HUBS, Topology.FULL_MESH)) {
      DeployPlan four = Planner.plan(view(t, 4, all), Fixtures.endpoint(ROOT));
      DeployPlan seven = Planner.plan(view(t, 7, all), Fixtures.endpoint(ROOT));
      // Both send first, to the other's mapping at the port its interface towards them uses, and
      // keep it open with the keepalive every link has.
      String transit = t.isTransit(7) ? " transit" : ""; // every host of a full mesh, no spoke
      assertThat(table(four))
          .as("%s", t)
          .containsEntry("wg7", "51827 198.51.100.7:51824 25" + transit);
      assertThat(table(seven))
          .as("%s", t)
          .containsEntry("wg4", "51824 198.51.100.4:51827 25" + transit);
      assertThat(four.link("wg7").orElseThrow().via()).isEqualTo(MeshLinks.Via.OBSERVED);
      assertThat(four.link("wg7").orElseThrow().v6Underlay()).isFalse();
      assertThat(four.sharedLanPeers()).isEmpty();
      // Host 6 is not observed: no link between 4 and 6, as before.
      assertThat(table(four)).as("%s", t).doesNotContainKey("wg6");
    }
    // The hub sends to where the hosts behind NAT are seen, at the port it derives anyway.
    assertThat(table(Planner.plan(view(HUBS, 1, all), Fixtures.endpoint(ROOT))))
        .containsEntry("wg4", "51824 198.51.100.4:51821 25")
        .containsEntry("wg6", "51826 - 25");
    // The WireGuard config of the link is the usual one, with the endpoint.
    DeployPlan four = Planner.plan(view(HUBS, 4, all), Fixtures.endpoint(ROOT));
    String conf =
        new TemplateRenderer(Optional.empty())
            .render(four, Fixtures.key(4)).stream()
                .filter(f -> f.component() == Component.WIREGUARD)
                .filter(f -> f.path().getFileName().toString().equals("wg7.conf"))
                .findFirst()
                .orElseThrow()
                .content();
    assertThat(conf)
        .contains("Endpoint = 198.51.100.7:51824\n")
        .contains("PersistentKeepalive = 25");
  }

  @Test
  void plan_natHostWithNoPublicPeer_isConfigError() {
    List<HostEntry> nat = List.of(Fixtures.host(1), Fixtures.host(2));
    assertThatThrownBy(
            () -> Planner.plan(view(Topology.FULL_MESH, 1, nat), Fixtures.endpoint(ROOT)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no host of the mesh has a public address");
  }

  @Test
  void plan_hubNotAMember_isConfigError() {
    assertThatThrownBy(
            () ->
                Planner.plan(
                    view(Topology.HubAndSpoke.of(List.of(1, 9)), 1, hosts()),
                    Fixtures.endpoint(ROOT)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hub 9 is not a host of the mesh");
  }

  static String bird(DeployPlan p) {
    return new TemplateRenderer(Optional.empty())
        .render(p, Fixtures.key(p.selfNumber())).stream()
            .filter(f -> f.component() == Component.BIRD)
            .findFirst()
            .orElseThrow()
            .content();
  }

  @Test
  void render_hub_relaysLearnedRoutes_acceptsOnlyOwnLansFromSpokes() {
    String conf = bird(plan(HUBS, 1));
    assertThat(conf)
        .contains(
            "filter mesh_v4_out { if net.len > 0 && (mesh_own_v4() || mesh_origin_v4()) then"
                + " accept; reject; }")
        .contains(
            "filter mesh_v4_in_own { if net.len > 0 && bgp_path.len = 1 && mesh_origin_v4() then"
                + " accept; reject; }");
    assertThat(section(conf, "wg2")).doesNotContain("mesh_v4_in_own");
    assertThat(section(conf, "wg3"))
        .contains("ipv4 { import filter mesh_v4_in_own; };")
        .contains("ipv6 { import filter mesh_v6_in_own; };");
  }

  @Test
  void render_spoke_exportsOnlyItsOwnLans() {
    String conf = bird(plan(HUBS, 5));
    assertThat(conf)
        .contains("filter mesh_v4_out { if net.len > 0 && mesh_own_v4() then accept; reject; }")
        .contains("filter mesh_v6_out { if net.len > 0 && mesh_own_v6() then accept; reject; }")
        .doesNotContain("mesh_own_v4() || mesh_origin_v4()");
    assertThat(section(conf, "wg1")).doesNotContain("import filter");
    assertThat(section(conf, "wg6"))
        .contains("description \"host6 (shared LAN)\";")
        .contains("ipv4 { import filter mesh_v4_in_own; };");
    // Nothing sets a preference or prepends: the direct path wins by AS path length alone.
    assertThat(conf)
        .doesNotContain("local pref")
        .doesNotContain("prepend")
        .doesNotContain("bgp_local_pref");
  }

  @Test
  void render_fullMesh_hasNoSpokeFilters() {
    String conf = bird(plan(Topology.FULL_MESH, 1));
    assertThat(conf).doesNotContain("mesh_v4_in_own").doesNotContain("Not transit");
  }

  private static String section(String conf, String iface) {
    int a = conf.indexOf("protocol bgp " + iface + " ");
    return conf.substring(a, conf.indexOf("}\n", a));
  }

  @Test
  @EnabledIf("org.wgmesh.endpoint.deploy.TemplateRendererTest#toolsPresent")
  void render_hubAndSpoke_passesBirdParse(@TempDir Path dir) throws IOException {
    for (int self : List.of(1, 3, 5)) {
      Path root = Files.createTempDirectory(dir, "h");
      DeployPlan p = Planner.plan(view(HUBS, self, hosts()), Fixtures.endpoint(root));
      RenderedFile conf =
          new TemplateRenderer(Optional.empty())
              .render(p, Fixtures.key(self)).stream()
                  .filter(r -> r.component() == Component.BIRD)
                  .findFirst()
                  .orElseThrow();
      Files.createDirectories(conf.path().getParent());
      Files.writeString(conf.path(), conf.content());
      Files.createDirectories(Roots.under(root).bird().resolve("wgmesh-lab.d"));
      CommandResult r =
          new ProcessCommandRunner()
              .execute(Command.query("bird", "-p", "-c", conf.path().toString()));
      assertThat(r.exitCode()).as(conf.content() + r.stderr()).isZero();
    }
  }

  static String shorewall(DeployPlan p, List<String> sharedLanInterfaces, String file) {
    return new TemplateRenderer(Optional.empty())
        .render(p, Fixtures.key(p.selfNumber()), sharedLanInterfaces).stream()
            .filter(f -> f.path().getFileName().toString().equals(file))
            .filter(f -> f.component() == Component.SHOREWALL)
            .findFirst()
            .orElseThrow()
            .content();
  }

  @Test
  void sharedLanPeers_areTheEndpointsOfShortcutLinksOnly() {
    assertThat(plan(HUBS, 5).sharedLanPeers())
        .containsExactly(org.wgmesh.core.net.IpAddress.parse("192.168.77.6", "t"));
    assertThat(plan(HUBS, 3).sharedLanPeers()).isEmpty();
  }

  @Test
  void render_sharedLanInterface_isInTheNetZoneAndMasqueraded() {
    DeployPlan p = plan(HUBS, 5);
    assertThat(shorewall(p, List.of("site0"), "interfaces"))
        .contains("net\tsite0\ttcpflags,nosmurfs,routefilter,logmartians,sourceroute=0\n");
    assertThat(shorewall(p, List.of("site0"), "snat"))
        .containsPattern("(?m)^MASQUERADE\t\\S+\tsite0$");
    // Without shared-LAN interfaces the files are as before: the public interface alone.
    assertThat(shorewall(p, List.of(), "interfaces"))
        .doesNotContain("site0")
        .containsOnlyOnce("net\t");
    assertThat(shorewall(p, List.of(), "snat")).containsOnlyOnce("MASQUERADE");
  }

  @Test
  void hostProbe_findsTheInterfaceOnThePeersNetwork_andQueriesNothingWithoutPeers() {
    org.wgmesh.core.testing.RecordingCommandRunner host =
        new org.wgmesh.core.testing.RecordingCommandRunner();
    host.respond(
        org.wgmesh.core.exec.CommandResult.success(
            "[{\"ifname\":\"pub0\",\"flags\":[\"UP\"],\"addr_info\":[{\"local\":\"203.0.113.5\",\"prefixlen\":24}]},"
                + "{\"ifname\":\"site0\",\"flags\":[\"UP\"],\"addr_info\":[{\"local\":\"192.168.77.5\",\"prefixlen\":24}]},"
                + "{\"ifname\":\"other\",\"flags\":[\"UP\"],\"addr_info\":[{\"local\":\"198.51.100.5\",\"prefixlen\":24}]}]"),
        "ip",
        "-j",
        "addr",
        "show");
    var probe = new org.wgmesh.endpoint.deploy.host.HostProbe(host);

    assertThat(probe.hostInterfacesFacing(List.of())).isEmpty();
    assertThat(host.commands()).isEmpty();
    assertThat(probe.hostInterfacesFacing(plan(HUBS, 5).sharedLanPeers())).containsExactly("site0");
    assertThat(
            probe.hostInterfacesFacing(
                List.of(org.wgmesh.core.net.IpAddress.parse("192.0.2.9", "t"))))
        .isEmpty();
  }
}
