package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.site.enrolment.EnrolmentService;
import org.wgmesh.site.enrolment.PolicyDecider;
import org.wgmesh.site.enrolment.SitePublisher;
import org.wgmesh.site.publish.TestSites;
import org.wgmesh.site.service.Curl;
import org.wgmesh.site.service.EnrolmentServer;
import org.wgmesh.site.service.ServiceSettings;

/**
 * {@code POST /v1/report} end to end: the real service with the site's policy, curl on 127.0.0.1
 * with device certificates openssl makes now; a host enrols, then reports; strangers do not.
 * Skipped without openssl or curl.
 */
class StatusReportServiceTest {
  @TempDir Path dir;
  Path yaml;
  TestPki fleet;
  TestPki tls;
  Path good;
  Path revoked;
  Path unenrolled;
  Path office;
  StringWriter log = new StringWriter();
  Reporter reporter = new Reporter(new PrintWriter(log, true), Reporter.Verbosity.NORMAL);
  EnrolmentServer server;
  ReportIntake intake;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(TestPki.opensslAvailable(), "openssl is not installed");
    assumeTrue(TestPki.onPath("curl"), "curl is not installed");
    tls = TestPki.service(Files.createDirectory(dir.resolve("tls")));
    fleet = TestPki.ca(Files.createDirectory(dir.resolve("fleet")), "fleet CA");
    good = fleet.device("web-1", "/CN=web-1.fleet.example");
    revoked = fleet.device("web-2", "/CN=web-2.fleet.example");
    unenrolled = fleet.device("web-3", "/CN=web-3.fleet.example");
    office = fleet.device("printer", "/CN=printer.office.example");
    fleet.writeCrl();
    yaml = dir.resolve("wgmesh.yaml");
    TestSites.create(yaml, "zonefile:" + dir.resolve("mesh.zone"), 0);
    Files.writeString(
        yaml,
        Files.readString(yaml)
            + String.join(
                "\n",
                "enrolment:",
                "  listen:",
                "  - 127.0.0.1:8443",
                "  tls-certificate: " + tls.cert("server"),
                "  tls-key: " + tls.key("server"),
                "  certificates:",
                "  - name: fleet",
                "    ca: " + fleet.caPem(),
                "    crl: " + fleet.crl(),
                "    subject: CN=*.fleet.example",
                "    admit: auto",
                ""));
    EnrolmentPolicy policy = EnrolmentService.policy(SiteFile.load(yaml), yaml);
    ServiceSettings settings =
        EnrolmentService.settings(policy).toBuilder()
            .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
            .build();
    DeviceCertificates certificates = DeviceCertificates.load(policy.certificates());
    Clock clock = Clock.systemUTC();
    server =
        EnrolmentServer.start(
            settings,
            new PolicyDecider(yaml, certificates, SitePublisher.wgpub(reporter), clock),
            ReportIntake.start(yaml, certificates, clock),
            reporter,
            clock);
    // web-1 and web-2 enrol while both are good; then web-2 is revoked.
    for (Path cert : List.of(good, revoked)) {
      String host = cert.getFileName().toString().replace(".pem", "");
      Curl.Result r = post(Optional.of(cert), "/v1/enrol", "{\"blob\":\"" + blob(host) + "\"}");
      assertThat(r.body()).as(r.stderr()).contains("\"decision\":\"admitted\"");
    }
    server.close();
    fleet.revoke(revoked);
    intake = ReportIntake.start(yaml, DeviceCertificates.load(policy.certificates()), clock);
    server =
        EnrolmentServer.start(
            settings,
            new PolicyDecider(
                yaml,
                DeviceCertificates.load(policy.certificates()),
                SitePublisher.wgpub(reporter),
                clock),
            intake,
            reporter,
            clock);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  String blob(String hostname) {
    Site site = SiteFile.load(yaml);
    X25519PrivateKey key = X25519PrivateKey.generate();
    Registration r =
        Registration.builder()
            .uuid(UUID.randomUUID())
            .hostname(hostname)
            .publicKey(key.publicKey())
            .endpoints(List.of(IpAddress.parse("198.51.100.7", "test")))
            .lanPrefixes(List.of())
            .created(Instant.now())
            .build();
    return RegistrationBlob.seal(r, key, site.keys().box().publicKey(), site.settings().domain());
  }

  Curl.Result post(Optional<Path> cert, String path, String body) throws Exception {
    Path file = Files.createTempFile(dir, "body", ".json");
    Files.writeString(file, body);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--cacert",
                tls.caPem().toString(),
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                "@" + file));
    if (cert.isPresent()) {
      Path key =
          cert.get().resolveSibling(cert.get().getFileName().toString().replace(".pem", ".key"));
      args.addAll(List.of("--cert", cert.get().toString(), "--key", key.toString()));
    }
    args.add("https://127.0.0.1:" + server.addresses().get(0).getPort() + path);
    return Curl.run(dir, args);
  }

  Curl.Result report(Optional<Path> cert, String body) throws Exception {
    return post(cert, "/v1/report", body);
  }

  Path statusFile() {
    return StatusFile.beside(yaml);
  }

  @Test
  void enrolledHost_reports_andStatusShowsIt() throws Exception {
    Curl.Result r = report(Optional.of(good), Reports.body(3, true, Reports.peer("web-2", "40")));
    assertThat(r.status()).as(r.body() + r.stderr()).isEqualTo(200);
    assertThat(r.body()).contains("\"stored\":\"web-1\"");
    // held in memory until the intake's next write (about a second)
    assertThat(intake.flush()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(statusFile())))
        .isEqualTo("rw-------");
    StatusFile.Received stored = StatusFile.read(statusFile()).get("web-1");
    assertThat(stored.report().serial()).isEqualTo(3);
    assertThat(stored.received()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));

    SiteStatus status =
        SiteStatus.of(SiteFile.load(yaml), yaml, Instant.now(), SiteStatus.DEFAULT_STALE_AFTER);
    assertThat(status.table()).containsPattern("web-1\\s+3\\s+1/1\\s+40s\\s+\\d+s ago\\s+healthy");
    assertThat(status.table()).containsPattern("web-2(\\s+-){4}\\s+never");
  }

  @Test
  void strangersAndBadBodies_areRefused_andNothingIsStored() throws Exception {
    String body = Reports.body(3, true);
    Curl.Result none = report(Optional.empty(), body);
    assertThat(none.status()).isEqualTo(403);
    assertThat(none.body()).contains("needs the host's device certificate");

    Curl.Result rev = report(Optional.of(revoked), body);
    assertThat(rev.status()).isEqualTo(403);
    assertThat(rev.body()).contains("certificate refused: revoked");

    Curl.Result notInSite = report(Optional.of(unenrolled), body);
    assertThat(notInSite.status()).isEqualTo(403);
    assertThat(notInSite.body()).contains("no host web-3 in the site");

    Curl.Result mismatch = report(Optional.of(office), body);
    assertThat(mismatch.status()).isEqualTo(403);

    Curl.Result bad = report(Optional.of(good), body.replace("\"serial\":3", "\"serial\":-3"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("\"field\":\"serial\"");

    Curl.Result big =
        report(
            Optional.of(good),
            body.replace("\"peers\":[]", "\"peers\":[], \"pad\":\"" + "x".repeat(20_000) + "\""));
    assertThat(big.status()).isEqualTo(413);

    Curl.Result get =
        Curl.run(
            dir,
            List.of(
                "--cacert",
                tls.caPem().toString(),
                "https://127.0.0.1:" + server.addresses().get(0).getPort() + "/v1/report"));
    assertThat(get.status()).isEqualTo(405);

    assertThat(intake.flush()).isFalse();
    assertThat(Files.exists(statusFile())).isFalse();
    assertThat(log.toString()).contains("report: address=127.0.0.1 refused: certificate refused");
  }
}
