package org.wgmesh.site.publish.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.site.publish.PublishService;
import org.wgmesh.site.publish.Publishers;
import org.wgmesh.site.publish.RecordChanges;
import org.wgmesh.site.publish.RecordDiff;
import org.wgmesh.site.publish.target.Publisher;
import org.wgmesh.site.publish.target.TargetUri;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Against {@link Route53Fake}, a local fake of the Route53 REST API (not AWS). */
class Route53PublisherTest {
  private static final String DOMAIN = "mesh.example.test";

  private Route53Fake fake;
  private Route53Publisher publisher;

  @BeforeEach
  void start() throws Exception {
    fake = new Route53Fake("ZFAKE123");
    publisher = publisher(true);
  }

  @AfterEach
  void stop() {
    publisher.close();
    fake.close();
  }

  private Route53Publisher publisher(boolean wait) {
    var client =
        Route53Publisher.newClient(
            fake.endpoint(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKE", "fake-secret")),
            Duration.ofMillis(5));
    return new Route53Publisher(
        client, "/hostedzone/ZFAKE123", wait, Duration.ofMillis(5), Duration.ofSeconds(10));
  }

  private static TxtRecordSet set(String label, String... strings) {
    return new TxtRecordSet(label.isEmpty() ? DOMAIN : label + "." + DOMAIN, 300, List.of(strings));
  }

  @Test
  void upsert_thenReadCurrent_roundTripsEscapedStrings() {
    TxtRecordSet mesh = set("", "0:plain", "1:\"quoted\" back\\slash caf\u00e9");
    publisher.upsert(List.of(mesh));

    assertThat(fake.zone.get(DOMAIN + ". TXT").values())
        .containsExactlyInAnyOrder(
            "\"0:plain\"", "\"1:\\\"quoted\\\" back\\\\slash caf\\303\\251\"");
    assertThat(publisher.readCurrent(DOMAIN, List.of())).containsOnly(Map.entry(DOMAIN, mesh));
  }

  @Test
  void readCurrent_pagesThroughTheZoneAndKeepsOnlyOurTxtSets() {
    fake.pageSize = 2;
    fake.put("example.test.", "TXT", 60, "\"apex\"");
    fake.put("othermesh.example.test.", "TXT", 60, "\"not ours\"");
    fake.put("h1." + DOMAIN + ".", "A", 60, "192.0.2.1");
    fake.put("_key.h1." + DOMAIN + ".", "TXT", 60, "\"k\"");
    fake.put("h1." + DOMAIN + ".", "TXT", 60, "\"a\" \"b\"");
    fake.put(DOMAIN + ".", "TXT", 60, "\"m\"");

    Map<String, TxtRecordSet> ours = publisher.readCurrent(DOMAIN, List.of());

    assertThat(ours).containsOnlyKeys(DOMAIN, "h1." + DOMAIN, "_key.h1." + DOMAIN);
    assertThat(ours.get("h1." + DOMAIN).strings()).containsExactly("a", "b");
    assertThat(fake.listRequests.get()).isGreaterThan(2);
  }

  @Test
  void delete_sendsTheExactCurrentValuesAndSkipsAbsentNames() {
    publisher.upsert(List.of(set("h1", "a"), set("h2", "b")));
    fake.put("h1." + DOMAIN + ".", "TXT", 120, "\"changed by someone\"");

    publisher.delete(List.of("h1." + DOMAIN, "absent." + DOMAIN));

    assertThat(fake.zone).containsOnlyKeys("h2." + DOMAIN + ". TXT");
  }

  @Test
  void fromRoute53Name_decodesOctalEscapesAndNormalizes() {
    assertThat(Route53Publisher.fromRoute53Name("\\052.Mesh.Example.Test."))
        .isEqualTo("*.mesh.example.test");
    assertThat(Route53Publisher.fromRoute53Name("_key.h1.mesh.example.test."))
        .isEqualTo("_key.h1.mesh.example.test");
  }

  @Test
  void upsert_throttledOnce_isRetriedAndSucceeds() {
    fake.throttleNext.set(1);

    publisher.upsert(List.of(set("", "m")));

    assertThat(fake.changeRequests.get()).isEqualTo(2);
    assertThat(fake.zone).containsKey(DOMAIN + ". TXT");
  }

  @Test
  void upsert_throttledForever_failsWithAHint() {
    fake.throttleNext.set(100);

    assertThatThrownBy(() -> publisher.upsert(List.of(set("", "m"))))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("Throttling")
        .satisfies(
            e ->
                assertThat(((PublishException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("run wgpub again")));
    assertThat(fake.changeRequests.get()).isEqualTo(8);
    assertThat(fake.zone).isEmpty();
  }

  @Test
  void upsert_largeChange_isSplitWithinRoute53Limits() {
    List<TxtRecordSet> sets = new ArrayList<>();
    String chunk = "y".repeat(240);
    for (int i = 0; i < 60; i++) {
      sets.add(set("h" + i, "0:" + chunk, "1:" + chunk, "2:" + chunk));
    }

    publisher.upsert(sets);

    assertThat(fake.batches)
        .hasSizeGreaterThan(1)
        .allSatisfy(b -> assertThat(b.valueChars()).isLessThanOrEqualTo(32_000))
        .allSatisfy(b -> assertThat(b.recordCount()).isLessThanOrEqualTo(1000));
    assertThat(fake.batches.stream().mapToInt(Route53Fake.Batch::changes).sum()).isEqualTo(60);
    assertThat(publisher.readCurrent(DOMAIN, List.of()))
        .hasSize(60)
        .containsEntry(sets.get(59).name(), sets.get(59));
  }

  @Test
  void batches_manySmallSets_respectTheRecordLimit() {
    List<TxtRecordSet> sets = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      sets.add(set("h" + i, "a"));
    }

    publisher.upsert(sets);

    // 700 UPSERTs count 1400 records: two batches at least.
    assertThat(fake.batches)
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(b -> assertThat(b.recordCount()).isLessThanOrEqualTo(1000));
  }

  @Test
  void upsert_waitsForInSyncBeforeReturning() {
    fake.pendingPolls.set(2);

    publisher.upsert(List.of(set("", "m")));

    assertThat(fake.getChangeRequests.get()).isEqualTo(3);
  }

  @Test
  void publish_secondRunWithNothingChanged_sendsNoChange() {
    PublishService service = new PublishService(publisher, Reporter.silent());
    RecordChanges changes =
        new RecordChanges(List.of(set("h1", "a")), Optional.of(set("", "m")), List.of());
    service.apply(RecordDiff.between(service.readCurrent(DOMAIN, List.of()), changes));
    int before = fake.changeRequests.get();

    RecordDiff second = RecordDiff.between(service.readCurrent(DOMAIN, List.of()), changes);
    service.apply(second);

    assertThat(second.isEmpty()).isTrue();
    assertThat(fake.changeRequests.get()).isEqualTo(before);
  }

  @Test
  void readCurrent_unknownZone_namesIt() {
    var client =
        Route53Publisher.newClient(
            fake.endpoint(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKE", "fake-secret")),
            Duration.ofMillis(5));
    try (Route53Publisher wrong =
        new Route53Publisher(
            client, "ZOTHER", false, Duration.ofMillis(5), Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> wrong.readCurrent(DOMAIN, List.of()))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("NoSuchHostedZone")
          .satisfies(e -> assertThat(((PublishException) e).hint()).isPresent());
    }
  }

  @Test
  void fromUri_signsWithCredentialsFromTheDefaultChain() {
    // System properties are the first link of the SDK's default chain (environment, profile and
    // roles follow); the site file never holds credentials.
    System.setProperty("aws.accessKeyId", "AKIDFROMCHAIN");
    System.setProperty("aws.secretAccessKey", "chain-secret");
    try (Publisher p =
        Publishers.fromUri(
            "route53:ZFAKE123?wait=false&endpoint=" + fake.endpoint(), Path.of("."), Map.of())) {
      p.upsert(List.of(set("", "m")));
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }

    assertThat(fake.zone).containsKey(DOMAIN + ". TXT");
    assertThat(fake.lastAuthorization).startsWith("AWS4-HMAC-SHA256 Credential=AKIDFROMCHAIN/");
  }

  @Test
  void upsert_endpointDown_failsClearly() {
    fake.close();

    assertThatThrownBy(() -> publisher.upsert(List.of(set("", "m"))))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("route53:ZFAKE123");
  }

  @Test
  void fromUri_route53Defaults_boundEveryCallToAMinute() {
    try (Route53Publisher p = Route53Publisher.fromUri(TargetUri.parse("route53:Z0123ABC"))) {
      var config = p.clientConfiguration();
      assertThat(config.apiCallTimeout()).hasValue(Duration.ofSeconds(60));
      assertThat(config.apiCallAttemptTimeout()).hasValue(Duration.ofSeconds(20));
    }
  }

  @Test
  void fromUri_route53Bounds_comeFromTheTargetUri() {
    try (Route53Publisher p =
        Route53Publisher.fromUri(
            TargetUri.parse("route53:Z0123ABC?timeout=30s&attempt-timeout=5&retries=2"))) {
      var config = p.clientConfiguration();
      assertThat(config.apiCallTimeout()).hasValue(Duration.ofSeconds(30));
      assertThat(config.apiCallAttemptTimeout()).hasValue(Duration.ofSeconds(5));
      assertThat(config.retryStrategy().orElseThrow().maxAttempts()).isEqualTo(3);
    }
  }
}
