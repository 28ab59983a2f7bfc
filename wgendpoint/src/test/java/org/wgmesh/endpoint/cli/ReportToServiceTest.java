package org.wgmesh.endpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.deploy.health.ReportBody;
import org.wgmesh.endpoint.enrol.ReportSender;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.site.service.Decision;
import org.wgmesh.site.service.EnrolmentServer;
import org.wgmesh.site.service.NotAuthenticatedException;
import org.wgmesh.site.service.ReportReceiver;
import org.wgmesh.site.status.ClientState;
import org.wgmesh.site.status.HealthReport;
import org.wgmesh.site.status.HealthReportParser;

/**
 * Health reports ({@code wgdeploy --check --report}) against wgsite's real HTTPS {@link
 * EnrolmentServer} on 127.0.0.1: {@code wghost --enrol} with a join token records where to report
 * and the credential the admission answered; the report then reaches the site's receiver, parsed by
 * the site's own {@link HealthReportParser}. Certificates made by openssl at test time.
 */
class ReportToServiceTest extends WghostServiceHarness {
  static final String CREDENTIAL = "wgrc1.web-1.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";
  final List<HealthReport> received = new CopyOnWriteArrayList<>();

  {
    decide =
        r ->
            Decision.admitted("join token 3f9c0d12a4b5e6f7 is valid", mesh.site.fingerprint())
                .withReportCredential(CREDENTIAL);
  }

  @Override
  ReportReceiver receiver() {
    return new ReportReceiver() {
      @Override
      public String receive(
          List<X509Certificate> chain, Optional<String> bearer, InetAddress client, byte[] body) {
        String host = host(chain, bearer);
        received.add(HealthReportParser.parse(body));
        return host;
      }

      @Override
      public String host(List<X509Certificate> chain, Optional<String> bearer) {
        if (!bearer.equals(Optional.of(CREDENTIAL))) {
          throw new NotAuthenticatedException("the report credential is not valid");
        }
        return "web-1";
      }
    };
  }

  @Test
  void nudge_answersAtOnceWhenBehind_waitsForThePublication_andAnswersItsSerial() throws Exception {
    published(5);
    start(pki);
    EndpointConfig config = enrolWithToken();
    ReportSender sender = ReportSender.forFollowing();
    assertThat(sender.nudge(config, 0)).isEqualTo(5);

    CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> sender.nudge(config, 5));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.nudgeHub().orElseThrow().waiting() != 1) {
      assertThat(System.nanoTime()).as("the request never waited").isLessThan(end);
      Thread.sleep(20);
    }
    published(6);
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(6);
  }

  @Test
  void nudge_withAWrongCredential_isDeclined_exit9() throws Exception {
    published(5);
    start(pki);
    EndpointConfig config = enrolWithToken();
    Files.writeString(config.reportCredential().orElseThrow(), "wgrc1.web-1.wrong\n");

    WgmeshException e =
        catchThrowableOfType(
            WgmeshException.class, () -> ReportSender.forFollowing().nudge(config, 0));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DECLINED);
    assertThat(e.getMessage()).contains(url() + "/v1/nudge?after=0").contains("HTTP 403");
  }

  EndpointConfig enrolWithToken() throws Exception {
    Run r = enrolWithTokenFile();
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain(CREDENTIAL);
    return EndpointFile.load(EndpointPaths.path(dir, DN), DN);
  }

  static org.wgmesh.endpoint.deploy.health.HealthReport check() {
    Instant at = Instant.parse("2026-11-22T08:00:00Z");
    return new org.wgmesh.endpoint.deploy.health.HealthReport(
        D,
        "mesh",
        at,
        List.of(
            new org.wgmesh.endpoint.deploy.health.HealthReport.Item(
                "link.wg2", true, "wg2 (h2)", "up", "")),
        List.of(
            new org.wgmesh.endpoint.deploy.health.HealthReport.LinkStatus(
                "wg2",
                "h2",
                true,
                OptionalLong.of(at.getEpochSecond() - 40),
                1200,
                3400,
                "Established",
                "Up",
                1420,
                1420,
                "198.51.100.7:51002"),
            new org.wgmesh.endpoint.deploy.health.HealthReport.LinkStatus(
                "wg3", "h3", true, OptionalLong.empty(), 0, 0, "", "", 1420, 1420, "")),
        Map.of(),
        new org.wgmesh.endpoint.deploy.health.HealthReport.RecordStatus(7, 0, 0, 7));
  }

  @Test
  void tokenEnrolment_recordsWhereToReport_andTheReportReachesTheSite() throws Exception {
    start(pki);
    EndpointConfig config = enrolWithToken();
    assertThat(config.reportUrl()).contains(url());
    assertThat(config.reportCa()).contains(pki.cert("ca").toAbsolutePath());
    assertThat(config.reportCert()).isEmpty();
    Path credential = config.reportCredential().orElseThrow();
    assertThat(Files.readString(credential).strip()).isEqualTo(CREDENTIAL);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credential)))
        .isEqualTo("rw-------");

    String host = new ReportSender().send(config, ReportBody.of(check()));

    assertThat(host).isEqualTo("web-1");
    assertThat(received).hasSize(1);
    HealthReport stored = received.get(0);
    assertThat(stored.serial()).isEqualTo(7);
    assertThat(stored.checkStatus()).isEqualTo("healthy");
    assertThat(stored.peers()).hasSize(2);
    assertThat(stored.peers().get(0).peer()).isEqualTo("h2");
    assertThat(stored.peers().get(0).handshakeAge()).contains(Duration.ofSeconds(40));
    assertThat(stored.peers().get(0).endpoint()).contains("198.51.100.7:51002");
    assertThat(stored.peers().get(1).handshakeAge()).isEmpty();
    assertThat(stored.peers().get(1).endpoint()).isEmpty();
  }

  @Test
  void aHostWithClients_reportsThem_andTheSiteReadsThem() throws Exception {
    org.wgmesh.endpoint.deploy.health.HealthReport plain = check();
    org.wgmesh.endpoint.deploy.health.HealthReport withClients =
        new org.wgmesh.endpoint.deploy.health.HealthReport(
            plain.domain(),
            plain.namespace(),
            plain.at(),
            plain.items(),
            plain.links(),
            plain.bgpRoutes(),
            plain.record(),
            List.of(
                new org.wgmesh.endpoint.deploy.health.HealthReport.ClientStatus(
                    "wgc1",
                    "anna",
                    true,
                    OptionalLong.of(plain.at().getEpochSecond() - 25),
                    500,
                    700,
                    "203.0.113.77:41641"),
                new org.wgmesh.endpoint.deploy.health.HealthReport.ClientStatus(
                    "wgc2", "bob", true, OptionalLong.empty(), 0, 0, "")));
    start(pki);
    EndpointConfig config = enrolWithToken();

    new ReportSender().send(config, ReportBody.of(withClients));

    List<ClientState> clients = received.get(0).clients();
    assertThat(clients)
        .containsExactly(
            new ClientState(
                "anna",
                "wgc1",
                Optional.of(Duration.ofSeconds(25)),
                500,
                700,
                Optional.of("203.0.113.77:41641")),
            new ClientState("bob", "wgc2", Optional.empty(), 0, 0, Optional.empty()));
    // A host without clients sends no "clients" field: a site of an older release reads it.
    assertThat(ReportBody.of(plain)).doesNotContain("clients");
  }

  @Test
  void aWrongCredential_isDeclined_exit9_namingTheUrl() throws Exception {
    start(pki);
    EndpointConfig config = enrolWithToken();
    Files.writeString(config.reportCredential().orElseThrow(), "wgrc1.web-1.wrong\n");

    WgmeshException e =
        catchThrowableOfType(
            WgmeshException.class, () -> new ReportSender().send(config, ReportBody.of(check())));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DECLINED);
    assertThat(e.getMessage()).contains(url() + "/v1/report").contains("HTTP 403");
    assertThat(received).isEmpty();
  }

  @Test
  void aServiceThatIsDown_failsQuickly_withExit6_namingTheUrl() throws Exception {
    start(pki);
    EndpointConfig config = enrolWithToken();
    server.close();
    server = null;

    long t0 = System.nanoTime();
    WgmeshException e =
        catchThrowableOfType(
            WgmeshException.class, () -> new ReportSender().send(config, ReportBody.of(check())));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(e.exitCode()).isEqualTo(ExitCode.DNS);
    assertThat(e.getMessage()).contains("/v1/report").contains("cannot connect");
    assertThat(took).isLessThan(ReportSender.CONNECT_TIMEOUT.plus(ReportSender.TIMEOUT));
  }

  @Test
  void withoutReportUrl_sendingIsAConfigError() throws Exception {
    EndpointConfig config = EndpointFile.load(EndpointPaths.path(dir, DN), DN);
    WgmeshException e =
        catchThrowableOfType(
            WgmeshException.class, () -> new ReportSender().send(config, ReportBody.of(check())));
    assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(e.getMessage()).contains("report-url");
  }
}
