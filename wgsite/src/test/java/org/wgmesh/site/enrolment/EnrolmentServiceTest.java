package org.wgmesh.site.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.enrolment.TokenFile;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.record.RecordNames;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.site.publish.TestSites;
import org.wgmesh.site.service.Curl;
import org.wgmesh.site.service.EnrolmentServer;
import org.wgmesh.site.service.ServiceFixture;
import org.wgmesh.site.service.ServiceSettings;

/**
 * The enrolment service end to end (issue 23): the site file's {@code enrolment:} section, the
 * policy decider, a zone file as publish target, curl on 127.0.0.1 with certificates openssl makes
 * now. Skipped without openssl or curl.
 */
class EnrolmentServiceTest {
  @TempDir Path dir;
  ServiceFixture service;
  Path yaml;
  Path zone;
  TestPki fleet;
  TestPki tls;
  Path good;
  Path revoked;
  Path office;
  Path lab;
  StringWriter log;
  Reporter reporter;

  @BeforeEach
  void setUp() throws Exception {
    service = ServiceFixture.in(dir, Reporter.Verbosity.NORMAL);
    yaml = service.yaml;
    tls = service.tls;
    log = service.log;
    reporter = service.reporter;
    fleet = TestPki.ca(Files.createDirectory(dir.resolve("fleet")), "fleet CA");
    good = fleet.device("web-1", "/CN=web-1.fleet.example");
    revoked = fleet.device("web-2", "/CN=web-2.fleet.example");
    office = fleet.device("printer", "/CN=printer.office.example");
    lab = fleet.device("lab-7", "/CN=lab-7.lab.example");
    fleet.revoke(revoked);
    zone = dir.resolve("mesh.zone");
    service.writeSite(
        zone,
        "  certificates:",
        "  - name: fleet",
        "    ca: " + fleet.caPem(),
        "    crl: " + fleet.crl(),
        "    subject: CN=*.fleet.example",
        "    lan-prefixes:",
        "    - 10.20.0.0/16",
        "    admit: auto",
        "  - name: lab",
        "    ca: " + fleet.caPem(),
        "    subject: CN=*.lab.example",
        "    admit: queue",
        "  tokens:",
        "    admit: auto");
  }

  @AfterEach
  void stop() {
    service.close();
  }

  EnrolmentPolicy policy() {
    return service.policy();
  }

  /** The settings --serve builds, on an ephemeral port, without report intake or status page. */
  void start(SitePublisher publisher) {
    EnrolmentPolicy policy = policy();
    service.server =
        EnrolmentServer.start(
            ServiceFixture.settings(policy).build(),
            new PolicyDecider(
                yaml, DeviceCertificates.load(policy.certificates()), publisher, Clock.systemUTC()),
            reporter,
            Clock.systemUTC());
  }

  String blob(String hostname, String... lans) {
    return service.blob(hostname, lans);
  }

  Curl.Result enrol(Optional<Path> cert, String body) throws Exception {
    return service.post(ServiceFixture.certArgs(cert), "/v1/enrol", body);
  }

  static String body(String blob) {
    return "{\"blob\":\"" + blob + "\"}";
  }

  static String body(String blob, String token) {
    return "{\"blob\":\"" + blob + "\",\"token\":\"" + token + "\"}";
  }

  @Test
  void settings_comeFromTheEnrolmentSection() {
    ServiceSettings s = EnrolmentService.settings(policy());
    assertThat(s.listen()).containsExactly(new InetSocketAddress("127.0.0.1", 8443));
    assertThat(s.serverCertificate()).isEqualTo(tls.cert("server"));
    assertThat(s.serverKey()).isEqualTo(tls.key("server"));
    assertThat(s.clientCas()).containsExactly(fleet.caPem(), fleet.caPem());
  }

  @Test
  void goodCertificate_isAdmitted_andPublishedToTheZoneFile() throws Exception {
    start(SitePublisher.wgpub(reporter));
    Curl.Result r = enrol(Optional.of(good), body(blob("web-1", "10.20.1.0/24")));
    assertThat(r.status()).as(r.body() + r.stderr()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"decision\":\"admitted\"")
        .contains(SiteFile.load(yaml).keys().fingerprint());
    assertThat(SiteFile.load(yaml).hostNamed("web-1")).isPresent();
    assertThat(Files.readString(zone))
        .contains(RecordNames.hostRecordName(TestSites.DOMAIN, 1).replaceFirst("\\.$", ""));
    assertThat(log.toString())
        .contains("subject=CN=web-1.fleet.example")
        .contains("decision=admitted reason=device certificate matches rule fleet");
  }

  @Test
  void revokedForeignAndNonMatching_areRefusedWithTheReason_andChangeNothing() throws Exception {
    start(SitePublisher.wgpub(reporter));
    String before = Files.readString(yaml);
    Curl.Result r = enrol(Optional.of(revoked), body(blob("web-2")));
    assertThat(r.body()).contains("\"decision\":\"refused\"").contains("revoked");
    Curl.Result odd = enrol(Optional.of(office), body(blob("printer")));
    assertThat(odd.body()).contains("\"decision\":\"refused\"").contains("subject does not match");
    Curl.Result lanOutside = enrol(Optional.of(good), body(blob("web-1", "10.99.0.0/24")));
    assertThat(lanOutside.body()).contains("LAN prefix not allowed");
    Curl.Result otherName = enrol(Optional.of(good), body(blob("web-9")));
    assertThat(otherName.body()).contains("hostname not allowed");
    // A foreign CA ends at the TLS layer, before the decider: no HTTP answer, a log line.
    Curl.Result foreign = enrol(Optional.of(tls.other().cert("device")), body(blob("web-1")));
    assertThat(foreign.status()).isZero();
    assertThat(foreign.exit()).isNotZero();
    assertThat(log.toString())
        .contains("subject=CN=web-2.fleet.example")
        .contains("decision=refused reason=revoked")
        .contains("decision=refused reason=TLS handshake failed");
    assertThat(Files.readString(yaml)).isEqualTo(before);
    assertThat(zone).doesNotExist();
  }

  String token(Instant made, Duration expires, int uses) {
    return service.token(made, expires, uses);
  }

  @Test
  void token_admitsOnce_thenIsUsedUp() throws Exception {
    String token = token(Instant.now(), Duration.ofHours(1), 1);
    start(SitePublisher.wgpub(reporter));
    Curl.Result first = enrol(Optional.empty(), body(blob("db-1"), token));
    assertThat(first.body()).as(first.stderr()).contains("\"decision\":\"admitted\"");
    assertThat(SiteFile.load(yaml).hostNamed("db-1")).isPresent();
    assertThat(TokenFile.read(TokenFile.beside(yaml)).tokens().get(0).usesLeft()).isZero();
    Curl.Result second = enrol(Optional.empty(), body(blob("db-2"), token));
    assertThat(second.body()).contains("\"decision\":\"refused\"").contains("used up");
    assertThat(SiteFile.load(yaml).hostNamed("db-2")).isEmpty();
    assertThat(log.toString()).contains("subject=token:").doesNotContain(token);
  }

  @Test
  void repeatedTokenRequest_ofTheAdmittedHost_isAdmittedAgain_withoutSpendingAUse()
      throws Exception {
    String token = token(Instant.now(), Duration.ofHours(1), 1);
    start(SitePublisher.wgpub(reporter));
    String blob = blob("db-1");
    Curl.Result first = enrol(Optional.empty(), body(blob, token));
    assertThat(first.body()).as(first.stderr()).contains("\"decision\":\"admitted\"");
    String site = Files.readString(yaml);

    // the answer was lost: the host asks again with the same blob and the used-up token
    Curl.Result again = enrol(Optional.empty(), body(blob, token));

    assertThat(again.body()).as(again.stderr()).contains("\"decision\":\"admitted\"");
    assertThat(again.body()).contains("reportCredential");
    assertThat(Files.readString(yaml)).isEqualTo(site);
    assertThat(TokenFile.read(TokenFile.beside(yaml)).tokens().get(0).usesLeft()).isZero();
    // another host with that token is still refused: the use is spent
    assertThat(enrol(Optional.empty(), body(blob("db-2"), token)).body()).contains("used up");
  }

  @Test
  void expiredToken_isRefused() throws Exception {
    String token = token(Instant.now().minus(Duration.ofDays(1)), Duration.ofHours(1), 5);
    start(SitePublisher.wgpub(reporter));
    Curl.Result r = enrol(Optional.empty(), body(blob("db-1"), token));
    assertThat(r.body()).contains("\"decision\":\"refused\"").contains("expired");
    assertThat(SiteFile.load(yaml).hosts()).isEmpty();
  }

  @Test
  void queuedHost_isListed_thenPublishedAfterApproval() throws Exception {
    start(SitePublisher.wgpub(reporter));
    String blob = blob("lab-7");
    Curl.Result r = enrol(Optional.of(lab), body(blob));
    assertThat(r.body()).contains("\"decision\":\"queued\"");
    assertThat(SiteFile.load(yaml).hosts()).isEmpty();
    Path queueFile = QueueFile.beside(yaml);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(queueFile)))
        .isEqualTo("rw-------");
    EnrolmentQueue queue = new EnrolmentQueue(yaml, reporter, SitePublisher.wgpub(reporter));
    List<QueuedHost> listed = queue.list();
    assertThat(listed).singleElement().satisfies(h -> assertThat(h.hostname()).isEqualTo("lab-7"));
    assertThat(listed.get(0).subject()).isEqualTo("CN=lab-7.lab.example");
    queue.approve(listed.get(0).id());
    assertThat(SiteFile.load(yaml).hostNamed("lab-7")).isPresent();
    assertThat(queue.list()).isEmpty();
    assertThat(Files.readString(zone))
        .contains(RecordNames.hostRecordName(TestSites.DOMAIN, 1).replaceFirst("\\.$", ""));
    // the host asks again to learn the decision: admitted, not queued a second time
    String site = Files.readString(yaml);
    Curl.Result again = enrol(Optional.of(lab), body(blob));
    assertThat(again.body()).as(again.stderr()).contains("\"decision\":\"admitted\"");
    assertThat(queue.list()).isEmpty();
    assertThat(Files.readString(yaml)).isEqualTo(site);
  }

  @Test
  void rejectedHost_leavesTheQueue_unadmitted() throws Exception {
    start(SitePublisher.wgpub(reporter));
    enrol(Optional.of(lab), body(blob("lab-7")));
    EnrolmentQueue queue = new EnrolmentQueue(yaml, reporter, SitePublisher.wgpub(reporter));
    String id = queue.list().get(0).id();
    queue.reject(id);
    assertThat(queue.list()).isEmpty();
    assertThat(SiteFile.load(yaml).hosts()).isEmpty();
    assertThatThrownBy(() -> queue.approve(id)).hasMessageContaining("no queued request " + id);
  }

  /**
   * A failed publication keeps wgsite -i + wgpub semantics: the host stays admitted and the use
   * spent (as after wgsite -i and a failed wgpub), the client is told "not published", and the next
   * wgpub publishes it.
   */
  @Test
  void failedPublish_leavesTheHostAdmitted_andTheNextWgpubPublishesIt() throws Exception {
    String token = token(Instant.now(), Duration.ofHours(1), 2);
    start(
        siteFile -> {
          throw new PublishException("zonefile", "disk full");
        });
    Curl.Result r = enrol(Optional.empty(), body(blob("db-1"), token));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.body()).contains("not published").doesNotContain("nothing was changed");
    assertThat(SiteFile.load(yaml).hostNamed("db-1")).isPresent();
    assertThat(TokenFile.read(TokenFile.beside(yaml)).tokens().get(0).usesLeft()).isEqualTo(1);
    assertThat(zone).doesNotExist();
    SitePublisher.wgpub(reporter).publish(yaml);
    assertThat(Files.readString(zone))
        .contains(RecordNames.hostRecordName(TestSites.DOMAIN, 1).replaceFirst("\\.$", ""));
  }

  @Test
  void decider_withoutCertificateOrToken_refuses() throws Exception {
    start(SitePublisher.wgpub(reporter));
    Curl.Result r = enrol(Optional.empty(), body(blob("web-1")));
    assertThat(r.body()).contains("\"decision\":\"refused\"").contains("not from this CA");
  }
}
