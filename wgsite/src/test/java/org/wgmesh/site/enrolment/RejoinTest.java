package org.wgmesh.site.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.HostnamePattern;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.Admission;
import org.wgmesh.site.SiteAdmin;
import org.wgmesh.site.TokenAdmin;
import org.wgmesh.site.publish.TestSites;
import org.wgmesh.site.service.Decision;
import org.wgmesh.site.service.EnrolmentBody;
import org.wgmesh.site.service.EnrolmentRequest;
import org.wgmesh.site.service.ServiceFixture;

/**
 * Stateless rejoin through the decider (issue 23), with join tokens (the identity {@code
 * token:<id>}); certificates take the same path with their subject as identity.
 */
class RejoinTest {
  @TempDir Path dir;
  Path yaml;
  int published;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    TestSites.create(yaml, "zonefile:" + dir.resolve("mesh.zone"), 0);
  }

  void policy(boolean rejoin) throws Exception {
    policy("auto", rejoin);
  }

  void policy(String admit, boolean rejoin) throws Exception {
    Files.writeString(
        yaml,
        Files.readString(yaml)
            + String.join(
                "\n",
                "enrolment:",
                "  listen:",
                "  - 127.0.0.1:8443",
                "  tls-certificate: /etc/wgmesh/enrol.crt",
                "  tls-key: /etc/wgmesh/enrol.key",
                "  tokens:",
                "    admit: " + admit,
                "    rejoin: " + rejoin,
                ""));
  }

  String token() {
    return new TokenAdmin()
        .create(
            yaml,
            new TokenAdmin.Request(
                Optional.of(Duration.ofHours(1)),
                OptionalInt.of(5),
                HostnamePattern.parse("*", "test"),
                List.of()),
            Instant.now())
        .text();
  }

  /** A device with a fresh key and uuid, as one that lost its state makes. */
  String blob(String hostname) {
    return ServiceFixture.blob(yaml, hostname);
  }

  Decision enrol(String blob, String token) throws Exception {
    PolicyDecider decider =
        new PolicyDecider(
            yaml, DeviceCertificates.load(List.of()), file -> published++, Clock.systemUTC());
    return decider.decide(
        new EnrolmentRequest(
            new EnrolmentBody(blob, Optional.of(token)),
            List.of(),
            InetAddress.getByName("127.0.0.1")));
  }

  HostEntry host(String name) {
    return SiteFile.load(yaml).hostNamed(name).orElseThrow();
  }

  @Test
  void rejoin_keepsNumberAsnAndPorts_andReplacesTheKeyAtOnce() throws Exception {
    policy(true);
    String token = token();
    assertThat(enrol(blob("web-1"), token).outcome()).isEqualTo(Decision.Outcome.ADMITTED);
    HostEntry first = host("web-1");
    assertThat(first.enrolledAs()).contains("token:" + token.split("\\.")[1]);
    assertThat(enrol(blob("web-2"), token).outcome()).isEqualTo(Decision.Outcome.ADMITTED);

    Decision again = enrol(blob("web-1"), token);

    assertThat(again.outcome()).as(again.reason()).isEqualTo(Decision.Outcome.ADMITTED);
    assertThat(again.reason()).contains("rejoined as web-1, number " + first.number());
    HostEntry back = host("web-1");
    assertThat(back.number()).isEqualTo(first.number()); // ports derive from the number
    assertThat(back.asn()).isEqualTo(first.asn());
    assertThat(back.publicKey()).isNotEqualTo(first.publicKey());
    assertThat(back.uuid()).isNotEqualTo(first.uuid());
    assertThat(back.keySwitch()).isEmpty(); // immediate: the old key is lost
    assertThat(back.enrolledAs()).isEqualTo(first.enrolledAs());
    Site site = SiteFile.load(yaml);
    assertThat(site.hosts()).hasSize(2);
    assertThat(site.retired()).isEmpty();
    assertThat(published).isEqualTo(3);
  }

  @Test
  void rejoin_whenTheRuleForbidsIt_isRefused_andChangesNothing() throws Exception {
    policy(false);
    String token = token();
    enrol(blob("web-1"), token);
    String before = Files.readString(yaml);

    Decision again = enrol(blob("web-1"), token);

    assertThat(again.outcome()).isEqualTo(Decision.Outcome.REFUSED);
    assertThat(again.reason()).startsWith("rejoin not allowed");
    assertThat(Files.readString(yaml)).isEqualTo(before);
  }

  @Test
  void anotherIdentity_cannotTakeOverAHost() throws Exception {
    policy(true);
    String mine = token();
    String other = token();
    enrol(blob("web-1"), mine);
    Site site = SiteFile.load(yaml); // db-1 as wgsite -i admits it, from a blob
    SiteFile.save(
        Admission.plan(site, List.of(SiteAdmin.openBlob(site, blob("db-1"))), false).after(), yaml);
    String before = Files.readString(yaml);

    Decision stolen = enrol(blob("web-1"), other);
    Decision fromBlob = enrol(blob("db-1"), other);

    assertThat(stolen.outcome()).isEqualTo(Decision.Outcome.REFUSED);
    assertThat(stolen.reason())
        .startsWith("conflicts with the site")
        .contains("enrolled as another identity");
    assertThat(fromBlob.outcome()).isEqualTo(Decision.Outcome.REFUSED);
    assertThat(fromBlob.reason()).contains("admitted from a blob, not enrolled");
    assertThat(Files.readString(yaml)).isEqualTo(before);
  }

  @Test
  void queuedRejoin_approved_keepsTheNumber_andReplacesTheKey() throws Exception {
    policy("queue", true);
    String token = token();
    EnrolmentQueue queue = new EnrolmentQueue(yaml, Reporter.silent(), file -> published++);
    enrol(blob("web-1"), token);
    queue.approve(queue.list().get(0).id());
    HostEntry first = host("web-1");

    Decision again = enrol(blob("web-1"), token);
    assertThat(again.outcome()).isEqualTo(Decision.Outcome.QUEUED);
    queue.approve(queue.list().get(0).id());

    HostEntry back = host("web-1");
    assertThat(back.number()).isEqualTo(first.number());
    assertThat(back.asn()).isEqualTo(first.asn());
    assertThat(back.publicKey()).isNotEqualTo(first.publicKey());
    assertThat(back.enrolledAs()).isEqualTo(first.enrolledAs());
    assertThat(SiteFile.load(yaml).hosts()).hasSize(1);
    assertThat(queue.list()).isEmpty();
  }

  @Test
  void queuedRejoin_whenTheRuleForbidsIt_isAConflict_andStaysQueued() throws Exception {
    policy("queue", false);
    String token = token();
    EnrolmentQueue queue = new EnrolmentQueue(yaml, Reporter.silent(), file -> published++);
    enrol(blob("web-1"), token);
    queue.approve(queue.list().get(0).id());
    enrol(blob("web-1"), token);
    String id = queue.list().get(0).id();
    String before = Files.readString(yaml);

    assertThatThrownBy(() -> queue.approve(id))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("rejoin not allowed");
    assertThat(Files.readString(yaml)).isEqualTo(before);
    assertThat(queue.list()).extracting(QueuedHost::id).containsExactly(id);
  }
}
