package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.site.service.Curl;
import org.wgmesh.site.service.ServiceFixture;
import org.wgmesh.site.service.ServiceSettings;
import org.wgmesh.site.service.StatusAccess;

/**
 * {@code POST /v1/report} end to end: the real service with the site's policy, curl on 127.0.0.1
 * with device certificates openssl makes now; a host enrols, then reports; strangers do not.
 * Skipped without openssl or curl.
 */
class StatusReportServiceTest {
  @TempDir Path dir;
  ServiceFixture service;
  Path yaml;
  TestPki fleet;
  TestPki tls;
  Path good;
  Path revoked;
  Path unenrolled;
  Path office;
  StringWriter log;
  ReportIntake intake;

  @BeforeEach
  void setUp() throws Exception {
    service = ServiceFixture.in(dir, Reporter.Verbosity.NORMAL);
    yaml = service.yaml;
    tls = service.tls;
    log = service.log;
    fleet = TestPki.ca(Files.createDirectory(dir.resolve("fleet")), "fleet CA");
    good = fleet.device("web-1", "/CN=web-1.fleet.example");
    revoked = fleet.device("web-2", "/CN=web-2.fleet.example");
    unenrolled = fleet.device("web-3", "/CN=web-3.fleet.example");
    office = fleet.device("printer", "/CN=printer.office.example");
    fleet.writeCrl();
    service.writeSite(dir.resolve("mesh.zone"), ServiceFixture.fleetRule(fleet));
    ServiceSettings settings = ServiceFixture.settings(service.policy()).build();
    service.startWithReports(settings, StatusAccess.NONE);
    // web-1 and web-2 enrol while both are good; then web-2 is revoked.
    for (Path cert : List.of(good, revoked)) {
      String host = cert.getFileName().toString().replace(".pem", "");
      Curl.Result r =
          post(Optional.of(cert), "/v1/enrol", "{\"blob\":\"" + service.blob(host) + "\"}");
      assertThat(r.body()).as(r.stderr()).contains("\"decision\":\"admitted\"");
    }
    service.close();
    fleet.revoke(revoked);
    intake = service.startWithReports(settings, StatusAccess.NONE);
  }

  @AfterEach
  void stop() {
    service.close();
  }

  Curl.Result post(Optional<Path> cert, String path, String body) throws Exception {
    return service.post(ServiceFixture.certArgs(cert), path, body);
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
        Curl.run(dir, List.of("--cacert", tls.caPem().toString(), service.url("/v1/report")));
    assertThat(get.status()).isEqualTo(405);

    assertThat(intake.flush()).isFalse();
    assertThat(Files.exists(statusFile())).isFalse();
    assertThat(log.toString()).contains("report: address=127.0.0.1 refused: certificate refused");
  }
}
