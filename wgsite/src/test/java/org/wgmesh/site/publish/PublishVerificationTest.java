package org.wgmesh.site.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.record.RecordNames;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.core.testing.KnotServer;
import org.wgmesh.core.testing.Promtool;
import org.wgmesh.site.cli.WgpubCommand;
import org.wgmesh.site.publish.route53.Route53Fake;
import org.wgmesh.site.publish.route53.Route53Publisher;
import org.wgmesh.site.publish.target.Publisher;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code wgpub --verify} end to end: a real publish to a target, then the read-back check as the
 * command runs it, against a zone file, a real Knot server (RFC 2136) and {@link Route53Fake}.
 */
class PublishVerificationTest {
  static final String DOMAIN = TestSites.DOMAIN;
  static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

  @TempDir Path dir;
  Path yaml;
  Path zone;
  Site site;
  BiFunction<String, Path, Publisher> publishers = (uri, d) -> Publishers.fromUri(uri, d, Map.of());

  @BeforeEach
  void createSite() {
    yaml = dir.resolve("wgmesh.yaml");
    zone = dir.resolve("mesh.zone");
    site = TestSites.create(yaml, "zonefile:mesh.zone", 3);
  }

  Result runAt(Instant now, String... args) {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    return CliRun.run(
        i ->
            new WgpubCommand(
                i,
                r -> new SitePublication(r, publishers, clock),
                r -> new PublishVerification(r, publishers, clock)),
        args);
  }

  Result run(String... args) {
    return runAt(T0.plus(Duration.ofHours(1)), args);
  }

  void publish(String... extra) {
    List<String> args = new ArrayList<>(List.of(extra));
    args.add(yaml.toString());
    Result r = runAt(T0, args.toArray(String[]::new));
    assertThat(r.rc()).as(r.err()).isZero();
  }

  static String hostName(int n) {
    return RecordNames.hostRecordName(DOMAIN, n);
  }

  String keyName(int n) {
    HostEntry h = site.hosts().stream().filter(e -> e.number() == n).findFirst().orElseThrow();
    return RecordNames.keyRecordName(DOMAIN, h.publicKey());
  }

  /** The zone file's lines, with {@code edit} applied to those of {@code name}. */
  void editZone(String name, java.util.function.UnaryOperator<List<String>> edit) throws Exception {
    List<String> lines = Files.readAllLines(zone);
    List<String> mine = lines.stream().filter(l -> l.startsWith(name + ". ")).toList();
    assertThat(mine).as("records of " + name).isNotEmpty();
    List<String> others =
        new ArrayList<>(lines.stream().filter(l -> !l.startsWith(name + ". ")).toList());
    others.addAll(edit.apply(new ArrayList<>(mine)));
    Files.write(zone, others);
  }

  /** Flips one base64 character of the first zone-file line of {@code name}. */
  void tamperZone(String name) throws Exception {
    editZone(
        name,
        lines -> {
          lines.set(0, flipBase64(lines.get(0)));
          return lines;
        });
  }

  /** Changes one base64 character in the middle of the first string of {@code line}. */
  static String flipBase64(String line) {
    int at = line.indexOf("\"0:") + 3 + 40;
    char c = line.charAt(at);
    return line.substring(0, at) + (c == 'A' ? 'B' : 'A') + line.substring(at + 1);
  }

  static Map<String, String> files(Path dir) throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        m.put(p.getFileName().toString(), Files.readString(p) + Files.getLastModifiedTime(p));
      }
    }
    return m;
  }

  @Test
  void verify_afterAPublishToAZoneFile_passesAndPrintsTheEarliestExpiry() throws Exception {
    publish();
    Map<String, String> before = files(dir);

    Result r = run("--verify", yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    Duration lifetime = site.recordLifetime();
    assertThat(r.out())
        .isEqualTo(
            "zonefile:"
                + zone
                + ": 7 record(s) verified; mesh serial 4; earliest expiry "
                + DOMAIN
                + " at "
                + T0.plus(lifetime)
                + " ("
                + VerifyFormat.left(lifetime.minusHours(1))
                + ")\n");
    assertThat(r.err()).isEmpty();
    assertThat(files(dir)).as("writes no file, takes no lock").isEqualTo(before);
  }

  @Test
  void verify_whileAnotherRunHoldsTheLock_stillWorks() throws Exception {
    publish();
    try (var held = SiteFile.lock(yaml, Duration.ZERO)) {
      assertThat(run("--verify", yaml.toString()).rc()).isZero();
    }
  }

  @Test
  void verify_tamperedHostRecord_failsNamingTheRecordAndField() throws Exception {
    publish();
    tamperZone(hostName(2));

    Result r = run("--verify", yaml.toString());

    assertThat(r.rc()).isEqualTo(5);
    assertThat(r.out())
        .startsWith(hostName(2) + ": field 'signature': not signed by the site key")
        .contains("7 record(s) read, 1 problem(s)");
    assertThat(r.err())
        .startsWith("error: " + hostName(2) + ": field 'signature': ")
        .contains("hint: ");
  }

  @Test
  void verify_missingKeyRecord_failsNamingTheRecord() throws Exception {
    publish();
    editZone(keyName(3), lines -> List.of());

    Result r = run("--verify", yaml.toString());

    assertThat(r.rc()).isEqualTo(5);
    assertThat(r.out())
        .startsWith(keyName(3) + ": field 'record': no key record for host 3 (router3)")
        .contains("6 record(s) read, 1 problem(s)");
    assertThat(r.err()).contains("error: " + keyName(3) + ": field 'record': no key record");
  }

  @Test
  void verify_afterTheMeshRecordExpired_failsAndShowsWhen() throws Exception {
    publish();
    Instant late = T0.plus(site.recordLifetime()).plus(Duration.ofHours(2));

    Result r = runAt(late, "--verify", yaml.toString());

    assertThat(r.rc()).isEqualTo(5);
    assertThat(r.out())
        .contains(DOMAIN + ": field 'expires': record expired at " + T0.plus(site.recordLifetime()))
        .contains(hostName(1) + ": field 'expires': record expired")
        .contains("(expired 2h 0m ago)");
    assertThat(r.err())
        .startsWith("error: " + DOMAIN + ": field 'expires': record expired at ")
        .contains("and 3 more problem(s)");
  }

  @Test
  void verify_chunksInAnotherOrder_passesAsEndpointsAcceptIt() throws Exception {
    publish();
    editZone(
        hostName(1),
        lines -> {
          assertThat(lines).hasSizeGreaterThan(1);
          java.util.Collections.reverse(lines);
          return lines;
        });

    assertThat(run("--verify", yaml.toString()).rc()).isZero();
  }

  @Test
  void verify_chunkIndicesSwapped_failsNamingTheRecord() throws Exception {
    publish();
    editZone(
        hostName(1),
        lines ->
            lines.stream()
                .map(l -> l.replace("\"0:", "\"X:").replace("\"1:", "\"0:").replace("\"X:", "\"1:"))
                .toList());

    Result r = run("--verify", yaml.toString());

    assertThat(r.rc()).isEqualTo(5);
    assertThat(r.out())
        .containsPattern(
            "(?m)^"
                + hostName(1).replace(".", "\\.")
                + ": field '(chunks|version|type|signature)': ");
  }

  @Test
  void verify_chunkMissing_failsNamingTheRecordAndTheChunks() throws Exception {
    publish();
    editZone(DOMAIN, lines -> lines.stream().filter(l -> !l.contains("\"0:")).toList());

    Result r = run("--verify", yaml.toString());

    assertThat(r.rc()).isEqualTo(5);
    assertThat(r.out())
        .startsWith(DOMAIN + ": field 'chunks': index 1 but only 1 strings (a chunk is missing)");
    assertThat(r.err()).contains("error: " + DOMAIN + ": field 'chunks'");
  }

  @Test
  void verify_hostRemovedFromTheSiteFileButNotPublished_failsOnTheMembers() throws Exception {
    publish();
    SiteFile.save(SiteFile.load(yaml).withoutHost(TestSites.host(3).uuid()), yaml);

    Result r = run("--verify", yaml.toString());

    assertThat(r.rc()).isEqualTo(5);
    assertThat(r.out())
        .contains(
            DOMAIN
                + ": field 'members': lists host 3, which the site file does not have: run wgpub");
    assertThat(run(yaml.toString()).rc()).isZero();
    assertThat(run("--verify", yaml.toString()).rc()).isZero();
  }

  @Test
  void verify_beforeAnyPublish_cannotReadTheTargetAndExitsDns() throws Exception {
    Path metrics = dir.resolve("wgpub.prom");

    Result r = run("--verify", "--metrics-file", metrics.toString(), yaml.toString());

    assertThat(r.rc()).isEqualTo(6);
    assertThat(r.err()).contains("error: zonefile:" + zone + ": zone file does not exist");
    assertThat(Files.readString(metrics))
        .contains("wgmesh_publish_verify_ok{domain=\"" + DOMAIN + "\"} 0\n")
        .doesNotContain("wgmesh_publish_records");
  }

  @Test
  void verify_json_hasTheDocumentedFields() throws Exception {
    publish();
    tamperZone(hostName(2));

    Result r = run("--verify", "--json", yaml.toString());

    assertThat(r.rc()).isEqualTo(5);
    JsonNode doc = Json.readTree(r.out(), "wgpub --verify --json output");
    assertThat(doc.fieldNames())
        .toIterable()
        .containsExactly(
            "target",
            "domain",
            "ok",
            "checkedAt",
            "records",
            "meshSerial",
            "earliestExpiry",
            "problems");
    assertThat(doc.path("target").asText()).isEqualTo("zonefile:" + zone);
    assertThat(doc.path("ok").asBoolean()).isFalse();
    assertThat(doc.path("checkedAt").asText()).isEqualTo(T0.plus(Duration.ofHours(1)).toString());
    assertThat(doc.path("records").asInt()).isEqualTo(7);
    assertThat(doc.path("meshSerial").asLong()).isEqualTo(4);
    assertThat(doc.path("earliestExpiry").fieldNames())
        .toIterable()
        .containsExactly("name", "expires", "secondsLeft");
    assertThat(doc.path("earliestExpiry").path("secondsLeft").asLong())
        .isEqualTo(site.recordLifetime().minusHours(1).toSeconds());
    assertThat(doc.path("problems")).hasSize(1);
    JsonNode p = doc.path("problems").get(0);
    assertThat(p.fieldNames()).toIterable().containsExactly("name", "field", "message");
    assertThat(p.path("name").asText()).isEqualTo(hostName(2));
    assertThat(p.path("field").asText()).isEqualTo("signature");
  }

  @Test
  void verify_metricsFile_holdsEveryMetricWithHelpAndType() throws Exception {
    publish();
    Path metrics = dir.resolve("node-exporter/wgpub.prom");

    Result r = run("--verify", "--metrics-file", metrics.toString(), yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    String l = "{domain=\"" + DOMAIN + "\"}";
    long expiry = T0.plus(site.recordLifetime()).getEpochSecond();
    String text = Files.readString(metrics);
    assertThat(text.lines().filter(s -> !s.startsWith("#")).collect(Collectors.toList()))
        .containsExactly(
            "wgmesh_publish_verify_ok" + l + " 1",
            "wgmesh_publish_verify_timestamp_seconds"
                + l
                + " "
                + T0.plus(Duration.ofHours(1)).getEpochSecond(),
            "wgmesh_publish_records" + l + " 7",
            "wgmesh_publish_record_problems" + l + " 0",
            "wgmesh_publish_earliest_expiry_timestamp_seconds" + l + " " + expiry,
            "wgmesh_publish_mesh_serial" + l + " 4");
    assertThat(text)
        .contains(
            "# HELP wgmesh_publish_verify_ok ",
            "# TYPE wgmesh_publish_verify_ok gauge\n",
            "# TYPE wgmesh_publish_mesh_serial gauge\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(metrics)))
        .isEqualTo("rw-r--r--");
  }

  @Test
  @EnabledIf("org.wgmesh.core.testing.Promtool#isAvailable")
  void verify_metricsFile_passesPromtoolCheckMetrics() throws Exception {
    publish();
    editZone(keyName(1), lines -> List.of());
    Path ok = dir.resolve("ok.prom");
    Path bad = dir.resolve("bad.prom");
    Path unreadable = dir.resolve("unreadable.prom");
    assertThat(run("--verify", "--metrics-file", bad.toString(), yaml.toString()).rc())
        .isEqualTo(5);
    assertThat(run(yaml.toString()).rc()).isZero();
    assertThat(run("--verify", "--metrics-file", ok.toString(), yaml.toString()).rc()).isZero();
    assertThat(
            run(
                    "--verify",
                    "--metrics-file",
                    unreadable.toString(),
                    "--publish",
                    "zonefile:none.zone",
                    yaml.toString())
                .rc())
        .isEqualTo(6);

    for (Path file : List.of(ok, bad, unreadable)) {
      Promtool.Result r = Promtool.checkMetrics(Files.readString(file));
      assertThat(r.rc()).as(file + ": " + r.output()).isZero();
      assertThat(r.output()).as(file.toString()).isEmpty();
    }
  }

  @Test
  void help_listsVerifyMetricsFileAndTheirExitCodes() {
    Result r = run("--help");

    assertThat(r.rc()).isZero();
    assertThat(r.out())
        .contains(
            "--verify",
            "--metrics-file=PATH",
            "--verify: a published record is missing",
            "--verify: the target cannot be read");
  }

  @Test
  void verify_withDryRunOrMetricsWithoutVerify_isAUsageError() {
    assertThat(run("--verify", "--dry-run", yaml.toString()).rc()).isEqualTo(2);
    assertThat(run("--metrics-file", dir.resolve("m.prom").toString(), yaml.toString()).rc())
        .isEqualTo(2);
    assertThat(zone).doesNotExist();
  }

  @Test
  @EnabledIf("org.wgmesh.core.testing.KnotServer#isAvailable")
  void verify_knotByRfc2136_passesAfterPublishAndFailsNamingATamperedRecord() throws Exception {
    try (KnotServer knot = KnotServer.start("example.com")) {
      String uri = TestSites.knotTarget(knot, dir) + "&timeout=3";
      publish("--publish", uri);

      Result ok = run("--verify", "--publish", uri, yaml.toString());
      assertThat(ok.rc()).as(ok.err()).isZero();
      assertThat(ok.out())
          .startsWith(
              "rfc2136://127.0.0.1:" + knot.port() + "?zone=example.com: 7 record(s) verified");

      try (Publisher p = Publishers.fromUri(uri, dir, Map.of())) {
        TxtRecordSet h2 = p.readCurrent(DOMAIN, List.of(hostName(2))).get(hostName(2));
        List<String> strings = new ArrayList<>(h2.strings());
        strings.sort(null);
        String first = strings.get(0);
        int at = 3 + 40;
        strings.set(
            0,
            first.substring(0, at)
                + (first.charAt(at) == 'A' ? 'B' : 'A')
                + first.substring(at + 1));
        p.upsert(List.of(new TxtRecordSet(h2.name(), h2.ttl(), strings)));
      }
      Result bad = run("--verify", "--publish", uri, yaml.toString());
      assertThat(bad.rc()).isEqualTo(5);
      assertThat(bad.err()).startsWith("error: " + hostName(2) + ": field 'signature'");
    }
  }

  @Test
  void verify_knotServerDown_exitsDns() throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Result r =
        run(
            "--verify",
            "--publish",
            "rfc2136://127.0.0.1:" + port + "?zone=example.com&timeout=1",
            yaml.toString());

    assertThat(r.rc()).as(r.err()).isEqualTo(6);
    assertThat(r.err()).startsWith("error: ");
  }

  @Test
  void verify_route53Fake_readsTheListedRecordsAndFailsNamingAMissingOne() throws Exception {
    try (Route53Fake fake = new Route53Fake("ZFAKE123")) {
      publishers =
          (uri, d) ->
              uri.startsWith("route53:")
                  ? new Route53Publisher(
                      Route53Publisher.newClient(
                          fake.endpoint(),
                          StaticCredentialsProvider.create(
                              AwsBasicCredentials.create("AKIDFAKE", "fake-secret")),
                          Duration.ofMillis(5)),
                      "ZFAKE123",
                      true,
                      Duration.ofMillis(5),
                      Duration.ofSeconds(10))
                  : Publishers.fromUri(uri, d, Map.of());
      publish("--publish", "route53:ZFAKE123");
      int lists = fake.listRequests.get();

      Result ok = run("--verify", "--publish", "route53:ZFAKE123", yaml.toString());
      assertThat(ok.rc()).as(ok.err()).isZero();
      assertThat(ok.out()).startsWith("route53:ZFAKE123: 7 record(s) verified; mesh serial 4");
      assertThat(fake.listRequests.get()).isGreaterThan(lists);
      int changes = fake.changeRequests.get();

      fake.zone.remove(hostName(1) + ". TXT");
      Result bad = run("--verify", "--publish", "route53:ZFAKE123", yaml.toString());
      assertThat(bad.rc()).isEqualTo(5);
      assertThat(bad.err())
          .startsWith("error: " + hostName(1) + ": field 'record': no host record for member 1");
      assertThat(fake.changeRequests.get()).as("verify writes nothing").isEqualTo(changes);
    }
  }
}
