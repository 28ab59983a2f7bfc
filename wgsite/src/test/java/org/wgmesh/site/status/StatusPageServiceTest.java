package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.site.admin.AdminPasswordFile;
import org.wgmesh.site.enrolment.EnrolmentService;
import org.wgmesh.site.service.Curl;
import org.wgmesh.site.service.EnrolmentServer;
import org.wgmesh.site.service.ServiceFixture;

/**
 * The status page end to end: the service of a site with three enrolled hosts, an admin rule and an
 * admin password; curl on 127.0.0.1 with certificates openssl makes now. Who gets what (401, 403,
 * 429, 200), what the page, script and JSON are. Skipped without openssl or curl.
 */
class StatusPageServiceTest {
  static final String PASSWORD = "correct horse battery staple";
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
          + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  @TempDir Path dir;
  ServiceFixture service;
  Path yaml;
  TestPki fleet;
  TestPki adminCa;
  Path web1;
  Path web2;
  Path web3;
  Path alice;
  Path mallory;
  StringWriter log;
  Reporter reporter;
  ReportIntake intake;

  @BeforeEach
  void setUp() throws Exception {
    service = ServiceFixture.in(dir, Reporter.Verbosity.NORMAL);
    yaml = service.yaml;
    log = service.log;
    reporter = service.reporter;
    fleet = TestPki.ca(Files.createDirectory(dir.resolve("fleet")), "fleet CA");
    web1 = fleet.device("web-1", "/CN=web-1.fleet.example");
    web2 = fleet.device("web-2", "/CN=web-2.fleet.example");
    web3 = fleet.device("web-3", "/CN=web-3.fleet.example");
    fleet.writeCrl();
    adminCa = TestPki.ca(Files.createDirectory(dir.resolve("admins")), "admin CA");
    alice = adminCa.device("alice", "/CN=alice.admins.example");
    // From the admin CA but not matching the admin subject pattern.
    mallory = adminCa.device("mallory", "/CN=mallory.other.example");
    adminCa.writeCrl();
    service.writeSite(
        dir.resolve("mesh.zone"),
        ServiceFixture.fleetRule(
            fleet,
            "  admins:",
            "  - name: ops",
            "    ca: " + adminCa.caPem(),
            "    crl: " + adminCa.crl(),
            "    subject: CN=*.admins.example"));
    AdminPasswordFile.set(yaml, "admin", PASSWORD.toCharArray(), new SecureRandom());
    EnrolmentPolicy policy = service.policy();
    intake =
        service.startWithReports(
            ServiceFixture.settings(policy).rateLimit(1000, Duration.ofMinutes(1)).build(),
            EnrolmentService.statusAccess(yaml, policy, Clock.systemUTC()));
    for (Path cert : List.of(web1, web2, web3)) {
      String host = cert.getFileName().toString().replace(".pem", "");
      Curl.Result r =
          post(Optional.of(cert), "/v1/enrol", "{\"blob\":\"" + service.blob(host) + "\"}");
      assertThat(r.body()).as(r.stderr()).contains("\"decision\":\"admitted\"");
    }
  }

  @AfterEach
  void stop() {
    service.close();
  }

  Curl.Result post(Optional<Path> cert, String path, String body) throws Exception {
    return service.post(ServiceFixture.certArgs(cert), path, body);
  }

  /** GET with a certificate and/or HTTP Basic {@code user:password}. */
  Curl.Result get(Optional<Path> cert, Optional<String> basic, String path) throws Exception {
    List<String> args = new ArrayList<>(ServiceFixture.certArgs(cert));
    basic.ifPresent(b -> args.addAll(List.of("-u", b)));
    return service.get(args, path);
  }

  static Optional<String> header(Curl.Result r, String name) {
    return r.headers()
        .lines()
        .filter(l -> l.toLowerCase().startsWith(name.toLowerCase() + ":"))
        .map(l -> l.substring(name.length() + 1).trim())
        .findFirst();
  }

  @Test
  void noCredential_is401WithAChallenge_onEveryPath_andShowsNothing() throws Exception {
    for (String path :
        List.of(
            "/status",
            "/status/status.js",
            "/status/status.css",
            "/status/favicon.svg",
            "/v1/status")) {
      Curl.Result r = get(Optional.empty(), Optional.empty(), path);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(header(r, "WWW-Authenticate"))
          .as(path)
          .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm=\"wgmesh status\""));
      assertThat(header(r, "Content-Security-Policy")).contains(CSP);
      assertThat(r.body()).doesNotContain("web-1").doesNotContain("<html");
    }
  }

  @Test
  void deviceCertificate_is403_andANonMatchingAdminCaCertificateToo() throws Exception {
    Curl.Result device = get(Optional.of(web1), Optional.empty(), "/v1/status");
    assertThat(device.status()).isEqualTo(403);
    assertThat(device.body()).contains("no admin's").doesNotContain("\"hosts\"");
    Curl.Result other = get(Optional.of(mallory), Optional.empty(), "/status");
    assertThat(other.status()).isEqualTo(403);
    assertThat(log.toString()).contains("status page: address=127.0.0.1 refused: certificate of");
  }

  @Test
  void wrongPassword_is401_andFiveFailuresLockTheAddressOut_beforeAnyHash() throws Exception {
    for (int i = 0; i < 5; i++) {
      Curl.Result r = get(Optional.empty(), Optional.of("admin:wrong password " + i), "/v1/status");
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.body()).contains("wrong admin credential").doesNotContain("web-1");
    }
    Curl.Result unknownUser = get(Optional.empty(), Optional.of("root:" + PASSWORD), "/status");
    assertThat(unknownUser.status()).isEqualTo(429);
    // Locked out: even the right password waits, so guessing gains nothing by trying harder.
    Curl.Result right = get(Optional.empty(), Optional.of("admin:" + PASSWORD), "/v1/status");
    assertThat(right.status()).isEqualTo(429);
    assertThat(header(right, "Retry-After"))
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 300L));
    assertThat(log.toString()).contains("refused: wrong password for user admin");
  }

  @Test
  void adminFileChangedWhileRunning_takesEffectAtOnce_andABrokenOneRefusesPasswordsOnly()
      throws Exception {
    // The right password, verified once and so remembered for minutes.
    assertThat(get(Optional.empty(), Optional.of("admin:" + PASSWORD), "/v1/status").status())
        .isEqualTo(200);
    // As 'wgsite --admin-password' does while the service runs: a new admin, a changed password.
    AdminPasswordFile.set(yaml, "bob", "another long password".toCharArray(), new SecureRandom());
    AdminPasswordFile.set(
        yaml, "admin", "a changed long password".toCharArray(), new SecureRandom());
    assertThat(
            get(Optional.empty(), Optional.of("bob:another long password"), "/v1/status").status())
        .isEqualTo(200);
    // Remembered, but the file changed: the old password is forgotten at once.
    assertThat(get(Optional.empty(), Optional.of("admin:" + PASSWORD), "/v1/status").status())
        .isEqualTo(401);
    assertThat(
            get(Optional.empty(), Optional.of("admin:a changed long password"), "/v1/status")
                .status())
        .isEqualTo(200);
    // A broken file: no password is taken from it (fail closed), certificates still work.
    Files.writeString(AdminPasswordFile.beside(yaml), "{ not json");
    Curl.Result broken =
        get(Optional.empty(), Optional.of("admin:a changed long password"), "/v1/status");
    assertThat(broken.status()).isEqualTo(401);
    assertThat(broken.body()).doesNotContain("web-1");
    assertThat(log.toString())
        .contains("password logins are refused until the admin file is fixed")
        .contains(".admins");
    assertThat(get(Optional.of(alice), Optional.empty(), "/v1/status").status()).isEqualTo(200);
  }

  @Test
  void adminCertificate_getsThePage_scriptAndStyle_withTheirTypesAndTheCsp() throws Exception {
    Curl.Result page = get(Optional.of(alice), Optional.empty(), "/status");
    assertThat(page.status()).as(page.body() + page.stderr()).isEqualTo(200);
    assertThat(header(page, "Content-Type")).contains("text/html; charset=utf-8");
    assertThat(header(page, "Content-Security-Policy")).contains(CSP);
    assertThat(header(page, "X-Content-Type-Options")).contains("nosniff");
    assertThat(header(page, "Cache-Control")).contains("no-store");
    assertThat(page.body())
        .contains("<script src=\"/status/status.js\" defer></script>")
        .contains("<table id=\"hosts\">")
        .contains("<svg id=\"mesh\"");
    // No inline script or style (the CSP would block them) and nothing from elsewhere.
    assertThat(page.body().replace("<script src=\"/status/status.js\" defer>", ""))
        .doesNotContain("<script")
        .doesNotContain("style=")
        .doesNotContain("<style")
        .doesNotContain("http:")
        .doesNotContain("https:");
    Curl.Result script = get(Optional.of(alice), Optional.empty(), "/status/status.js");
    assertThat(header(script, "Content-Type")).contains("text/javascript; charset=utf-8");
    assertThat(script.body()).contains("fetch('/v1/status'").doesNotContain("innerHTML");
    Curl.Result style = get(Optional.of(alice), Optional.empty(), "/status/status.css");
    assertThat(header(style, "Content-Type")).contains("text/css; charset=utf-8");
    assertThat(style.body()).contains("line.link.unhealthy");
    Curl.Result icon = get(Optional.of(alice), Optional.empty(), "/status/favicon.svg");
    assertThat(header(icon, "Content-Type")).contains("image/svg+xml");
  }

  @Test
  void adminPassword_getsTheStatusJson_hostsAsWgsiteStatus_andLinksWithTheirHealth()
      throws Exception {
    assertThat(
            post(
                    Optional.of(web1),
                    "/v1/report",
                    Reports.body(3, true, Reports.peer("web-2", "40"), Reports.peer("web-3", "20")))
                .status())
        .isEqualTo(200);
    assertThat(
            post(
                    Optional.of(web2),
                    "/v1/report",
                    Reports.body(
                        3, true, Reports.peer("web-1", "30"), Reports.peer("web-3", "null")))
                .status())
        .isEqualTo(200);

    intake.flush(); // the status file is written once a second
    Curl.Result r = get(Optional.empty(), Optional.of("admin:" + PASSWORD), "/v1/status");
    assertThat(r.status()).as(r.body() + r.stderr()).isEqualTo(200);
    assertThat(header(r, "Content-Type")).contains("application/json");
    assertThat(header(r, "Content-Security-Policy")).contains(CSP);
    JsonNode doc = Json.readTree(r.body(), "status");
    // The hosts are wgsite --status --json's, made by the same code.
    JsonNode cli =
        SiteStatus.of(SiteFile.load(yaml), yaml, Instant.now(), SiteStatus.DEFAULT_STALE_AFTER)
            .json();
    assertThat(doc.get("hosts").size()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(doc.get("hosts").get(i).get("host"))
          .isEqualTo(cli.get("hosts").get(i).get("host"));
      assertThat(doc.get("hosts").get(i).get("health"))
          .isEqualTo(cli.get("hosts").get(i).get("health"));
    }
    assertThat(doc.get("hosts").get(0).get("health").asText()).isEqualTo("healthy");
    assertThat(doc.get("hosts").get(1).get("health").asText()).isEqualTo("unhealthy");
    assertThat(doc.get("hosts").get(2).get("health").asText()).isEqualTo("never");
    assertThat(Json.write(doc.get("links")))
        .isEqualTo(
            "[{\"a\":\"web-1\",\"b\":\"web-2\",\"health\":\"healthy\"},"
                + "{\"a\":\"web-1\",\"b\":\"web-3\",\"health\":\"healthy\"},"
                + "{\"a\":\"web-2\",\"b\":\"web-3\",\"health\":\"unhealthy\"}]");

    // web-1 loses its handshake with web-2: the link and web-1 turn unhealthy.
    post(
        Optional.of(web1),
        "/v1/report",
        Reports.body(3, true, Reports.peer("web-2", "900"), Reports.peer("web-3", "20")));
    intake.flush(); // the status file is written once a second
    JsonNode after =
        Json.readTree(
            get(Optional.empty(), Optional.of("admin:" + PASSWORD), "/v1/status").body(), "s");
    assertThat(after.get("hosts").get(0).get("health").asText()).isEqualTo("unhealthy");
    assertThat(after.get("links").get(0).get("health").asText()).isEqualTo("unhealthy");
  }

  @Test
  void thePageIsReadOnly_andNotServedWithoutAStatusAccess() throws Exception {
    Curl.Result post = post(Optional.of(alice), "/v1/status", "{}");
    assertThat(post.status()).isEqualTo(405);
    assertThat(header(post, "Allow")).contains("GET");
    service.close();
    service.server =
        EnrolmentServer.start(
            ServiceFixture.settings(service.policy()).build(),
            request -> {
              throw new IllegalStateException("not asked");
            },
            reporter,
            Clock.systemUTC());
    assertThat(get(Optional.of(alice), Optional.empty(), "/status").status()).isEqualTo(404);
  }
}
