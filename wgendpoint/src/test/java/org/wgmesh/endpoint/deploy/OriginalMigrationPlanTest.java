package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.DnsSources;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.original.OriginalHost;
import org.wgmesh.core.original.OriginalYaml;
import org.wgmesh.core.testing.OriginalFixtures;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.EnrolOptions;
import org.wgmesh.endpoint.config.Enrolment;
import org.wgmesh.endpoint.config.HostKeys;
import org.wgmesh.endpoint.config.OriginalNodeImport;
import org.wgmesh.endpoint.config.OriginalTestSite;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.plan.WireGuardLink;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.endpoint.source.EndpointMeshSource;

/**
 * "Hosts keep what they know" (issue 26, plan §6, plan-level, no root): the whole fixture site of
 * the original wgmesh (100 hosts, number = octet, port base 9000), imported and published, read by
 * the endpoint that {@code wgconfig --import-original} made from {@code node001} with its original
 * key, gives the {@link Planner} the links the original had: towards peer p, interface {@code
 * wg<p>} listening on 9000 + p, sending to {@code 198.18.0.p:9001}, with the peer's original key.
 */
class OriginalMigrationPlanTest {
  static final String D = OriginalTestSite.DOMAIN;
  static final DomainName DN = DomainName.parse(D, "t");

  @TempDir Path dir;

  @Test
  void importedNode001_hasTheOriginalsPortsEndpointsAndKeysTowardsEveryPeer() throws Exception {
    OriginalTestSite site = OriginalTestSite.publish(dir.resolve("site"), h -> true);
    Path etc = dir.resolve("etc");
    EnrolOptions options =
        new EnrolOptions(
            DN,
            etc,
            Optional.of(site.fingerprint()),
            Optional.empty(),
            Optional.of(site.zone),
            java.util.List.of(b -> b.roots = Roots.under(dir.resolve("root"))));
    Path fx = OriginalFixtures.copyTo(dir.resolve("fx"));
    new OriginalNodeImport(
            Reporter.silent(),
            o -> new Enrolment(Reporter.silent()).enrol(o),
            o -> DnsSources.fromOptions(o.resolver(), o.zoneFile()))
        .run(fx.resolve("nodes/node001/node_mesh1.yaml"), Optional.empty(), options);
    EndpointConfig config = EndpointFile.load(EndpointPaths.path(etc, DN), DN);

    DeployPlan plan =
        Planner.plan(
            new EndpointMeshSource(Clock.systemUTC())
                .read(config, HostKeys.read(config.hostKey(), DN))
                .view(),
            config);

    Map<Integer, X25519PublicKey> originalKeys =
        OriginalYaml.readSite(OriginalFixtures.siteFile()).hosts().stream()
            .collect(Collectors.toMap(h -> (int) h.octet(), OriginalHost::publicKey));
    assertThat(originalKeys).hasSize(100);
    assertThat(plan.selfNumber()).isEqualTo(1);
    assertThat(plan.routerId()).isEqualTo("1.0.0.1");
    assertThat(plan.localAsn()).isEqualTo(64512);
    assertThat(plan.links()).hasSize(99);
    Map<Integer, WireGuardLink> links =
        plan.links().stream()
            .collect(Collectors.toMap(WireGuardLink::peerNumber, Function.identity()));
    SoftAssertions soft = new SoftAssertions();
    for (int p = 2; p <= 100; p++) {
      WireGuardLink link = links.get(p);
      soft.assertThat(link).as("peer %d", p).isNotNull();
      if (link == null) {
        continue;
      }
      soft.assertThat(link.interfaceName()).as("peer %d", p).isEqualTo("wg" + p);
      soft.assertThat(link.listenPort()).as("peer %d", p).isEqualTo(9000 + p);
      soft.assertThat(link.endpoint()).as("peer %d", p).contains("198.18.0." + p + ":9001");
      soft.assertThat(link.peerPublicKey()).as("peer %d", p).isEqualTo(originalKeys.get(p));
      soft.assertThat(link.peerHostname()).as("peer %d", p).isEqualTo(String.format("node%03d", p));
    }
    soft.assertAll();
    // The peers' .pub files (hosts 2 to 5) name the same keys, and host 1 keeps its own.
    for (int p = 2; p <= OriginalFixtures.NODES; p++) {
      assertThat(links.get(p).peerPublicKey().toBase64())
          .isEqualTo(Files.readString(OriginalFixtures.nodePub(p)).strip());
    }
    assertThat(HostKeys.read(config.hostKey(), DN).publicKey().toBase64())
        .isEqualTo(Files.readString(OriginalFixtures.nodePub(1)).strip());
  }
}
