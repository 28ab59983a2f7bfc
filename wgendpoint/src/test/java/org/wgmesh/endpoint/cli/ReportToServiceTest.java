package org.wgmesh.endpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.EnrolOptions;
import org.wgmesh.endpoint.config.Enrolment;
import org.wgmesh.endpoint.config.HostRegistration;
import org.wgmesh.endpoint.config.TestMesh;
import org.wgmesh.endpoint.deploy.health.ReportBody;
import org.wgmesh.endpoint.enrol.EnrolClient;
import org.wgmesh.endpoint.enrol.ReportSender;
import org.wgmesh.endpoint.enrol.ServiceEnrolment;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.site.service.Decision;
import org.wgmesh.site.service.EnrolmentRequest;
import org.wgmesh.site.service.EnrolmentServer;
import org.wgmesh.site.service.NotAuthenticatedException;
import org.wgmesh.site.service.ServiceSettings;
import org.wgmesh.site.status.HealthReport;
import org.wgmesh.site.status.HealthReportParser;

/**
 * Health reports ({@code wgdeploy --check --report}) against wgsite's real HTTPS {@link
 * EnrolmentServer} on 127.0.0.1: {@code wghost --enrol} with a join token records where to report
 * and the credential the admission answered; the report then reaches the site's receiver, parsed by
 * the site's own {@link HealthReportParser}. Certificates made by openssl at test time.
 */
class ReportToServiceTest {
  static final String D = TestMesh.DOMAIN;
  static final DomainName DN = DomainName.parse(D, "test");
  static final String TOKEN = "wgjt1.3f9c0d12a4b5e6f7.c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I";

  @TempDir Path dir;
  @TempDir Path pkiDir;
  TestPki pki;
  TestMesh mesh;
  EnrolmentServer server;
  final StringWriter serverLog = new StringWriter();
  final List<EnrolmentRequest> asked = new CopyOnWriteArrayList<>();
  static final String CREDENTIAL = "wgrc1.web-1.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";
  final List<HealthReport> received = new CopyOnWriteArrayList<>();
  Function<EnrolmentRequest, Decision> decide =
      r ->
          Decision.admitted("join token 3f9c0d12a4b5e6f7 is valid", mesh.site.fingerprint())
              .withReportCredential(CREDENTIAL);

  record Run(int rc, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    pki = TestPki.service(pkiDir);
    mesh = new TestMesh().publishEmpty();
    new Enrolment(Reporter.silent(), o -> mesh.dns)
        .enrol(
            EnrolOptions.of(DN, dir)
                .with(b -> b.roots = Roots.under(dir.resolve("root")))
                .with(b -> b.publicAddresses = List.of(IpAddress.parse("203.0.113.7", "t"))));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  void start(TestPki issuer) {
    server =
        EnrolmentServer.start(
            ServiceSettings.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .serverCertificate(issuer.cert("server"))
                .serverKey(issuer.key("server"))
                .clientCas(List.of(pki.cert("ca")))
                .rateLimit(1000, Duration.ofMinutes(1))
                .maxThreads(6)
                .build(),
            request -> {
              asked.add(request);
              return decide.apply(request);
            },
            (chain, bearer, client, body) -> {
              if (!bearer.equals(Optional.of(CREDENTIAL))) {
                throw new NotAuthenticatedException("the report credential is not valid");
              }
              received.add(HealthReportParser.parse(body));
              return "web-1";
            },
            new Reporter(new PrintWriter(serverLog, true), Reporter.Verbosity.VERBOSE),
            Clock.systemUTC());
  }

  String url() {
    return "https://127.0.0.1:" + server.addresses().get(0).getPort();
  }

  Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(new byte[0]), out, err, false);
    Function<Reporter, HostRegistration> registration =
        reporter ->
            new HostRegistration(
                reporter,
                Clock.fixed(Instant.parse("2026-11-22T08:00:00Z"), ZoneOffset.UTC),
                () -> "web-1");
    int rc =
        Cli.run(
            i ->
                new WghostCommand(
                    i,
                    Map.of(),
                    registration,
                    reporter ->
                        new ServiceEnrolment(
                            reporter,
                            registration.apply(reporter),
                            new Enrolment(reporter, o -> mesh.dns),
                            tls ->
                                new EnrolClient(
                                    tls, Duration.ofSeconds(5), Duration.ofSeconds(10)))),
            io,
            args);
    return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  List<String> enrol(String... more) {
    List<String> args = new ArrayList<>(List.of("--config-dir", dir.toString(), "-v"));
    args.addAll(List.of(more));
    args.add(D);
    return args;
  }

  Run runEnrol(String... more) {
    return run(enrol(more).toArray(String[]::new));
  }

  Path seenFile() {
    return Roots.under(dir.resolve("root")).seenFile(D);
  }

  Path tokenFile() throws Exception {
    Path f = dir.resolve("join.token");
    Files.writeString(f, TOKEN + "\n");
    return f;
  }

  /** Every file of the endpoint's directory tree and its content, to show nothing changed. */
  Map<Path, String> endpointFiles() throws Exception {
    Map<Path, String> files = new TreeMap<>();
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(p, Files.readString(p));
      }
    }
    return files;
  }

  EndpointConfig enrolWithToken() throws Exception {
    Run r =
        runEnrol(
            "--enrol",
            url(),
            "--ca",
            pki.cert("ca").toString(),
            "--token-file",
            tokenFile().toString());
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
