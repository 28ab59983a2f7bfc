package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.UnhealthyException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.testing.Promtool;
import org.wgmesh.core.testing.RecordingCommandRunner;
import org.wgmesh.endpoint.deploy.health.HealthCheck;
import org.wgmesh.endpoint.deploy.health.HealthReport;
import org.wgmesh.endpoint.deploy.health.Metrics;
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
    HealthReport r =
        new HealthCheck(host, clock).check(HealthyHost.layout(dir), manifest, 7, maxAge);
    assertThat(host.mutations()).isEmpty();
    return r;
  }

  @Test
  void healthy_oneOkLinePerCheck_queriesOnly() {
    HealthReport r = check();
    assertThat(r.healthy()).isTrue();
    assertThat(r.lines(false))
        .containsExactly(
            "ok   namespace lab: exists",
            "ok   forwarding: on in lab and in the default namespace",
            "ok   veth lab-vh/lab-vn: both ends up with their addresses",
            "ok   wg2 (host2): link up, handshake 12 s ago, BGP Established, BFD Up",
            "ok   wg3 (host3): link up, handshake 95 s ago, BGP Established, BFD Up",
            "ok   wg5 (host5): link up, handshake 3 s ago, BGP Established, BFD Up",
            "ok   MTU: links 1400/1420, pub0 1500",
            "ok   UDP ports: no other program on 3 mesh ports",
            "ok   mesh record: serial 7 expires in 1081 days",
            "ok   deployed serial: 7, the newest verified",
            "ok   BIRD: answers on " + sock,
            "ok   shorewall: started",
            "ok   shorewall6: started");
    assertThat(r.lines(true)).isEmpty();
    assertThat(r.summary())
        .isEqualTo("mesh.example.com: healthy (namespace lab, 13 checks passed)");
    assertThat(host.commands())
        .extracting(Command::display)
        .containsExactly(
            "ip netns list",
            "ip -n lab -j addr show",
            "ip netns exec lab wg show all latest-handshakes",
            "ip netns exec lab wg show all transfer",
            "ip netns exec lab sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding net.ipv4.conf.all.rp_filter"
                + " net.ipv4.conf.default.rp_filter net.ipv6.conf.default.accept_dad",
            "sysctl -n net.ipv4.ip_forward",
            "ip netns exec lab wg show all endpoints",
            "ip -j addr show dev lab-vh",
            "birdc -s " + sock + " show protocols",
            "birdc -s " + sock + " show bfd sessions",
            "birdc -s " + sock + " show route table master4 where source = RTS_BGP count",
            "birdc -s " + sock + " show route table master6 where source = RTS_BGP count",
            "ip -j addr show dev pub0",
            "ss -H -u -a -n -p",
            "ip netns exec lab ss -H -u -a -n -p",
            "shorewall status",
            "shorewall6 status");
  }

  @Test
  void bgpNotEstablishedAndBfdDown_failLineNamesOnlyWhatFailed() {
    host.respond(
        CommandResult.success(
            HealthyHost.protocols(
                Map.of("wg2", "Established", "wg3", "Active", "wg5", "Established"))),
        "birdc",
        "-s",
        sock,
        "show",
        "protocols");
    host.respond(
        CommandResult.success(
            HealthyHost.bfdSessions(Map.of("wg2", "Up", "wg3", "Down", "wg5", "Up"))),
        "birdc",
        "-s",
        sock,
        "show",
        "bfd",
        "sessions");
    HealthReport r = check();
    assertThat(r.healthy()).isFalse();
    assertThat(r.lines(true)).containsExactly("FAIL wg3 (host3): BGP Active, BFD Down");
    assertThat(r.summary())
        .isEqualTo("mesh.example.com: UNHEALTHY: 1 of 13 checks failed: wg3 (host3)");
  }

  @Test
  void missingBgpProtocolAndBfdSession_fail() {
    host.respond(
        CommandResult.success(
            HealthyHost.protocols(Map.of("wg2", "Established", "wg3", "Established"))),
        "birdc",
        "-s",
        sock,
        "show",
        "protocols");
    host.respond(
        CommandResult.success(HealthyHost.bfdSessions(Map.of("wg2", "Up", "wg3", "Up"))),
        "birdc",
        "-s",
        sock,
        "show",
        "bfd",
        "sessions");
    assertThat(check().lines(true))
        .containsExactly("FAIL wg5 (host5): no BGP session, no BFD session");
  }

  @Test
  void linkDownOrMissing_fail() {
    host.respond(
        CommandResult.success(HealthyHost.links(Map.of("wg2", false, "wg3", true))),
        "ip",
        "-n",
        "lab",
        "-j",
        "addr",
        "show");
    assertThat(check().lines(true))
        .containsExactly("FAIL wg2 (host2): link down", "FAIL wg5 (host5): link missing");
  }

  @Test
  void linkAddressMissing_fails() {
    // What `ip link set wg3 down; ip link set wg3 up` leaves: up, without its IPv6 address.
    String links =
        HealthyHost.links(Map.of("wg2", true, "wg3", true, "wg5", true))
            .replace(
                "\"local\":\"fd12:3456:789a:1:3::1\",\"prefixlen\":80,\"scope\":\"global\"",
                "\"local\":\"fe80::1\",\"prefixlen\":64,\"scope\":\"link\"");
    host.respond(CommandResult.success(links), "ip", "-n", "lab", "-j", "addr", "show");
    assertThat(check().lines(true))
        .containsExactly("FAIL wg3 (host3): address fd12:3456:789a:1:3::1/80 missing");
  }

  @Test
  void handshakeTooOldNeverOrNoPeer_fail() {
    host.respond(
        CommandResult.success(HealthyHost.handshakes(Map.of("wg2", NOW - 181, "wg3", 0L))),
        "ip",
        "netns",
        "exec",
        "lab",
        "wg",
        "show",
        "all",
        "latest-handshakes");
    assertThat(check().lines(true))
        .containsExactly(
            "FAIL wg2 (host2): handshake 181 s ago",
            "FAIL wg3 (host3): no handshake",
            "FAIL wg5 (host5): no peer");
  }

  @Test
  void maxHandshakeAge_isTheThreshold() {
    assertThat(check(Duration.ofSeconds(95)).healthy()).isTrue();
    assertThat(check(Duration.ofSeconds(94)).lines(true))
        .containsExactly("FAIL wg3 (host3): handshake 95 s ago");
  }

  @Test
  void namespaceMissing_failsAndItsInterfacesAreNotQueried() {
    host.respond(CommandResult.success("other\n"), "ip", "netns", "list");
    HealthReport r = check();
    assertThat(r.lines(true)).first().isEqualTo("FAIL namespace lab: missing");
    assertThat(r.lines(true)).contains("FAIL wg2 (host2): link missing, no peer");
    assertThat(host.commands())
        .noneMatch(
            c ->
                RecordingCommandRunner.startsWith(c, "ip", "-n")
                    || RecordingCommandRunner.startsWith(c, "ip", "netns", "exec"));
  }

  @Test
  void birdDoesNotAnswer_failsWithItsMessage() {
    host.respond(
        new CommandResult(
            1,
            "Unable to connect to server control socket (" + sock + "): No such file or directory",
            ""),
        "birdc");
    assertThat(check().lines(true))
        .containsExactly(
            "FAIL wg2 (host2): BGP unknown (BIRD does not answer)",
            "FAIL wg3 (host3): BGP unknown (BIRD does not answer)",
            "FAIL wg5 (host5): BGP unknown (BIRD does not answer)",
            "FAIL BIRD: does not answer on "
                + sock
                + ": Unable to connect to server control socket ("
                + sock
                + "): No such file or directory");
  }

  @ParameterizedTest
  @ValueSource(strings = {"shorewall", "shorewall6"})
  void shorewallStopped_fails(String tool) {
    host.respond(new CommandResult(3, "Shorewall is stopped", ""), tool, "status");
    assertThat(check().lines(true)).containsExactly("FAIL " + tool + ": not started");
  }

  @Test
  void withoutBirdDescriptions_linesNameTheInterfacesAlone() throws Exception {
    Files.delete(HealthyHost.layout(dir).birdConf());
    assertThat(check().lines(false))
        .contains("ok   wg2: link up, handshake 12 s ago, BGP Established, BFD Up");
  }

  @Test
  void notDeployed_isUnhealthyWithClearMessageAndRunsNothing() throws Exception {
    Files.delete(HealthyHost.layout(dir).stateDir().resolve("manifest.properties"));
    EndpointConfig settings = Fixtures.endpoint(dir);
    DomainName d = settings.domain();
    assertThatThrownBy(
            () ->
                HealthyHost.checkJob(dir, settings, host)
                    .check(d, HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE))
        .isInstanceOfSatisfying(
            UnhealthyException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.UNHEALTHY);
              assertThat(e.what()).isEqualTo(Fixtures.DOMAIN);
              assertThat(e.why()).startsWith("this mesh is not deployed on this host");
              assertThat(e.hint()).contains("deploy it first: wgdeploy " + Fixtures.DOMAIN);
            });
    // A namespace named in the settings whose state belongs to no deploy of this mesh: the same.
    assertThatThrownBy(
            () ->
                HealthyHost.checkJob(dir, Fixtures.inNamespace(settings, "lab"), host)
                    .check(d, HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE))
        .isInstanceOf(UnhealthyException.class);
    assertThat(host.commands()).isEmpty();
  }

  @Test
  void service_findsTheNamespaceFromTheStateLikeDown() {
    HealthReport r =
        HealthyHost.checkJob(dir, Fixtures.endpoint(dir), host)
            .check(
                DomainName.parse("Mesh.Example.com.", "t"), HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE);
    assertThat(r.namespace()).isEqualTo("lab");
    assertThat(r.domain()).isEqualTo(Fixtures.DOMAIN);
    assertThat(host.mutations()).isEmpty();
  }

  @Test
  void forwardingOff_inEitherNamespace_fails() {
    host.respond(
        CommandResult.success("1\n0\n0\n0\n0\n"), "ip", "netns", "exec", "lab", "sysctl", "-n");
    host.respond(CommandResult.success("0\n"), "sysctl", "-n", "net.ipv4.ip_forward");
    HealthReport r = check();
    assertThat(r.lines(true))
        .containsExactly(
            "FAIL forwarding: not as wgdeploy sets it: "
                + "net.ipv6.conf.all.forwarding in lab, net.ipv4.ip_forward in the default namespace");
    assertThat(r.failures().get(0).hint()).contains("shorewall reload");
  }

  @Test
  void ipv6ForwardingOff_failsOnlyWhenAPeerIsReachedOverIpv6() {
    host.respond(CommandResult.success("0\n"), "sysctl", "-n", "net.ipv6.conf.all.forwarding");
    host.respond(
        CommandResult.success("wg2\tKEY2=\t203.0.113.2:51001\nwg3\tKEY3=\t(none)\n"),
        "ip",
        "netns",
        "exec",
        "lab",
        "wg",
        "show",
        "all",
        "endpoints");
    assertThat(check().lines(true)).isEmpty();

    host.respond(
        CommandResult.success(
            "wg2\tKEY2=\t203.0.113.2:51001\nwg3\tKEY3=\t[2001:db8:ff::3]:51001\n"),
        "ip",
        "netns",
        "exec",
        "lab",
        "wg",
        "show",
        "all",
        "endpoints");
    HealthReport r = check();
    assertThat(r.lines(true))
        .containsExactly(
            "FAIL forwarding: not as wgdeploy sets it: net.ipv6.conf.all.forwarding in the default"
                + " namespace (a peer is reached over IPv6)");
    assertThat(r.failures().get(0).hint()).contains("sysctl -w net.ipv6.conf.all.forwarding=1");
  }

  @Test
  void vethMissingOrWithoutAddress_fails() {
    host.respond(
        new CommandResult(1, "", "Device \"lab-vh\" does not exist."),
        "ip",
        "-j",
        "addr",
        "show",
        "dev",
        "lab-vh");
    host.respond(
        CommandResult.success(
            HealthyHost.links(Map.of("wg2", true, "wg3", true, "wg5", true))
                .replace("{\"local\":\"fdff:a9fe::2\",\"prefixlen\":64,\"scope\":\"global\"}", "")
                .replace(
                    "\"prefixlen\":30,\"scope\":\"global\"},]",
                    "\"prefixlen\":30,\"scope\":\"global\"}]")),
        "ip",
        "-n",
        "lab",
        "-j",
        "addr",
        "show");
    assertThat(check().lines(true))
        .containsExactly("FAIL veth lab-vh/lab-vn: lab-vh missing, lab-vn without fdff:a9fe::2/64");
  }

  @Test
  void anotherProgramOnAMeshPort_isNamedWithItsPid() {
    host.respond(
        CommandResult.success(
            HealthyHost.SS_DEFAULT
                + "UNCONN 0      0      0.0.0.0:51823 0.0.0.0:* users:((\"nc\",pid=4242,fd=3))\n"),
        "ss",
        "-H",
        "-u",
        "-a",
        "-n",
        "-p");
    host.respond(
        CommandResult.success(
            HealthyHost.SS_INSIDE
                + "UNCONN 0      0      [::]:51825 [::]:* users:((\"socat\",pid=99,fd=5))\n"),
        "ip",
        "netns",
        "exec",
        "lab",
        "ss");
    assertThat(check().lines(true))
        .containsExactly(
            "FAIL UDP ports: UDP port 51823 in the default namespace used by nc"
                + " (pid 4242), UDP port 51825 in lab used by socat (pid 99)");
  }

  @Test
  void recordCloseToExpiry_fails_evenBeforeItExpires() {
    // Lifetime 7 days (Fixtures): less than a sixth of it left means no re-signed record came.
    long expires = Fixtures.view().expires().getEpochSecond();
    assertThat(checkAt(expires - 29 * 3600).lines(true)).isEmpty();
    assertThat(checkAt(expires - 27 * 3600).lines(true))
        .containsExactly("FAIL mesh record: serial 7 expires in 27 h");
    assertThat(checkAt(expires + 120).lines(true))
        .contains("FAIL mesh record: serial 7 expired 2 min ago");
  }

  @Test
  void deployedSerialOlderThanOneVerifiedSince_fails() {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    HealthReport r =
        new HealthCheck(host, clock)
            .check(HealthyHost.layout(dir), manifest, 9, HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE);
    assertThat(r.lines(true))
        .containsExactly(
            "FAIL deployed serial: 7, but serial 9 was verified since: the deploys after it failed");
    assertThat(r.failures().get(0).hint()).isEqualTo("run wgdeploy -v mesh.example.com to see why");
  }

  HealthReport checkAt(long epochSecond) {
    host = HealthyHost.runner(dir, epochSecond);
    Clock clock = Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    return new HealthCheck(host, clock)
        .check(HealthyHost.layout(dir), manifest, 7, HealthCheck.DEFAULT_MAX_HANDSHAKE_AGE);
  }

  @Test
  void json_everyCheckWithNameStatusValueAndHint() {
    host.respond(
        CommandResult.success(
            HealthyHost.bfdSessions(Map.of("wg2", "Up", "wg3", "Down", "wg5", "Up"))),
        "birdc",
        "-s",
        sock,
        "show",
        "bfd",
        "sessions");
    JsonNode j = org.wgmesh.core.json.Json.readTree(check().json(), "report");
    assertThat(j.get("domain").asText()).isEqualTo(Fixtures.DOMAIN);
    assertThat(j.get("healthy").asBoolean()).isFalse();
    assertThat(j.get("checks")).hasSize(13);
    JsonNode wg3 = j.get("checks").get(4);
    assertThat(wg3.get("name").asText()).isEqualTo("link.wg3");
    assertThat(wg3.get("status").asText()).isEqualTo("fail");
    assertThat(wg3.get("subject").asText()).isEqualTo("wg3 (host3)");
    assertThat(wg3.get("value").asText()).isEqualTo("BFD Down");
    assertThat(wg3.get("hint").asText()).contains("BFD is down");
    assertThat(j.get("checks").get(0).get("status").asText()).isEqualTo("ok");
    assertThat(j.get("checks").get(0).get("hint").asText()).isEmpty();
  }

  /** The public interface pub0 answers with this MTU from now on. */
  private void publicMtu(int mtu) {
    host.respond(
        CommandResult.success(HealthyHost.publicInterface(mtu)),
        "ip",
        "-j",
        "addr",
        "show",
        "dev",
        "pub0");
  }

  /** Issue 20: a live MTU that is not the planned one fails, naming the interface. */
  @Test
  void mtuDiffersFromThePlannedOne_fails() {
    host.respond(
        CommandResult.success(
            HealthyHost.links(Map.of("wg2", true, "wg3", true, "wg5", true))
                .replace("\"mtu\":1400", "\"mtu\":1500")),
        "ip",
        "-n",
        "lab",
        "-j",
        "addr",
        "show");
    HealthReport r = check();
    assertThat(r.healthy()).isFalse();
    assertThat(r.lines(true))
        .containsExactly("FAIL MTU: wg3 has MTU 1500, planned 1400")
        .allSatisfy(l -> assertThat(l).doesNotContain("wg2"));
    assertThat(r.failures().get(0).hint()).contains("run wgdeploy");
    assertThat(Metrics.check(r))
        .contains(
            "wgmesh_link_mtu_bytes{domain=\"mesh.example.com\",interface=\"wg3\",peer=\"host3\"} 1500\n",
            "wgmesh_link_planned_mtu_bytes{domain=\"mesh.example.com\",interface=\"wg3\",peer=\"host3\"} 1400\n",
            "wgmesh_check_ok{domain=\"mesh.example.com\",check=\"mtu\"} 0\n");
  }

  /**
   * Issue 20: links larger than the public interface carries once WireGuard's overhead is added
   * (PPPoE's 1492 takes 1420 over IPv4: 1492 - 60 = 1432; 1440 takes neither family's default).
   */
  @Test
  void mtuTooLargeForThePublicInterface_failsPerFamily() {
    publicMtu(1492);
    assertThat(check().healthy()).isTrue();
    publicMtu(1470);
    // 1470 - 80 = 1390 < 1400 for wg3 over IPv6; 1470 - 60 = 1410 < 1420 for wg2 and wg5.
    assertThat(check().lines(true))
        .containsExactly(
            "FAIL MTU: wg2 MTU 1420 is larger than pub0's 1470 minus 60 (WireGuard over IPv4),"
                + " wg3 MTU 1400 is larger than pub0's 1470 minus 80 (WireGuard over IPv6),"
                + " wg5 MTU 1420 is larger than pub0's 1470 minus 60 (WireGuard over IPv4)");
    // Both defaults need the same outer MTU: 1420 + 60 = 1400 + 80 = 1480.
    publicMtu(1480);
    assertThat(check().healthy()).isTrue();
  }

  @Test
  void metrics_everyLinkAndCheck_inTheTextFormat() {
    host.respond(
        CommandResult.success(
            HealthyHost.bfdSessions(Map.of("wg2", "Up", "wg3", "Down", "wg5", "Up"))),
        "birdc",
        "-s",
        sock,
        "show",
        "bfd",
        "sessions");
    String m = Metrics.check(check());
    assertThat(m)
        .contains(
            "# TYPE wgmesh_link_handshake_age_seconds gauge\n",
            "wgmesh_link_handshake_age_seconds{domain=\"mesh.example.com\",interface=\"wg3\",peer=\"host3\"} 95\n",
            "# TYPE wgmesh_link_receive_bytes_total counter\n",
            "wgmesh_link_receive_bytes_total{domain=\"mesh.example.com\",interface=\"wg2\",peer=\"host2\"} 1000\n",
            "wgmesh_link_transmit_bytes_total{domain=\"mesh.example.com\",interface=\"wg2\",peer=\"host2\"} 2000\n",
            "wgmesh_link_bgp_established{domain=\"mesh.example.com\",interface=\"wg3\",peer=\"host3\"} 1\n",
            "wgmesh_link_bfd_up{domain=\"mesh.example.com\",interface=\"wg3\",peer=\"host3\"} 0\n",
            "wgmesh_bgp_routes{domain=\"mesh.example.com\",family=\"ipv4\"} 2\n",
            "wgmesh_bgp_routes{domain=\"mesh.example.com\",family=\"ipv6\"} 3\n",
            "wgmesh_mesh_record_serial{domain=\"mesh.example.com\"} 7\n",
            "wgmesh_mesh_record_expires_in_seconds{domain=\"mesh.example.com\"} "
                + (Fixtures.view().expires().getEpochSecond() - NOW)
                + "\n",
            "wgmesh_check_ok{domain=\"mesh.example.com\",check=\"link.wg3\"} 0\n",
            "wgmesh_check_ok{domain=\"mesh.example.com\",check=\"record-expiry\"} 1\n");
  }

  @Test
  @EnabledIf("org.wgmesh.core.testing.Promtool#isAvailable")
  void metrics_everyFileTheEndpointWrites_passesPromtoolCheckMetrics() throws Exception {
    String healthy = Metrics.check(check());
    host.respond(
        CommandResult.success(
            HealthyHost.bfdSessions(Map.of("wg2", "Down", "wg3", "Down", "wg5", "Up"))),
        "birdc",
        "-s",
        sock,
        "show",
        "bfd",
        "sessions");
    String unhealthy = Metrics.check(check());
    publicMtu(1280);
    String mtuWrong = Metrics.check(check());
    assertThat(mtuWrong).contains("wgmesh_check_ok{domain=\"mesh.example.com\",check=\"mtu\"} 0\n");
    Instant start = Instant.ofEpochSecond(NOW);
    Map<String, String> files =
        Map.of(
            "check, healthy",
            healthy,
            "check, two BFD sessions down",
            unhealthy,
            "check, MTU too large for the underlay",
            mtuWrong,
            "deploy, success",
            Metrics.deploy("mesh.example.com", start, Duration.ofMillis(1234), true, 7),
            "deploy, failed before reading",
            Metrics.deploy("mesh.example.com", start, Duration.ofMillis(80), false, 0));
    assertThat(unhealthy)
        .contains(
            "wgmesh_link_bfd_up{domain=\"mesh.example.com\",interface=\"wg2\",peer=\"host2\"} 0\n");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Promtool.Result r = Promtool.checkMetrics(f.getValue());
      assertThat(r.rc()).as(f.getKey() + ": " + r.output()).isZero();
      assertThat(r.output()).as(f.getKey()).isEmpty();
    }
  }
}
