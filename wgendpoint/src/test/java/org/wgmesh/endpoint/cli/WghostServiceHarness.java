package org.wgmesh.endpoint.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.endpoint.config.EnrolOptions;
import org.wgmesh.endpoint.config.Enrolment;
import org.wgmesh.endpoint.config.HostRegistration;
import org.wgmesh.endpoint.config.TestMesh;
import org.wgmesh.endpoint.enrol.EnrolClient;
import org.wgmesh.endpoint.enrol.ServiceEnrolment;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.site.nudge.Nudges;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.service.Decision;
import org.wgmesh.site.service.EnrolmentRequest;
import org.wgmesh.site.service.EnrolmentServer;
import org.wgmesh.site.service.ReportReceiver;
import org.wgmesh.site.service.ServiceSettings;
import org.wgmesh.site.service.StatusAccess;

/**
 * What the tests of {@code wghost} against wgsite's real HTTPS {@link EnrolmentServer} share: an
 * endpoint enrolled in a {@link TestMesh}, the server on 127.0.0.1 with a test decider ({@link
 * #decide}, every request kept in {@link #asked}) and certificates openssl makes at test time, and
 * {@code wghost} run in-process. A test class takes health reports by overriding {@link
 * #receiver()}.
 */
abstract class WghostServiceHarness {
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
  Function<EnrolmentRequest, Decision> decide = r -> Decision.refused("no decider set");

  record Run(int rc, String out, String err) {}

  @BeforeEach
  void enrolEndpoint() throws Exception {
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

  /** Where the server sends health reports: none unless a test class takes them. */
  ReportReceiver receiver() {
    return ReportReceiver.NONE;
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
            receiver(),
            StatusAccess.NONE,
            Optional.of(
                Nudges.watch(
                    SitePublication.statePath(siteFile()),
                    8,
                    EnrolmentServer.THREAD_NAME + "-nudge",
                    serverLog::write)),
            new Reporter(new PrintWriter(serverLog, true), Reporter.Verbosity.VERBOSE),
            Clock.systemUTC());
  }

  /** The site file the service's push watches (only its publication state is ever written). */
  Path siteFile() {
    return pkiDir.resolve("site.yaml");
  }

  /** Writes the publication state a wgpub of serial {@code serial} leaves: a push to followers. */
  void published(long serial) throws IOException {
    Files.writeString(
        SitePublication.statePath(siteFile()),
        new PublicationState(serial, Optional.empty(), Map.of(), Optional.empty(), Map.of())
            .toText());
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

  /**
   * {@code wghost --enrol} against the server, trusting the test CA, with the token from a file.
   */
  Run enrolWithTokenFile() throws Exception {
    return runEnrol(
        "--enrol",
        url(),
        "--ca",
        pki.cert("ca").toString(),
        "--token-file",
        tokenFile().toString());
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
}
