package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.wgmesh.core.json.Json;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.service.Curl;
import org.wgmesh.site.service.ServiceFixture;
import org.wgmesh.site.service.StatusAccess;

/**
 * Hosts admitted with a join token report with the credential the admission answered ({@code
 * Authorization: Bearer}): the real service and curl on 127.0.0.1. Skipped without openssl or curl.
 */
class TokenReportTest {
  @TempDir Path dir;
  ServiceFixture service;
  Path yaml;
  StringWriter log;
  ReportIntake intake;
  String token;

  @BeforeEach
  void setUp() throws Exception {
    service = ServiceFixture.in(dir, Reporter.Verbosity.VERBOSE);
    yaml = service.yaml;
    log = service.log;
    service.writeSite(dir.resolve("mesh.zone"), "  tokens:", "    admit: auto", "    rejoin: true");
    token = service.token(Instant.now(), Duration.ofHours(1), 5);
    intake =
        service.startWithReports(
            ServiceFixture.settings(service.policy()).build(), StatusAccess.NONE);
  }

  @AfterEach
  void stop() {
    service.close();
  }

  /** Enrols {@code hostname} with the token and returns the answer's report credential. */
  String enrol(String hostname) throws Exception {
    Curl.Result r =
        post(
            Optional.empty(),
            "/v1/enrol",
            "{\"blob\":\"" + service.blob(hostname) + "\",\"token\":\"" + token + "\"}");
    JsonNode answer = Json.readTree(r.body(), "answer");
    assertThat(answer.path("decision").asText()).as(r.body()).isEqualTo("admitted");
    return answer.path("reportCredential").asText();
  }

  Curl.Result post(Optional<String> bearer, String path, String body) throws Exception {
    return service.post(ServiceFixture.bearerArgs(bearer), path, body);
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
