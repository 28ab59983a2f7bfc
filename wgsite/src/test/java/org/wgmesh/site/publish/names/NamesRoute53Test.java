package org.wgmesh.site.publish.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.publish.TestSites;
import org.wgmesh.site.publish.route53.Route53Fake;
import org.wgmesh.site.publish.route53.Route53Publisher;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Name records (issue 25) to Route53, against {@link Route53Fake} (no Route53 can be reached here):
 * A/AAAA in the target's hosted zone, PTRs in the reverse zone's hosted zone found by name; kept in
 * step, and records of others left alone.
 */
class NamesRoute53Test {
  static final String REVERSE = NamesZoneFileTest.REVERSE;

  @TempDir Path dir;
  Path yaml;
  Route53Fake fake;
  SitePublication service;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    TestSites.create(yaml, "route53:ZFWD", 3);
    Files.writeString(yaml, Files.readString(yaml) + "names:\n  addresses: tunnel\n");
    fake = new Route53Fake("ZFWD");
    service =
        new SitePublication(
            Reporter.silent(),
            (uri, siteDir) ->
                new Route53Publisher(
                    Route53Publisher.newClient(
                        fake.endpoint(),
                        StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("AKIDFAKE", "s")),
                        Duration.ofMillis(2)),
                    "ZFWD",
                    true,
                    Duration.ofMillis(2),
                    Duration.ofSeconds(10)),
            Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    fake.close();
  }

  private void publish() {
    try (SitePublication.Prepared p = service.prepare(yaml, Optional.empty(), false)) {
      service.apply(p);
    }
  }

  private static String ptrKey(int n) {
    return n + ".0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0." + REVERSE + ". PTR";
  }

  @Test
  void writesForwardAndReverse_keepsInStep_leavesOthersAlone() throws Exception {
    Map<String, Route53Fake.RRset> reverse = fake.addZone("ZREV", REVERSE);
    String foreign = "9.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.0.0.0.0." + REVERSE + ".";
    reverse.put(
        foreign + " PTR", new Route53Fake.RRset(foreign, "PTR", 60, List.of("nas.example.com.")));
    fake.put("www.mesh.example.com.", "A", 60, "192.0.2.80");
    publish();

    assertThat(fake.zone.get("router1.mesh.example.com. AAAA").values())
        .containsExactly("fd12:3456:789a:0:1::1");
    assertThat(reverse.get(ptrKey(2)).values()).containsExactly("router2.mesh.example.com.");
    int changes = fake.changeRequests.get();
    publish();
    assertThat(fake.changeRequests.get()).as("nothing to write the second time").isEqualTo(changes);

    Site s = SiteFile.load(yaml);
    SiteFile.save(s.withoutHost(s.hostNamed("router2").orElseThrow().uuid()), yaml);
    publish();
    assertThat(fake.zone).doesNotContainKey("router2.mesh.example.com. AAAA");
    assertThat(reverse).doesNotContainKey(ptrKey(2)).containsKey(ptrKey(1));

    Files.writeString(yaml, Files.readString(yaml).replaceFirst("(?s)\nnames:.*", "\n"));
    publish();
    assertThat(fake.zone.keySet()).noneMatch(k -> k.endsWith(" AAAA"));
    assertThat(reverse.keySet()).containsExactly(foreign + " PTR");
    assertThat(fake.zone).containsKey("www.mesh.example.com. A");
  }

  @Test
  void missingReverseHostedZone_failsNamingIt_beforeAnythingIsWritten() {
    assertThatThrownBy(this::publish)
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("no hosted zone " + REVERSE)
        .satisfies(
            e ->
                assertThat(((PublishException) e).hint().orElse(""))
                    .contains("aws route53 create-hosted-zone"));
    // wgpub reads every zone before it writes: nothing was written, not even the TXT records.
    assertThat(fake.zone).isEmpty();
    assertThat(fake.changeRequests.get()).isZero();
  }
}
