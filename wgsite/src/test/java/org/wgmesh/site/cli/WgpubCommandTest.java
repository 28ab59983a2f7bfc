package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.core.testing.KnotServer;
import org.wgmesh.site.publish.Publishers;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.publish.TestSites;
import org.wgmesh.site.publish.target.Publisher;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class WgpubCommandTest {
  static final String DOMAIN = TestSites.DOMAIN;
  static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

  @TempDir Path dir;
  Path yaml;
  Path zone;

  Result runAt(Instant now, BiFunction<String, Path, Publisher> publishers, String... args) {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    return CliRun.run(
        i -> new WgpubCommand(i, r -> new SitePublication(r, publishers, clock)), args);
  }

  Result run(String... args) {
    return runAt(T0, (uri, siteDir) -> Publishers.fromUri(uri, siteDir, Map.of()), args);
  }

  static HostEntry host(int n) {
    return TestSites.host(n);
  }

  @BeforeEach
  void createSite() {
    yaml = dir.resolve("wgmesh.yaml");
    zone = dir.resolve("mesh.zone");
    TestSites.create(yaml, "zonefile:mesh.zone", 3);
  }

  String zoneText() throws Exception {
    return Files.readString(zone);
  }

  @Test
  void run_firstTime_writesMeshHostAndKeyRecordsAndTheState() throws Exception {
    Result r = run(yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("+ " + DOMAIN + "  TXT", "+ h1." + DOMAIN, "+ h3." + DOMAIN, "+ _key.")
        .contains("zonefile:" + zone + ": 7 to add, 0 to change, 0 to delete");
    assertThat(zoneText()).contains(DOMAIN + ". ", "h2." + DOMAIN + ". ");
    Path state = SitePublication.statePath(yaml);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state)))
        .isEqualTo("rw-------");
  }

  @Test
  void run_secondTimeWithNothingChanged_writesNothing() throws Exception {
    assertThat(run(yaml.toString()).rc()).isZero();
    FileTime old = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(zone, old);

    Result r = run(yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("zonefile:" + zone + ": up to date, nothing to write\n");
    assertThat(Files.getLastModifiedTime(zone)).isEqualTo(old);
  }

  @Test
  void run_closeToExpiry_reSignsEveryRecord() throws Exception {
    assertThat(run(yaml.toString()).rc()).isZero();
    Site site = SiteFile.load(yaml);
    Instant late = T0.plus(site.recordLifetime()).minus(site.recordLifetime().dividedBy(10));

    Result r = runAt(late, (uri, d) -> Publishers.fromUri(uri, d, Map.of()), yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("~ " + DOMAIN).contains("~ h1." + DOMAIN);
    assertThat(runAt(late, (uri, d) -> Publishers.fromUri(uri, d, Map.of()), yaml.toString()).out())
        .contains("up to date");
  }

  @Test
  void run_whileTheSiteFileIsLocked_isAConflict_butADryRunStillWorks() throws Exception {
    try (var held = SiteFile.lock(yaml, java.time.Duration.ZERO)) {
      Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
      Result r =
          CliRun.run(
              i ->
                  new WgpubCommand(
                      i,
                      p ->
                          new SitePublication(
                                  p, (uri, d) -> Publishers.fromUri(uri, d, Map.of()), clock)
                              .withLockWait(java.time.Duration.ofMillis(100))),
              yaml.toString());

      assertThat(r.rc()).isEqualTo(org.wgmesh.core.error.ExitCode.CONFLICT.code());
      assertThat(r.err())
          .contains("another wgsite or wgpub is changing this site file")
          .contains("hint: wait");
      assertThat(zone).doesNotExist();
      assertThat(run("--dry-run", yaml.toString()).rc()).isZero();
    }
    assertThat(run(yaml.toString()).rc()).isZero();
    assertThat(zone).exists();
  }

  @Test
  void run_dryRun_printsTheDiffAndWritesNothing() {
    Result r = run("--dry-run", yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("+ " + DOMAIN).contains("7 to add");
    assertThat(r.err()).contains("dry run: would write");
    assertThat(zone).doesNotExist();
    assertThat(SitePublication.statePath(yaml)).doesNotExist();
  }

  @Test
  void run_afterRemovingAHost_deletesItsRecordsAndFreesItsNumber() throws Exception {
    assertThat(run(yaml.toString()).rc()).isZero();
    Site site = SiteFile.load(yaml);
    SiteFile.save(site.withoutHost(host(3).uuid()), yaml);
    assertThat(SiteFile.load(yaml).retired()).hasSize(1);

    Result r = run(yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("- h3." + DOMAIN).contains("~ " + DOMAIN);
    assertThat(zoneText()).doesNotContain("h3." + DOMAIN);
    assertThat(SiteFile.load(yaml).retired()).isEmpty();
    assertThat(run(yaml.toString()).out()).contains("up to date");
  }

  @Test
  void run_publishOverrideAndJson_goToTheOtherTarget() throws Exception {
    Result r = run("--json", "--publish", "zonefile:other.zone", yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith(
            "{\"target\":\"zonefile:"
                + dir.resolve("other.zone")
                + "\",\"dryRun\":false,\"changes\":[")
        .contains("{\"action\":\"add\",\"name\":\"" + DOMAIN + "\"");
    JsonNode doc = Json.readTree(r.out(), "wgpub --json output");
    assertThat(doc.path("changes")).hasSize(7);
    assertThat(doc.path("changes").get(0).fieldNames())
        .toIterable()
        .containsExactly("action", "name", "oldBytes", "newBytes", "strings");
    assertThat(dir.resolve("other.zone")).exists();
    assertThat(zone).doesNotExist();
  }

  @Test
  void run_unknownScheme_isAConfigErrorListingTheValidOnes() {
    Result r = run("--publish", "s3://bucket", yaml.toString());

    assertThat(r.rc()).isEqualTo(3);
    assertThat(r.err()).contains("unknown scheme 's3'").contains("zonefile:PATH");
  }

  @Test
  void run_failingBeforeTheMeshRecord_exitsPublishAndTheNextRunCompletes() throws Exception {
    BiFunction<String, Path, Publisher> failing =
        (uri, d) -> new FailingOnMesh(Publishers.fromUri(uri, d, Map.of()));

    Result failed = runAt(T0, failing, yaml.toString());

    assertThat(failed.rc()).isEqualTo(7);
    assertThat(failed.err())
        .contains("server down")
        .contains("failed: the mesh record")
        .contains("hint:")
        .contains("run wgpub again");
    assertThat(zoneText()).contains("h1." + DOMAIN).doesNotContain("\n" + DOMAIN + ". ");
    assertThat(SitePublication.statePath(yaml)).doesNotExist();

    Result completed = run(yaml.toString());

    assertThat(completed.rc()).as(completed.err()).isZero();
    assertThat(zoneText()).contains("\n" + DOMAIN + ". ");
    assertThat(SitePublication.statePath(yaml)).exists();
    assertThat(run(yaml.toString()).out()).contains("up to date");
  }

  @Test
  @EnabledIf("org.wgmesh.core.testing.KnotServer#isAvailable")
  void run_toKnotByRfc2136_publishesAndIsIdempotent() throws Exception {
    try (KnotServer knot = KnotServer.start("example.com")) {
      String uri = TestSites.knotTarget(knot, dir);

      Result first = run("--publish", uri, yaml.toString());
      assertThat(first.rc()).as(first.err()).isZero();
      assertThat(first.out()).contains("7 to add");
      long serial = soaSerial(knot);

      Result second = run("--publish", uri, yaml.toString());
      assertThat(second.rc()).as(second.err()).isZero();
      assertThat(second.out()).contains("up to date");
      assertThat(soaSerial(knot)).isEqualTo(serial);
    }
  }

  private static long soaSerial(KnotServer knot) throws Exception {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", knot.port()));
    Message m =
        r.send(
            Message.newQuery(
                Record.newRecord(Name.fromString("example.com."), Type.SOA, DClass.IN)));
    return ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
  }

  /** A target that goes down when the mesh record is to be written. */
  private record FailingOnMesh(Publisher inner) implements Publisher {
    @Override
    public String describe() {
      return inner.describe();
    }

    @Override
    public Map<String, TxtRecordSet> readCurrent(
        String domain, java.util.Collection<String> candidateNames) {
      return inner.readCurrent(domain, candidateNames);
    }

    @Override
    public void upsert(List<TxtRecordSet> sets) {
      if (sets.stream().anyMatch(s -> s.name().equals(DOMAIN))) {
        throw new PublishException(inner.describe(), "server down", "start it");
      }
      inner.upsert(sets);
    }

    @Override
    public void delete(List<String> names) {
      inner.delete(names);
    }
  }
}
