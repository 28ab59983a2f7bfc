package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.plan.ClientLink;
import org.wgmesh.endpoint.deploy.plan.ClientOrigin;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Planner;

/** The planner's part of clients (issue 25): the attached host's interfaces and the BGP origins. */
class ClientPlanTest {
  private static final Path ROOT = Path.of("/srv/h1");

  private static DeployPlan plan() {
    return Planner.plan(Fixtures.clientView(), Fixtures.endpoint(ROOT));
  }

  @Test
  void attachedClients_oneInterfaceEach_onlyThoseAttachedHere() {
    DeployPlan p = plan();
    assertThat(p.clients()).extracting(ClientLink::interfaceName).containsExactly("wgc1", "wgc2");
    ClientLink anna = p.client("wgc1").orElseThrow();
    assertThat(anna.clientName()).isEqualTo("anna");
    assertThat(anna.listenPort()).isEqualTo(61001);
    assertThat(anna.publicKey()).isEqualTo(Fixtures.key(101).publicKey());
    assertThat(anna.allowedIps()).isEqualTo("198.51.100.1/32, fd12:3456:789a:2::1/128");
    assertThat(anna.keepalive()).isEqualTo(25);
    assertThat(anna.primary()).isTrue();
    // Host 1's first public address is IPv4: the link MTU over IPv4.
    assertThat(anna.mtu()).isEqualTo(1420);
    assertThat(anna.v6Underlay()).isFalse();
    assertThat(p.client("wgc2").orElseThrow().primary()).as("bob's primary is host 2").isFalse();
    assertThat(p.client("wgc3")).as("carol attaches to host 3 only").isEmpty();
  }

  @Test
  void ownClientPrefixes_allAndSecondaryOnly_byFamily() {
    DeployPlan p = plan();
    assertThat(p.ownClientPrefixes(false, false))
        .containsExactly(prefix("198.51.100.1/32"), prefix("198.51.100.2/32"));
    assertThat(p.ownClientPrefixes(true, false))
        .containsExactly(prefix("fd12:3456:789a:2::1/128"), prefix("fd12:3456:789a:2::2/128"));
    assertThat(p.ownClientPrefixes(false, true)).containsExactly(prefix("198.51.100.2/32"));
    assertThat(p.ownClientPrefixes(true, true)).containsExactly(prefix("fd12:3456:789a:2::2/128"));
  }

  @Test
  void clientOrigins_everyPeerWithClients_exactAddresses_notThisHost() {
    List<ClientOrigin> o = plan().clientOrigins();
    assertThat(o).extracting(ClientOrigin::number).containsExactly(2, 3);
    assertThat(o.get(0).v4()).containsExactly(prefix("198.51.100.2/32"));
    assertThat(o.get(0).v6())
        .containsExactly(prefix("fd12:3456:789a:2::2/128"), prefix("fd12:3456:789a:2::4/128"));
    assertThat(o.get(1).v4()).containsExactly(prefix("198.51.100.3/32"));
    assertThat(o.get(1).v6()).isEmpty();
  }

  @Test
  void hostNoClientAttachesTo_rendersNoInterface_butKnowsTheOrigins() {
    DeployPlan p =
        Planner.plan(
            Fixtures.withClients(Fixtures.view(), List.of(Fixtures.clients().get(2))),
            Fixtures.endpoint(ROOT));
    assertThat(p.clients()).isEmpty();
    assertThat(p.hasClients()).isTrue();
    assertThat(p.clientOrigins()).extracting(ClientOrigin::number).containsExactly(3);
  }

  @Test
  void meshWithoutClients_hasNone() {
    DeployPlan p = Planner.plan(Fixtures.view(), Fixtures.endpoint(ROOT));
    assertThat(p.clients()).isEmpty();
    assertThat(p.clientOrigins()).isEmpty();
    assertThat(p.hasClients()).isFalse();
  }

  @Test
  void twoClientsOnOnePort_isConfigErrorNamingTheClient() {
    ClientEntry a = Fixtures.clients().get(0);
    ClientEntry b =
        new ClientEntry(
            "eve",
            9,
            Fixtures.key(109).publicKey(),
            a.addresses(),
            List.of(1),
            a.port(),
            a.keepalive());
    assertThatThrownBy(
            () ->
                Planner.plan(
                    Fixtures.withClients(Fixtures.view(), List.of(a, b)), Fixtures.endpoint(ROOT)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("client eve")
        .hasMessageContaining("port 61001");
  }

  @Test
  void clientOnALinkPort_isConfigError() {
    ClientEntry a = Fixtures.clients().get(0);
    ClientEntry onWg2 =
        new ClientEntry(
            a.name(), 1, a.publicKey(), a.addresses(), List.of(1), 51822, a.keepalive());
    assertThatThrownBy(
            () ->
                Planner.plan(
                    Fixtures.withClients(Fixtures.view(), List.of(onWg2)), Fixtures.endpoint(ROOT)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("client anna")
        .hasMessageContaining("port 51822 is used twice on host1");
  }

  private static IpPrefix prefix(String p) {
    return IpPrefix.parse(p, "t");
  }
}
