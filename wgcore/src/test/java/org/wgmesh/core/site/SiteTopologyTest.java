package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.Topology;

/** The {@code topology} key: syntax, validation errors with lines, round trip. */
class SiteTopologyTest {
  @TempDir Path dir;
  Path yaml;
  String good;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    SiteFixtures.twoHosts(yaml);
    good = Files.readString(yaml);
    assertThat(good).contains("topology: full-mesh\n");
  }

  private Site loadWith(String topology) throws Exception {
    Files.writeString(yaml, good.replace("topology: full-mesh\n", topology));
    return SiteFile.load(yaml);
  }

  private void assertError(String topology, String message) throws Exception {
    Files.writeString(yaml, good.replace("topology: full-mesh\n", topology));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void load_hubsByNameAndNumber_resolvesToNumbersAndRendersNames() throws Exception {
    Site s =
        loadWith("topology:\n  policy: hub-and-spoke\n  hubs: [router2, 1]\n  hubs-per-spoke: 1\n");
    assertThat(s.settings().topology()).isEqualTo(new Topology.HubAndSpoke(List.of(1, 2), 1));
    String rendered = SiteCodec.render(s);
    assertThat(rendered)
        .contains(
            "topology:\n  policy: hub-and-spoke\n  hubs:\n  - router1\n  - router2\n"
                + "  hubs-per-spoke: 1\n");
    Files.writeString(yaml, rendered);
    assertThat(SiteFile.load(yaml).settings()).isEqualTo(s.settings());
  }

  @Test
  void load_fullMeshMapping_isFullMesh() throws Exception {
    assertThat(loadWith("topology:\n  policy: full-mesh\n").settings().topology())
        .isEqualTo(Topology.FULL_MESH);
  }

  @Test
  void load_unknownHub_namesItemAndLine() throws Exception {
    assertError(
        "topology:\n  policy: hub-and-spoke\n  hubs: [router1, gw-x]\n",
        "Property 'topology.hubs[1]' at line 17: unknown hub 'gw-x'");
    assertError(
        "topology:\n  policy: hub-and-spoke\n  hubs: [7]\n",
        "Property 'topology.hubs[0]' at line 17: unknown hub '7'");
  }

  /** Issue 20: an IPv4-only and an IPv6-only host alone cannot reach each other: refused. */
  @Test
  void load_ipv4OnlyAndIpv6OnlyHosts_isRefusedNamingThem() throws Exception {
    String v6 =
        good.replaceFirst("endpoints:\n  - 198.51.100.2\n", "endpoints:\n  - 2001:db8::2\n");
    assertThat(v6).isNotEqualTo(good);
    good = v6;
    assertError("topology: full-mesh\n", "router2 (host 2) cannot reach router1");
    assertError(
        "topology:\n  policy: hub-and-spoke\n  hubs: [router1, router2]\n",
        "hubs router1 (host 1) and router2 (host 2) must link but have no address family in common");
  }

  @Test
  void load_hubWithoutPublicAddress_isError() throws Exception {
    String natGood = good.replaceFirst("endpoints:\n  - 198.51.100.2\n", "endpoints: []\n");
    assertThat(natGood).isNotEqualTo(good);
    good = natGood;
    assertError(
        "topology:\n  policy: hub-and-spoke\n  hubs: [router1, router2]\n",
        "Property 'topology.hubs[1]' at line 17: hub router2 has no public address");
  }

  @Test
  void load_tooFewHubs_isError() throws Exception {
    assertError(
        "topology:\n  policy: hub-and-spoke\n  hubs: []\n",
        "Property 'topology.hubs' at line 17: a hub-and-spoke mesh needs at least one hub");
    assertError(
        "topology:\n  policy: hub-and-spoke\n  hubs: [router1]\n  hubs-per-spoke: 2\n",
        "Property 'topology.hubs-per-spoke' at line 18: 2 is more than the 1 hubs listed");
    assertError(
        "topology:\n  policy: hub-and-spoke\n  hubs: [router1]\n  hubs-per-spoke: 0\n",
        "Property 'topology.hubs-per-spoke' at line 18: 0 is out of range");
    assertError("topology: hub-and-spoke\n", "Property 'topology' at line 15: hub-and-spoke needs");
    assertError(
        "topology:\n  policy: hub-and-spoke\n",
        "Property 'topology' at line 16: missing required key 'hubs'");
  }

  @Test
  void load_badShapes_areErrors() throws Exception {
    assertError(
        "topology:\n  policy: hub-and-spoke\n  hubs: [router1, router1]\n",
        "Property 'topology.hubs[1]' at line 17: hub router1 is listed twice");
    assertError(
        "topology:\n  policy: full-mesh\n  hubs: [router1]\n",
        "Property 'topology.hubs' at line 17: only a hub-and-spoke topology has 'hubs'");
    assertError("topology:\n  policy: ring\n", "Property 'topology.policy' at line 16: unknown");
    assertError(
        "topology:\n  policy: full-mesh\n  hub: [router1]\n", "Property 'topology.hub' at line 17");
  }

  @Test
  void withoutHost_aHub_isRefused() throws Exception {
    Site s = loadWith("topology:\n  policy: hub-and-spoke\n  hubs: [router1]\n");
    HostEntry hub = s.hosts().get(0);
    assertThatThrownBy(() -> s.withoutHost(hub.uuid()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Property 'topology.hubs': hub 1 is not a host of the mesh");
  }

  @Test
  void fullMesh_everyHostBehindNat_isError() throws Exception {
    Site s = SiteFile.load(yaml);
    HostEntry a = s.hosts().get(0);
    HostEntry b = s.hosts().get(1);
    Site one = s.withoutHost(b.uuid()).withHost(a.toBuilder().endpoints(List.of()).build());
    assertThat(one.hosts()).hasSize(1);
    HostEntry natB = b.toBuilder().endpoints(List.of()).build();
    assertThatThrownBy(() -> one.withHost(natB))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no host of the mesh has a public address");
  }

  @Test
  void load_sharedLans_roundTripAndErrors() throws Exception {
    String from = "  lan-prefixes:\n  - 10.1.0.0/24\n";
    assertThat(good).contains(from);
    String with = good.replace(from, from + "  shared-lans:\n  - 192.168.7.1/24\n");
    Files.writeString(yaml, with);
    Site s = SiteFile.load(yaml);
    assertThat(s.hosts().get(0).sharedLans()).hasToString("[192.168.7.1/24]");
    assertThat(SiteCodec.render(s)).isEqualTo(with);
    Files.writeString(yaml, good.replace(from, from + "  shared-lans:\n  - 192.168.7.0/24\n"));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .hasMessageContaining("Property 'hosts[0].shared-lans[0]' at line 33")
        .hasMessageContaining("is a network, not this host's address on it");
    String from2 = "  lan-prefixes:\n  - 10.2.0.0/24\n";
    Files.writeString(yaml, with.replace(from2, from2 + "  shared-lans:\n  - 192.168.7.1/24\n"));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .hasMessageContaining("Property 'hosts[1].shared-lans[0]'")
        .hasMessageContaining("address 192.168.7.1 is also Property 'hosts[0].shared-lans[0]'");
  }
}
