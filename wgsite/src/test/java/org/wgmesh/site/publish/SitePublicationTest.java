package org.wgmesh.site.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.record.RecordNames;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.publish.route53.Route53Fake;
import org.wgmesh.site.publish.route53.Route53Publisher;
import org.wgmesh.site.publish.target.Publisher;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The wgpub service against the Route53 fake: throttling half-way, then completion. */
class SitePublicationTest {
  private static final String DOMAIN = TestSites.DOMAIN;

  @TempDir Path dir;
  private Path yaml;
  private Route53Fake fake;
  private SitePublication service;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    TestSites.create(yaml, "route53:ZFAKE123", 3);
    fake = new Route53Fake("ZFAKE123");
    BiFunction<String, Path, Publisher> toFake =
        (uri, siteDir) ->
            new Route53Publisher(
                Route53Publisher.newClient(
                    fake.endpoint(),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKE", "s")),
                    Duration.ofMillis(2)),
                "ZFAKE123",
                true,
                Duration.ofMillis(2),
                Duration.ofSeconds(10));
    service =
        new SitePublication(
            Reporter.silent(),
            toFake,
            Clock.fixed(Instant.parse("2026-11-22T08:00:00Z"), ZoneOffset.UTC));
  }

  @AfterEach
  void tearDown() {
    fake.close();
  }

  private RecordDiff publish(boolean dryRun) {
    try (SitePublication.Prepared p = service.prepare(yaml, Optional.empty(), dryRun)) {
      service.apply(p);
      return p.diff();
    }
  }

  @Test
  void publish_throttledUntilRetriesRunOutBeforeTheMeshRecord_nextRunCompletes() {
    fake.acceptBeforeThrottling.set(1); // the host/key batch goes through, then Route53 throttles
    fake.throttleNext.set(8);

    assertThatThrownBy(() -> publish(false))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("Throttling")
        .hasMessageContaining("done: 6 host/key RRset(s); failed: the mesh record");
    assertThat(fake.zone).hasSize(6).doesNotContainKey(DOMAIN + ". TXT");
    assertThat(SitePublication.statePath(yaml)).doesNotExist();

    RecordDiff second = publish(false);

    assertThat(fake.zone).containsKey(DOMAIN + ". TXT").hasSize(7);
    assertThat(second.count(RecordDiff.Action.ADD)).isGreaterThanOrEqualTo(1);
    assertThat(SitePublication.statePath(yaml)).exists();
    assertThat(publish(false).isEmpty()).isTrue();
  }

  @Test
  void publish_dryRun_readsButSendsNoChange() {
    RecordDiff diff = publish(true);

    assertThat(diff.count(RecordDiff.Action.ADD)).isEqualTo(7);
    assertThat(fake.changeRequests.get()).isZero();
    assertThat(fake.listRequests.get()).isPositive();
  }

  @Test
  void candidateNames_coverHostsStateMembersAndRetiredHosts() throws Exception {
    publish(false);
    Site site = SiteFile.load(yaml);
    var removed = site.host(TestSites.host(3).uuid()).orElseThrow();
    Site without = site.withoutHost(removed.uuid());
    PublicationState state =
        PublicationState.parse(Files.readString(SitePublication.statePath(yaml)), "state");

    var names = SitePublication.candidateNames(DOMAIN, without, state);

    assertThat(names)
        .contains(
            DOMAIN,
            RecordNames.hostRecordName(DOMAIN, 3),
            RecordNames.keyRecordName(DOMAIN, removed.publicKey()))
        .contains(RecordNames.hostRecordName(DOMAIN, 1));
  }
}
