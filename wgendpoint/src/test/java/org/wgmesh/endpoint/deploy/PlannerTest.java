package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.LanOrigin;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.plan.WireGuardLink;
import org.wgmesh.endpoint.settings.EndpointConfig;

class PlannerTest {
  private static final Path ROOT = Path.of("/srv/h1");

  @Test
  void plan_fixtureMesh_oneLinkPerPeerWithDerivedNumbers() {
    DeployPlan p = Planner.plan(Fixtures.view(), Fixtures.endpoint(ROOT));
    assertThat(p.namespace()).isEqualTo("lab");
    assertThat(p.routerId()).isEqualTo("1.0.0.1");
    assertThat(p.localAsn()).isEqualTo(64601);
    assertThat(p.links())
        .extracting(WireGuardLink::interfaceName)
        .containsExactly("wg2", "wg3", "wg5");
    assertThat(p.links())
        .extracting(WireGuardLink::listenPort)
        .containsExactly(51822, 51823, 51825);
    WireGuardLink wg2 = p.link("wg2").orElseThrow();
    assertThat(wg2.localCidr()).isEqualTo("fd12:3456:789a:1:2::1/80");
    assertThat(wg2.peerAddress().toString()).isEqualTo("fd12:3456:789a:1:2::2");
    assertThat(wg2.peerAsn()).isEqualTo(64602);
    assertThat(wg2.peerPublicKey()).isEqualTo(Fixtures.key(2).publicKey());
    assertThat(p.allowedV4()).extracting(Object::toString).containsExactly("198.18.0.0/15");
    assertThat(p.allowedV6()).extracting(Object::toString).containsExactly("fd00:18::/32");
    assertThat(p.layout().birdConf()).isEqualTo(ROOT.resolve("etc/bird/wgmesh-lab.conf"));
  }

  @Test
  void plan_lanOrigins_eachPeersPrefixesWithItsAsnByFamily() {
    MeshView v =
        Fixtures.view(
            List.of(
                Fixtures.withLans(
                    Fixtures.host(7), "fd00:18:7::/64", "198.18.7.0/24", "198.18.70.0/24"),
                Fixtures.withLans(Fixtures.host(2), "198.18.2.0/24"),
                Fixtures.withLans(Fixtures.host(3), "fd00:18:3::/64"),
                Fixtures.withLans(Fixtures.host(5))));
    DeployPlan p = Planner.plan(v, Fixtures.endpoint(ROOT));
    assertThat(p.peerLans())
        .extracting(LanOrigin::number, LanOrigin::hostname, LanOrigin::asn)
        .containsExactly(
            tuple(2, "host2", 64602L),
            tuple(3, "host3", 64603L),
            tuple(5, "host5", 64605L),
            tuple(7, "host7", 64607L));
    assertThat(p.peerLans())
        .extracting(o -> o.v4().toString(), o -> o.v6().toString())
        .containsExactly(
            tuple("[198.18.2.0/24]", "[]"),
            tuple("[]", "[fd00:18:3::/64]"),
            tuple("[]", "[]"),
            tuple("[198.18.7.0/24, 198.18.70.0/24]", "[fd00:18:7::/64]"));
    assertThat(p.ownLans())
        .isEqualTo(
            new LanOrigin(
                1,
                "host1",
                64601L,
                List.of(IpPrefix.parse("198.18.1.0/24", "t")),
                List.of(IpPrefix.parse("fd00:18:1::/64", "t"))));
  }

  @Test
  void plan_peerWithSelfAsn_isConfigError() {
    HostEntry h = Fixtures.host(2);
    MeshView v =
        Fixtures.view(
            List.of(
                HostEntry.builder()
                    .uuid(h.uuid())
                    .hostname(h.hostname())
                    .number(h.number())
                    .asn(64601L)
                    .publicKey(h.publicKey())
                    .endpoints(h.endpoints())
                    .lanPrefixes(h.lanPrefixes())
                    .build()));
    assertThatThrownBy(() -> Planner.plan(v, Fixtures.endpoint(ROOT)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("AS 64601 is used twice");
  }

  @Test
  void plan_endpoints_exactlyOneSendPortIsPortbasePlusSelfAndV6InBrackets() {
    DeployPlan p = Planner.plan(Fixtures.view(), Fixtures.endpoint(ROOT));
    // host 2 has v4 first: taken; host 3 only v6: bracketed; host 5 none: it dials in.
    assertThat(p.link("wg2").orElseThrow().endpoint()).contains("203.0.113.2:51821");
    assertThat(p.link("wg3").orElseThrow().endpoint()).contains("[2001:db8:ff::3]:51821");
    assertThat(p.link("wg5").orElseThrow().endpoint()).isEmpty();
  }

  @Test
  void plan_peerV6FirstButSelfV4Only_takesReachableFamily() {
    MeshView v = Fixtures.view(List.of(Fixtures.host(4, "2001:db8:ff::4", "203.0.113.4")));
    MeshView v4only = selfWith(Fixtures.host(1, "203.0.113.1"), v.peers());
    assertThat(Planner.plan(v4only, Fixtures.endpoint(ROOT)).link("wg4").orElseThrow().endpoint())
        .contains("203.0.113.4:51821");
  }

  @Test
  void plan_peerV6FirstSelfDualStack_prefersV4() {
    MeshView v = Fixtures.view(List.of(Fixtures.host(4, "2001:db8:ff::4", "203.0.113.4")));
    assertThat(Planner.plan(v, Fixtures.endpoint(ROOT)).link("wg4").orElseThrow().endpoint())
        .contains("203.0.113.4:51821");
  }

  @Test
  void plan_selfV6Only_takesPeersV6() {
    MeshView v = Fixtures.view(List.of(Fixtures.host(4, "203.0.113.4", "2001:db8:ff::4")));
    MeshView v6only = selfWith(Fixtures.host(1, "2001:db8:ff::1"), v.peers());
    assertThat(Planner.plan(v6only, Fixtures.endpoint(ROOT)).link("wg4").orElseThrow().endpoint())
        .contains("[2001:db8:ff::4]:51821");
  }

  /** Issue 20: an IPv4-only host is never given an IPv6 endpoint (nor the reverse). */
  @Test
  void plan_selfV4OnlyPeerV6Only_noLinkAndNoIpv6Endpoint() {
    MeshView v =
        selfWith(
            Fixtures.host(1, "203.0.113.1"),
            List.of(
                Fixtures.host(3, "2001:db8:ff::3"),
                Fixtures.host(4, "203.0.113.4", "2001:db8:ff::4"),
                Fixtures.host(5)));
    DeployPlan p = Planner.plan(v, Fixtures.endpoint(ROOT));
    assertThat(p.links()).extracting(WireGuardLink::interfaceName).containsExactly("wg4", "wg5");
    assertThat(p.links()).allSatisfy(l -> assertThat(l.endpoint().orElse("")).doesNotContain("["));
  }

  /** Issue 20: the MTU per link from its underlay family, the site's, or this endpoint's. */
  @Test
  void plan_mtu_byUnderlayFamily_siteSetting_endpointOverride() {
    // Host 1 is dual-stack: wg2 (dual) over IPv4, wg3 (IPv6 only) over IPv6, wg5 (NAT) over IPv4.
    DeployPlan p = Planner.plan(Fixtures.view(), Fixtures.endpoint(ROOT));
    assertThat(p.links())
        .extracting(WireGuardLink::interfaceName, WireGuardLink::v6Underlay, WireGuardLink::mtu)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("wg2", false, 1420),
            org.assertj.core.groups.Tuple.tuple("wg3", true, 1400),
            org.assertj.core.groups.Tuple.tuple("wg5", false, 1420));
    assertThat(p.links()).allSatisfy(l -> assertThat(l.persistentKeepalive()).isEqualTo(25));
    MeshView site =
        TemplateRendererTest.withSiteLinks(
            new LinkSettings(java.util.OptionalInt.of(1380), 15, BfdProfile.FAST));
    DeployPlan s = Planner.plan(site, Fixtures.endpoint(ROOT));
    assertThat(s.links()).extracting(WireGuardLink::mtu).containsOnly(1380);
    assertThat(s.links()).extracting(WireGuardLink::persistentKeepalive).containsOnly(15);
    assertThat(s.linkSettings().bfd()).isEqualTo(BfdProfile.FAST);
    EndpointConfig own =
        Fixtures.endpoint(ROOT)
            .with(b -> b.tuning = b.tuning.withMtu(java.util.OptionalInt.of(1300)));
    DeployPlan o = Planner.plan(site, own);
    assertThat(o.links()).extracting(WireGuardLink::mtu).containsOnly(1300);
    assertThat(o.links()).extracting(WireGuardLink::persistentKeepalive).containsOnly(15);
    // A shared-LAN link takes that LAN's family: IPv6 here, though both hosts have IPv4.
    MeshView lan =
        selfWith(
            Fixtures.host(1, "203.0.113.1")
                .withSharedLans(List.of(IpPrefix.parseInterface("fd00:77::1/64", "t"))),
            List.of(
                Fixtures.host(2, "203.0.113.2")
                    .withSharedLans(List.of(IpPrefix.parseInterface("fd00:77::2/64", "t")))));
    assertThat(Planner.plan(lan, Fixtures.endpoint(ROOT)).links())
        .extracting(WireGuardLink::v6Underlay, WireGuardLink::mtu)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(true, 1400));
  }

  /** Issue 20: what the router routes to and rewrites its source to, by setting and family. */
  @Test
  void plan_routerOnMesh_remoteLansAndSourcePerFamily() {
    DeployPlan p = Planner.plan(Fixtures.view(), Fixtures.endpoint(ROOT));
    assertThat(p.remoteLans(false)).extracting(Object::toString).containsExactly("198.18.2.0/24");
    assertThat(p.remoteLans(true))
        .extracting(Object::toString)
        .containsExactly("fd00:18:2::/64", "fd00:18:3::/64");
    assertThat(p.routerSource(false)).hasValue(IpAddress.parse("198.18.1.1", "t"));
    assertThat(p.routerSource(true)).hasValue(IpAddress.parse("fd00:18:1::1", "t"));
    DeployPlan off =
        Planner.plan(
            Fixtures.view(),
            Fixtures.endpoint(ROOT).with(b -> b.tuning = b.tuning.withRouterOnMesh(false)));
    assertThat(off.remoteLans(false)).isEmpty();
    assertThat(off.remoteLans(true)).isEmpty();
    assertThat(off.routerSource(false)).isEmpty();
    DeployPlan v4lan =
        Planner.plan(
            Fixtures.view(),
            Fixtures.endpoint(ROOT)
                .with(
                    b ->
                        b.trustAddresses = List.of(IpPrefix.parseInterface("198.18.1.1/24", "t"))));
    assertThat(v4lan.routerSource(true)).isEmpty();
  }

  private static MeshView selfWith(HostEntry self, List<HostEntry> peers) {
    MeshView v = Fixtures.view(peers);
    return new MeshView(
        v.settings(),
        v.serial(),
        v.issued(),
        v.expires(),
        v.siteSigningKey(),
        v.siteBoxKey(),
        self,
        v.peers());
  }

  @Test
  void plan_peersOutOfOrder_sortedByNumber() {
    MeshView v = Fixtures.view(List.of(Fixtures.host(9), Fixtures.host(2)));
    assertThat(Planner.plan(v, Fixtures.endpoint(ROOT)).links())
        .extracting(WireGuardLink::interfaceName)
        .containsExactly("wg2", "wg9");
  }

  @Test
  void plan_namespaceSetting_overridesLocusAndNamesVeth() {
    DeployPlan p =
        Planner.plan(
            Fixtures.view(), Fixtures.inNamespace(Fixtures.endpoint(ROOT), "averylongnamespace"));
    assertThat(p.namespace()).isEqualTo("averylongnamespace");
    assertThat(p.veth().hostName()).isEqualTo("averylongnam-vh").hasSizeLessThanOrEqualTo(15);
    assertThat(p.veth().nsName()).isEqualTo("averylongnam-vn");
  }

  @Test
  void plan_samePeerNumberTwice_isConfigError() {
    MeshView v = Fixtures.view(List.of(Fixtures.host(2), Fixtures.host(2)));
    assertThatThrownBy(() -> Planner.plan(v, Fixtures.endpoint(ROOT)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("host number 2 is used twice");
  }

  @Test
  void plan_peerWithSelfNumber_isConfigError() {
    MeshView v = Fixtures.view(List.of(Fixtures.host(1)));
    assertThatThrownBy(() -> Planner.plan(v, Fixtures.endpoint(ROOT)))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void plan_hubWithoutPublicAddress_isConfigError() {
    MeshView f = Fixtures.view();
    MeshSettings s = f.settings();
    MeshView v =
        new MeshView(
            new MeshSettings(
                s.domain(),
                s.locus(),
                s.tunnelPrefix(),
                s.portbase(),
                s.allowedLanPrefixes(),
                org.wgmesh.core.model.Topology.HubAndSpoke.of(List.of(f.peers().get(0).number()))),
            f.serial(),
            f.issued(),
            f.expires(),
            f.siteSigningKey(),
            f.siteBoxKey(),
            f.self(),
            List.of(Fixtures.host(f.peers().get(0).number())));
    assertThatThrownBy(() -> Planner.plan(v, Fixtures.endpoint(ROOT)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("has no public address");
  }

  @Test
  void plan_noTrustAddress_isConfigError() {
    EndpointConfig e = Fixtures.endpoint(ROOT).with(b -> b.trustAddresses = List.of());
    assertThatThrownBy(() -> Planner.plan(Fixtures.view(), e)).isInstanceOf(ConfigException.class);
  }

  @Test
  void settings_trustEqualsPublic_isConfigError() {
    assertThatThrownBy(
            () -> Fixtures.endpoint(ROOT).with(b -> b.trustInterface = b.publicInterface))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("public interface");
  }

  @Test
  void settings_badNamespace_isConfigError() {
    assertThatThrownBy(() -> Fixtures.inNamespace(Fixtures.endpoint(ROOT), "../etc"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("namespace");
  }

  @Test
  void plan_isPure_sameInputsEqualPlans() {
    assertThat(Planner.plan(Fixtures.view(), Fixtures.endpoint(ROOT)))
        .isEqualTo(Planner.plan(Fixtures.view(), Fixtures.endpoint(ROOT)));
    assertThat(Fixtures.endpoint(ROOT).netns()).isEqualTo(Optional.empty());
  }
}
