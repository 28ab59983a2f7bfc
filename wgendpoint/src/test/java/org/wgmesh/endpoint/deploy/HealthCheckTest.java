package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.UnhealthyException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.testing.RecordingCommandRunner;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.endpoint.deploy.health.HealthCheck;
import org.wgmesh.endpoint.deploy.health.HealthReport;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * {@code wgdeploy --check} against a recording runner playing host 1 of the fixture mesh as a
 * deploy left it ({@link HealthyHost}), broken one way at a time.
 */
class HealthCheckTest {
  static final long NOW = 1_800_000_000L;

  @TempDir Path dir;
  Manifest manifest;
  RecordingCommandRunner host;
  String sock;

  @BeforeEach
  void deployedHost() {
    manifest = HealthyHost.deploy(dir);
    host = HealthyHost.runner(dir, NOW);
    sock = HealthyHost.layout(dir).birdSocket().toString();
  }

  HealthReport check() {
    return check(HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE);
  }

  HealthReport check(Duration maxAge) {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    HealthReport r = new HealthCheck(host, clock).check(HealthyHost.layout(dir), manifest, maxAge);
    assertThat(host.mutations()).isEmpty();
    return r;
  }

  @Test
  void healthy_oneOkLinePerCheck_queriesOnly() {
    HealthReport r = check();
    assertThat(r.healthy()).isTrue();
    assertThat(r.lines(false)).containsExactly(
        "ok   namespace lab: exists",
        "ok   wg2 (host2): link up, handshake 12 s ago, BGP Established, BFD Up",
        "ok   wg3 (host3): link up, handshake 95 s ago, BGP Established, BFD Up",
        "ok   wg5 (host5): link up, handshake 3 s ago, BGP Established, BFD Up",
        "ok   BIRD: answers on " + sock,
        "ok   shorewall: started",
        "ok   shorewall6: started");
    assertThat(r.lines(true)).isEmpty();
    assertThat(r.summary()).isEqualTo("mesh.example.com: healthy (namespace lab, 7 checks passed)");
    assertThat(host.commands()).extracting(Command::display).containsExactly(
        "ip netns list",
        "ip -n lab -j addr show",
        "ip netns exec lab wg show all latest-handshakes",
        "birdc -s " + sock + " show protocols",
        "birdc -s " + sock + " show bfd sessions",
        "shorewall status",
        "shorewall6 status");
  }

  @Test
  void bgpNotEstablishedAndBfdDown_failLineNamesOnlyWhatFailed() {
    host.respond(CommandResult.success(HealthyHost.protocols(Map.of("wg2", "Established", "wg3", "Active", "wg5", "Established"))),
        "birdc", "-s", sock, "show", "protocols");
    host.respond(CommandResult.success(HealthyHost.bfdSessions(Map.of("wg2", "Up", "wg3", "Down", "wg5", "Up"))),
        "birdc", "-s", sock, "show", "bfd", "sessions");
    HealthReport r = check();
    assertThat(r.healthy()).isFalse();
    assertThat(r.lines(true)).containsExactly("FAIL wg3 (host3): BGP Active, BFD Down");
    assertThat(r.summary()).isEqualTo("mesh.example.com: UNHEALTHY: 1 of 7 checks failed: wg3 (host3)");
  }

  @Test
  void missingBgpProtocolAndBfdSession_fail() {
    host.respond(CommandResult.success(HealthyHost.protocols(Map.of("wg2", "Established", "wg3", "Established"))),
        "birdc", "-s", sock, "show", "protocols");
    host.respond(CommandResult.success(HealthyHost.bfdSessions(Map.of("wg2", "Up", "wg3", "Up"))),
        "birdc", "-s", sock, "show", "bfd", "sessions");
    assertThat(check().lines(true)).containsExactly("FAIL wg5 (host5): no BGP session, no BFD session");
  }

  @Test
  void linkDownOrMissing_fail() {
    host.respond(CommandResult.success(HealthyHost.links(Map.of("wg2", false, "wg3", true))),
        "ip", "-n", "lab", "-j", "addr", "show");
    assertThat(check().lines(true)).containsExactly(
        "FAIL wg2 (host2): link down",
        "FAIL wg5 (host5): link missing");
  }

  @Test
  void linkAddressMissing_fails() {
    // What `ip link set wg3 down; ip link set wg3 up` leaves: up, without its IPv6 address.
    String links = HealthyHost.links(Map.of("wg2", true, "wg3", true, "wg5", true))
        .replace("\"local\":\"fd12:3456:789a:1:3::1\",\"prefixlen\":80,\"scope\":\"global\"",
            "\"local\":\"fe80::1\",\"prefixlen\":64,\"scope\":\"link\"");
    host.respond(CommandResult.success(links), "ip", "-n", "lab", "-j", "addr", "show");
    assertThat(check().lines(true)).containsExactly("FAIL wg3 (host3): address fd12:3456:789a:1:3::1/80 missing");
  }

  @Test
  void handshakeTooOldNeverOrNoPeer_fail() {
    host.respond(CommandResult.success(HealthyHost.handshakes(Map.of("wg2", NOW - 181, "wg3", 0L))),
        "ip", "netns", "exec", "lab", "wg", "show", "all", "latest-handshakes");
    assertThat(check().lines(true)).containsExactly(
        "FAIL wg2 (host2): handshake 181 s ago",
        "FAIL wg3 (host3): no handshake",
        "FAIL wg5 (host5): no peer");
  }

  @Test
  void maxHandshakeAge_isTheThreshold() {
    assertThat(check(Duration.ofSeconds(95)).healthy()).isTrue();
    assertThat(check(Duration.ofSeconds(94)).lines(true)).containsExactly("FAIL wg3 (host3): handshake 95 s ago");
  }

  @Test
  void namespaceMissing_failsAndItsInterfacesAreNotQueried() {
    host.respond(CommandResult.success("other\n"), "ip", "netns", "list");
    HealthReport r = check();
    assertThat(r.lines(true)).first().isEqualTo("FAIL namespace lab: missing");
    assertThat(r.lines(true)).contains("FAIL wg2 (host2): link missing, no peer");
    assertThat(host.commands()).noneMatch(c -> c.argv().contains("-n") || c.argv().contains("exec"));
  }

  @Test
  void birdDoesNotAnswer_failsWithItsMessage() {
    host.respond(new CommandResult(1, "Unable to connect to server control socket (" + sock + "): No such file or directory", ""),
        "birdc");
    assertThat(check().lines(true)).containsExactly(
        "FAIL wg2 (host2): BGP unknown (BIRD does not answer)",
        "FAIL wg3 (host3): BGP unknown (BIRD does not answer)",
        "FAIL wg5 (host5): BGP unknown (BIRD does not answer)",
        "FAIL BIRD: does not answer on " + sock + ": Unable to connect to server control socket ("
            + sock + "): No such file or directory");
  }

  @Test
  void shorewallStopped_fails() {
    host.respond(new CommandResult(3, "Shorewall6 is stopped", ""), "shorewall6", "status");
    assertThat(check().lines(true)).containsExactly("FAIL shorewall6: not started");
  }

  @Test
  void withoutBirdDescriptions_linesNameTheInterfacesAlone() throws Exception {
    Files.delete(HealthyHost.layout(dir).birdConf());
    assertThat(check().lines(false)).contains("ok   wg2: link up, handshake 12 s ago, BGP Established, BFD Up");
  }

  @Test
  void notDeployed_isUnhealthyWithClearMessageAndRunsNothing() throws Exception {
    Files.delete(HealthyHost.layout(dir).stateDir().resolve("manifest.properties"));
    EndpointConfig settings = Fixtures.endpoint(dir);
    DomainName d = settings.domain();
    assertThatThrownBy(() -> HealthyHost.service(dir, settings, host).check(d, HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE))
        .isInstanceOfSatisfying(UnhealthyException.class, e -> {
          assertThat(e.exitCode()).isEqualTo(ExitCode.UNHEALTHY);
          assertThat(e.what()).isEqualTo(Fixtures.DOMAIN);
          assertThat(e.why()).startsWith("this mesh is not deployed on this host");
          assertThat(e.hint()).contains("deploy it first: wgdeploy " + Fixtures.DOMAIN);
        });
    // A namespace named in the settings whose state belongs to no deploy of this mesh: the same.
    assertThatThrownBy(() -> HealthyHost.service(dir, Fixtures.inNamespace(settings, "lab"), host)
            .check(d, HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE))
        .isInstanceOf(UnhealthyException.class);
    assertThat(host.commands()).isEmpty();
  }

  @Test
  void service_findsTheNamespaceFromTheStateLikeDown() {
    HealthReport r = HealthyHost.service(dir, Fixtures.endpoint(dir), host)
        .check(DomainName.parse("Mesh.Example.com.", "t"), HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE);
    assertThat(r.namespace()).isEqualTo("lab");
    assertThat(r.domain()).isEqualTo(Fixtures.DOMAIN);
    assertThat(host.mutations()).isEmpty();
  }
}
