package org.wgmesh.site.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.site.SiteKeyRoll;
import org.wgmesh.core.site.SiteKeyRolls;
import org.wgmesh.core.site.SiteKeyStore;

/**
 * A wgpub run loads the site file and its keys once, even the run that frees retired numbers and
 * completes a site-key roll (it loaded them five times before): the loaded site is handed down.
 */
class OneLoadPerRunTest {
  private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

  @TempDir Path dir;

  @Test
  void aRunThatFreesNumbersAndCompletesARoll_loadsTheSiteFileOnce() throws Exception {
    Path yaml = dir.resolve("wgmesh.yaml");
    TestSites.create(yaml, "zonefile:" + dir.resolve("mesh.zone"), 3);
    SiteFile.save(SiteFile.load(yaml).withoutHost(TestSites.host(3).uuid()), yaml);
    Site rolled = SiteKeyRolls.start(SiteFile.load(yaml), yaml, Duration.ofDays(14), T0);
    SiteKeyRoll roll = rolled.keyPolicy().roll().orElseThrow();
    SiteKeyStore keys = SiteKeyStore.beside(yaml);
    AtomicInteger loads = new AtomicInteger();
    SitePublication service =
        new SitePublication(
                Reporter.silent(),
                Publishers::fromUri,
                Clock.fixed(roll.at().plusSeconds(60), ZoneOffset.UTC))
            .withSiteLoader(
                file -> {
                  loads.incrementAndGet();
                  Site site = SiteFile.load(file);
                  // Any other load in this run now fails: key files readable by others are refused.
                  loosen(keys.signing());
                  loosen(keys.box());
                  return site;
                });

    try (SitePublication.Prepared p = service.prepare(yaml, Optional.empty(), false)) {
      service.apply(p);
    }

    assertThat(loads).hasValue(1);
    Site after = SiteFile.load(yaml);
    assertThat(after.retired()).isEmpty();
    assertThat(after.keyPolicy().roll()).isEmpty();
    assertThat(after.keys().signing().publicKey()).isEqualTo(roll.nextSigning().publicKey());
    assertThat(after.keys().box().publicKey()).isEqualTo(roll.nextBox().publicKey());
    assertThat(keys.nextSigning()).doesNotExist();
    assertThat(keys.nextBox()).doesNotExist();
  }

  private static void loosen(Path keyFile) {
    try {
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
