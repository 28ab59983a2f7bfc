package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.core.testing.FileSnapshot;
import org.wgmesh.site.publish.Publishers;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.publish.TestSites;

/**
 * {@code wgpub --dry-run}, run through {@link Cli#run}, leaves every file of the site directory and
 * of the zone file's directory as it was (path, bytes, mode, modification time) and creates none:
 * no publication state, zone file, {@code .bak} or lock file. {@code wgsite} has no dry run.
 */
class DryRunChangesNothingTest {
  static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

  @TempDir Path siteDir;
  @TempDir Path zoneDir;
  Path yaml;
  Path zone;

  @BeforeEach
  void createSite() {
    yaml = siteDir.resolve("wgmesh.yaml");
    zone = zoneDir.resolve("mesh.zone");
    TestSites.create(yaml, "zonefile:" + zone, 3);
  }

  static Result run(Instant now, String command, String... args) {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    return command.equals("wgpub")
        ? CliRun.run(
            i ->
                new WgpubCommand(
                    i,
                    r ->
                        new SitePublication(
                            r, (uri, d) -> Publishers.fromUri(uri, d, Map.of()), clock)),
            args)
        : CliRun.run(WgsiteCommand::new, args);
  }

  @Test
  void wgpubDryRun_firstPublish_leavesEveryFileAsItWas() throws Exception {
    // The site file exists, nothing is published: no state file, no zone file yet.
    FileSnapshot before = FileSnapshot.of(siteDir, zoneDir);

    Result r = run(T0, "wgpub", "--dry-run", yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("7 to add");
    assertThat(r.err()).contains("would write").doesNotContain("written");
    assertThat(FileSnapshot.of(siteDir, zoneDir)).isEqualTo(before);
  }

  @Test
  void wgpubDryRun_withChangesPending_leavesEveryFileAsItWas() throws Exception {
    assertThat(run(T0, "wgpub", yaml.toString()).rc()).isZero();
    // Pending: a removed host (records to delete, a number to free in the site file, which
    // keeps a .bak) and a re-signing of every record close to expiry (a new state file).
    Result removed = run(T0, "wgsite", "--remove", "router3", "--yes", yaml.toString());
    assertThat(removed.rc()).as(removed.err()).isZero();
    Instant late = T0.plus(SiteFile.load(yaml).recordLifetime()).minusSeconds(3600);
    FileSnapshot before = FileSnapshot.of(siteDir, zoneDir);
    assertThat(before.entries())
        .containsKeys(SitePublication.statePath(yaml), zone, SiteFile.lockPath(yaml));

    Result r = run(late, "wgpub", "--dry-run", "-v", yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("~ " + TestSites.DOMAIN, "- h3." + TestSites.DOMAIN);
    assertThat(r.err()).contains("would write", "would free").doesNotContain("written:");
    assertThat(FileSnapshot.of(siteDir, zoneDir)).isEqualTo(before);
  }

  @Test
  void wgpubDryRun_withoutLockFile_createsNone() throws Exception {
    assertThat(run(T0, "wgpub", yaml.toString()).rc()).isZero();
    Files.delete(SiteFile.lockPath(yaml));
    FileSnapshot before = FileSnapshot.of(siteDir, zoneDir);

    Result r = run(T0, "wgpub", "--dry-run", yaml.toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(FileSnapshot.of(siteDir, zoneDir)).isEqualTo(before);
  }
}
