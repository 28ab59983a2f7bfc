package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.enrolment.HostnamePattern;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.site.TokenAdmin;
import org.wgmesh.site.enrolment.EnrolmentService;
import org.wgmesh.site.enrolment.PolicyDecider;
import org.wgmesh.site.enrolment.SitePublisher;
import org.wgmesh.site.publish.TestSites;
import org.wgmesh.site.service.Curl;
import org.wgmesh.site.service.EnrolmentServer;
import org.wgmesh.site.service.ServiceSettings;

/**
 * Hosts admitted with a join token report with the credential the admission answered ({@code
 * Authorization: Bearer}): the real service and curl on 127.0.0.1. Skipped without openssl or curl.
 */
class TokenReportTest {
  @TempDir Path dir;
  Path yaml;
  TestPki tls;
  StringWriter log = new StringWriter();
  Reporter reporter = new Reporter(new PrintWriter(log, true), Reporter.Verbosity.VERBOSE);
  EnrolmentServer server;
  ReportIntake intake;
  String token;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(TestPki.onPath("openssl"), "openssl is not installed");
    assumeTrue(TestPki.onPath("curl"), "curl is not installed");
    tls = TestPki.service(Files.createDirectory(dir.resolve("tls")));
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
                "  tokens:",
                "    admit: auto",
                "    rejoin: true",
                ""));
    token =
        new TokenAdmin()
            .create(
                yaml,
                new TokenAdmin.Request(
                    Optional.of(Duration.ofHours(1)),
                    OptionalInt.of(5),
                    HostnamePattern.parse("db-*", "test"),
                    List.of()),
                Instant.now())
            .text();
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
            intake = ReportIntake.start(yaml, certificates, clock),
            reporter,
            clock);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Enrols {@code hostname} with the token and returns the answer's report credential. */
  String enrol(String hostname) throws Exception {
    Curl.Result r =
        post(
            Optional.empty(),
            "/v1/enrol",
            "{\"blob\":\"" + blob(hostname) + "\",\"token\":\"" + token + "\"}");
    JsonNode answer = Json.readTree(r.body(), "answer");
    assertThat(answer.path("decision").asText()).as(r.body()).isEqualTo("admitted");
    return answer.path("reportCredential").asText();
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

  Curl.Result post(Optional<String> bearer, String path, String body) throws Exception {
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
    bearer.ifPresent(b -> args.addAll(List.of("-H", "Authorization: Bearer " + b)));
    args.add("https://127.0.0.1:" + server.addresses().get(0).getPort() + path);
    return Curl.run(dir, args);
  }

  Curl.Result report(String credential) throws Exception {
    return post(Optional.of(credential), "/v1/report", Reports.body(7, true));
  }

  Path statusFile() {
    return StatusFile.beside(yaml);
  }

  @Test
  void tokenHost_reportsWithItsCredential_storedHashedOnly() throws Exception {
    String credential = enrol("db-1");
    assertThat(credential).startsWith("wgrc1.db-1.");

    Curl.Result r = report(credential);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"stored\":\"db-1\"");
    intake.flush(); // the status file is written once a second
    assertThat(StatusFile.read(statusFile()).get("db-1").report().serial()).isEqualTo(7);

    Path reporters = ReportCredentials.beside(yaml);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(reporters)))
        .isEqualTo("rw-------");
    String secret = credential.substring(credential.lastIndexOf('.') + 1);
    assertThat(Files.readString(reporters)).contains("\"db-1\"").doesNotContain(secret);
    assertThat(log.toString()).doesNotContain(secret);
  }

  @Test
  void wrongUnknownOrForeignCredential_isRefused_andNothingIsStored() throws Exception {
    String one = enrol("db-1");
    enrol("db-2");
    String secretOfOne = one.substring(one.lastIndexOf('.') + 1);
    for (String bad :
        List.of(
            "wgrc1.db-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // wrong secret
            "wgrc1.db-9." + secretOfOne, // no such host
            "wgrc1.db-2." + secretOfOne, // another host's secret
            "not a credential")) {
      Curl.Result r = report(bad);
      assertThat(r.status()).as(bad + ": " + r.body()).isEqualTo(403);
      assertThat(r.body()).contains("\"error\":\"forbidden\"").contains("not valid");
    }
    assertThat(statusFile()).doesNotExist();
    assertThat(log.toString()).doesNotContain(secretOfOne);
  }

  @Test
  void rejoin_replacesTheCredential() throws Exception {
    String first = enrol("db-1");
    String second = enrol("db-1");
    assertThat(second).isNotEqualTo(first);

    Curl.Result old = report(first);
    assertThat(old.status()).as(old.body()).isEqualTo(403);
    assertThat(statusFile()).doesNotExist();
    Curl.Result fresh = report(second);
    assertThat(fresh.status()).as(fresh.body()).isEqualTo(200);
  }

  @Test
  void credentialOfARemovedHost_isRefused() throws Exception {
    String credential = enrol("db-1");
    Site site = SiteFile.load(yaml);
    SiteFile.save(site.withoutHost(site.hostNamed("db-1").orElseThrow().uuid()), yaml);
    Curl.Result r = report(credential);
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.body()).contains("no host db-1");
  }
}
