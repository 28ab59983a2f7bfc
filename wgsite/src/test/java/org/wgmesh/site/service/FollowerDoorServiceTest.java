package org.wgmesh.site.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.site.nudge.NudgeHub;
import org.wgmesh.site.publish.SitePublication;

/**
 * {@code GET /v1/nudge} end to end (issue 24, the push): the real service with the site's policy,
 * curl with device certificates openssl makes now. A follower that waits is answered when the site
 * publishes (here: the service's own admission of another host, which runs wgpub), not only when
 * its wait is up; strangers and malformed requests are refused; the number of followers is bounded.
 * Skipped without openssl or curl.
 */
class FollowerDoorServiceTest {
  @TempDir Path dir;
  ServiceFixture service;
  TestPki fleet;
  Path web1;
  Path web2;
  Path stranger;

  @BeforeEach
  void setUp() throws Exception {
    service = ServiceFixture.in(dir, Reporter.Verbosity.NORMAL);
    fleet = TestPki.ca(Files.createDirectory(dir.resolve("fleet")), "fleet CA");
    web1 = fleet.device("web-1", "/CN=web-1.fleet.example");
    web2 = fleet.device("web-2", "/CN=web-2.fleet.example");
    stranger = fleet.device("web-3", "/CN=web-3.fleet.example");
    fleet.writeCrl();
    service.writeSite(dir.resolve("mesh.zone"), ServiceFixture.fleetRule(fleet));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  void start(ServiceSettings.Builder settings) {
    service.startWithReports(settings.build(), StatusAccess.NONE);
  }

  ServiceSettings.Builder settings() {
    return ServiceFixture.settings(service.policy());
  }

  void enrol(Path cert) throws Exception {
    String host = cert.getFileName().toString().replace(".pem", "");
    Curl.Result r =
        service.post(
            ServiceFixture.certArgs(Optional.of(cert)),
            "/v1/enrol",
            "{\"blob\":\"" + service.blob(host) + "\"}");
    assertThat(r.body()).as(r.stderr()).contains("\"decision\":\"admitted\"");
  }

  long publishedSerial() throws Exception {
    Path state = SitePublication.statePath(service.yaml);
    return PublicationState.parse(Files.readString(state), state.toString()).lastSerial();
  }

  Curl.Result nudge(Optional<Path> cert, String query) throws Exception {
    return service.get(ServiceFixture.certArgs(cert), "/v1/nudge" + query);
  }

  CompletableFuture<Curl.Result> nudgeLater(Path cert, long after) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return nudge(Optional.of(cert), "?after=" + after);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Waits until the hub has {@code n} followers waiting (the request reached it). */
  void awaitWaiting(int n) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (waiting() != n) {
      assertThat(System.nanoTime())
          .as("followers waiting: %d, want %d", waiting(), n)
          .isLessThan(end);
      Thread.sleep(20);
    }
  }

  int waiting() {
    return service.server.nudgeHub().map(NudgeHub::waiting).orElse(-1);
  }

  @Test
  void waitingFollower_isAnsweredByThePublication_notByItsTimer() throws Exception {
    start(settings().nudgeWait(Duration.ofSeconds(15)));
    enrol(web1);
    long before = publishedSerial();
    CompletableFuture<Curl.Result> waiting = nudgeLater(web1, before);
    awaitWaiting(1);
    assertThat(waiting).isNotDone();

    enrol(web2); // the admission publishes: a higher serial
    long after = publishedSerial();
    assertThat(after).isGreaterThan(before);
    Curl.Result r = waiting.get(10, TimeUnit.SECONDS);
    assertThat(r.status()).as(r.body() + r.stderr()).isEqualTo(200);
    assertThat(r.body().strip()).isEqualTo("{\"serial\":" + after + "}");
    assertThat(waiting()).isZero();
  }

  @Test
  void followerBehind_isAnsweredAtOnce_withTheSerialNow() throws Exception {
    start(settings());
    enrol(web1);
    long now = publishedSerial();
    Curl.Result r = nudge(Optional.of(web1), "?after=0");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().strip()).isEqualTo("{\"serial\":" + now + "}");
  }

  @Test
  void waitEnds_withTheSerialAsItStands_andTheIdleTimeoutDoesNotCutIt() throws Exception {
    start(settings().idleTimeout(Duration.ofSeconds(1)).nudgeWait(Duration.ofSeconds(3)));
    enrol(web1);
    long now = publishedSerial();
    long started = System.nanoTime();
    Curl.Result r = nudge(Optional.of(web1), "?after=" + now);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(r.status()).as(r.body() + r.stderr()).isEqualTo(200);
    assertThat(r.body().strip()).isEqualTo("{\"serial\":" + now + "}");
    assertThat(tookMs)
        .as("answered by the wait's end, past the 1 s idle timeout")
        .isGreaterThan(2500);
  }

  @Test
  void strangersAndMalformedRequests_areRefused() throws Exception {
    start(settings());
    enrol(web1);
    Curl.Result none = nudge(Optional.empty(), "?after=1");
    assertThat(none.status()).isEqualTo(403);
    assertThat(none.body()).contains("needs the host's device certificate");

    Curl.Result notInSite = nudge(Optional.of(stranger), "?after=1");
    assertThat(notInSite.status()).isEqualTo(403);
    assertThat(notInSite.body()).contains("no host web-3 in the site");

    for (String query :
        List.of(
            "",
            "?after=",
            "?after=-1",
            "?after=1x",
            "?after=1&after=2",
            "?after=1234567890123456789")) {
      Curl.Result bad = nudge(Optional.of(web1), query);
      assertThat(bad.status()).as(query).isEqualTo(400);
      assertThat(bad.body()).as(query).contains("\"field\":\"after\"");
    }
    Curl.Result post = service.post(ServiceFixture.certArgs(Optional.of(web1)), "/v1/nudge", "{}");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers()).containsIgnoringCase("Allow: GET");
    assertThat(waiting()).isZero();
  }

  @Test
  void followersBeyondTheLimit_areAnswered503_andTheFirstStillWaits() throws Exception {
    start(settings().maxFollowers(1).nudgeWait(Duration.ofSeconds(15)));
    enrol(web1);
    enrol(web2);
    long now = publishedSerial();
    // The hub learns of a publication within the watch's period (200 ms): wait until it has.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (service.server.nudgeHub().orElseThrow().serial() != now) {
      assertThat(System.nanoTime()).as("the hub never saw serial %d", now).isLessThan(end);
      Thread.sleep(20);
    }
    CompletableFuture<Curl.Result> first = nudgeLater(web1, now);
    awaitWaiting(1);
    Curl.Result second = nudge(Optional.of(web2), "?after=" + now);
    assertThat(second.status()).isEqualTo(503);
    assertThat(second.headers()).containsIgnoringCase("Retry-After: 15");
    assertThat(first).isNotDone();
    service.close(); // a stopping service answers its followers, so they ask the next one
    Curl.Result released = first.get(10, TimeUnit.SECONDS);
    assertThat(released.status()).isEqualTo(200);
    assertThat(released.body().strip()).isEqualTo("{\"serial\":" + now + "}");
  }
}
