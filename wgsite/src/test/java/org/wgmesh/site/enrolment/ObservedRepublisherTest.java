package org.wgmesh.site.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.TestClock;
import org.wgmesh.site.publish.TestSites;
import org.wgmesh.site.status.HealthReport;
import org.wgmesh.site.status.PeerState;
import org.wgmesh.site.status.StatusFile;

/**
 * The service republishes when the addresses its hosts are observed at change, and only then:
 * reports written to the status file as the intake writes them, a publisher that counts.
 */
class ObservedRepublisherTest {
  @TempDir Path dir;
  Path yaml;
  int portbase;
  final List<Path> published = new ArrayList<>();
  RuntimeException failing;
  final StringWriter log = new StringWriter();
  final TestClock clock = new TestClock(Instant.parse("2026-12-05T10:00:00Z"));

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    Site s = TestSites.create(yaml, "zonefile:" + dir.resolve("mesh.zone"), 4);
    portbase = s.settings().portbase();
    Files.writeString(
        yaml,
        Files.readString(yaml)
            + "enrolment:\n  listen:\n  - 127.0.0.1:8443\n  tls-certificate: /nonexistent/c.pem\n"
            + "  tls-key: /nonexistent/k.pem\n");
    SiteFile.load(yaml); // valid
  }

  ObservedRepublisher republisher() {
    return new ObservedRepublisher(
        yaml,
        f -> {
          if (failing != null) {
            throw failing;
          }
          published.add(f);
        },
        new Reporter(new PrintWriter(log, true), Reporter.Verbosity.NORMAL),
        clock);
  }

  /** Hosts 1 and 3 see router2 at {@code address} from the ports its links listen on. */
  void reportsSee2At(String address) {
    StatusFile.write(
        StatusFile.beside(yaml),
        Map.of(
            "router1", report(1, "[" + address + "]:" + (portbase + 1)),
            "router3", report(3, "[" + address + "]:" + (portbase + 3))));
  }

  StatusFile.Received report(int reporter, String endpointOf2) {
    PeerState peer =
        new PeerState(
            "router2", Optional.of(Duration.ofSeconds(20)), 1, 1, Optional.of(endpointOf2));
    return new StatusFile.Received(
        clock.now.minusSeconds(10),
        new HealthReport(3, CHECK, "healthy", clock.now, List.of(), List.of(peer), List.of()));
  }

  /** A healthy {@code wgdeploy --check --json} document, as the status file keeps it. */
  static final String CHECK =
      "{\"status\":\"healthy\",\"domain\":\"mesh.example.com\",\"namespace\":\"mesh\","
          + "\"time\":\"2026-12-05T10:00:00Z\",\"healthy\":true,\"checks\":[]}";

  @Test
  void noReports_publishNothing() {
    ObservedRepublisher r = republisher();
    assertThat(r.look()).isFalse();
    assertThat(published).isEmpty();
  }

  @Test
  void aHostSeenWhereItIsRegistered_publishesNothing() {
    reportsSee2At("2001:db8::2");
    assertThat(republisher().look()).isFalse();
    assertThat(published).isEmpty();
  }

  @Test
  void aRoamingHost_isPublishedOnce_andAgainWhenItMovesOn() throws Exception {
    ObservedRepublisher r = republisher();
    assertThat(r.look()).isFalse();
    reportsSee2At("2001:db8:99::2");
    assertThat(r.look()).isTrue();
    assertThat(published).containsExactly(yaml);
    assertThat(log.toString()).contains("host 2 at 2001:db8:99::2");
    assertThat(r.look()).isFalse();
    reportsSee2At("2001:db8:77::2");
    assertThat(r.look()).isTrue();
    // back where it is registered: the observed address goes, published once more
    reportsSee2At("2001:db8::2");
    assertThat(r.look()).isTrue();
    assertThat(r.look()).isFalse();
    assertThat(published).hasSize(3);
  }

  @Test
  void aFailedPublication_isLogged_andTriedAgainAfterAMinute() throws Exception {
    ObservedRepublisher r = republisher();
    reportsSee2At("2001:db8:99::2");
    failing = new PublishException("rfc2136://192.0.2.53", "refused");
    assertThat(r.look()).isFalse();
    assertThat(log.toString()).contains("publishing failed").contains("refused");
    failing = null;
    clock.now = clock.now.plusSeconds(30);
    assertThat(r.look()).isFalse();
    clock.now = clock.now.plus(ObservedRepublisher.RETRY_AFTER);
    assertThat(r.look()).isTrue();
    assertThat(published).hasSize(1);
  }

  @Test
  void roamingOff_keepsRegisteredHostsWhereTheAdminPutThem() throws Exception {
    Files.writeString(yaml, Files.readString(yaml) + "  observed:\n    roaming: false\n");
    reportsSee2At("2001:db8:99::2");
    assertThat(republisher().look()).isFalse();
    assertThat(published).isEmpty();
  }
}
