package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.dns.ZoneFileSource;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.io.BoundedFiles;
import org.wgmesh.core.testing.SparseFiles;
import org.wgmesh.core.yaml.YamlDocuments;

/**
 * Issue 19: every input file is refused before parsing when it is over its size limit, parsing is
 * linear in the size, and the refusal names the limit, the file and an exit code.
 */
class InputLimitsTest {
  @TempDir Path dir;
  Path yaml;
  String good;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    SiteFixtures.twoHosts(yaml);
    good = Files.readString(yaml);
  }

  @Test
  void siteFile_overTheSizeLimit_isRefusedUnread() throws Exception {
    SparseFiles.of(yaml, SiteCodec.MAX_BYTES + 1);
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG);
              assertThat(e.what()).isEqualTo(yaml.toString());
              assertThat(e.why())
                  .isEqualTo(
                      "the file is 16.0 MiB, over the site-file size limit of 16 MiB"
                          + " (16777216 bytes)");
            });
  }

  @Test
  void siteFile_oneLongValueUnderAnUnknownKey_isRefusedByTheLineLimit() throws Exception {
    Files.writeString(yaml, good + "junk: " + "a".repeat(4 << 20) + "\n");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "line " + (good.lines().count() + 1) + " is 4194310 characters long, over the")
        .hasMessageContaining("line-length limit of 4096");
    // before: about 11 s and 450 MB (one long line is quadratic in SnakeYAML's reader)
    assertThat(System.nanoTime() - t0).isLessThan(10_000_000_000L);
  }

  @Test
  void siteFile_largeMultiLineValueUnderAnUnknownKey_isRefusedInLinearTime() throws Exception {
    for (int mb : new int[] {1, 4}) {
      String line = "a".repeat(YamlDocuments.MAX_LINE_CHARS - 10);
      StringBuilder b = new StringBuilder(good).append("junk: ").append(line);
      for (int i = 0; i < (mb << 20) / line.length(); i++) {
        b.append("\n  ").append(line);
      }
      Files.writeString(yaml, b.append('\n').toString());
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> SiteFile.load(yaml))
          .as("%d MB", mb)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(
              "Property 'junk' at line " + (good.lines().count() + 1) + ": unknown key");
      assertThat(System.nanoTime() - t0).as("%d MB", mb).isLessThan(10_000_000_000L);
    }
  }

  @Test
  void siteFile_tooManyNodes_isRefusedBeforeTheTreeIsBuilt() throws Exception {
    String items = "- a\n".repeat(YamlDocuments.MAX_NODES + 1);
    Files.writeString(yaml, good.replace("retired:\n", "retired:\n" + items));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("more than 500000 values, lists and mappings")
        .hasMessageContaining("over the node limit");
  }

  @Test
  void yaml_deepNesting_isRefusedWithItsLine() {
    String deep = "a: " + "[".repeat(100) + "]".repeat(100) + "\n";
    assertThatThrownBy(() -> YamlDocuments.parse(deep, "f.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("f.yaml: ");
  }

  @Test
  void zoneFile_overTheSizeLimit_isRefusedUnread() throws Exception {
    Path zone = dir.resolve("mesh.zone");
    SparseFiles.of(zone, ZoneFileSource.MAX_FILE_BYTES + 1);
    assertThatThrownBy(() -> ZoneFileSource.load(zone))
        .isInstanceOfSatisfying(
            InputException.class,
            e ->
                assertThat(e.getMessage())
                    .startsWith(zone + ": the file is 32.0 MiB, over the zone-file size limit"));
  }

  @Test
  void zoneFile_txtRecordSetBiggerThanADnsAnswer_isRefused() throws Exception {
    Path zone = dir.resolve("mesh.zone");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      b.append("x.mesh.example.com. 300 IN TXT \"")
          .append(String.format("%03d", i))
          .append("a".repeat(250))
          .append("\"\n");
    }
    Files.writeString(zone, b.toString());
    ZoneFileSource src = ZoneFileSource.load(zone);
    assertThatThrownBy(() -> src.lookup("x.mesh.example.com"))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("over the RRset size limit");
    Files.writeString(zone, "x.mesh.example.com. 300 IN TXT \"small\"\n");
    Optional<TxtRecordSet> ok = ZoneFileSource.load(zone).lookup("x.mesh.example.com");
    assertThat(ok).isPresent();
  }

  @Test
  void boundedFiles_aFifoOverTheLimit_stopsAtTheLimit() throws Exception {
    Path f = dir.resolve("f");
    Files.writeString(f, "x".repeat(101));
    BoundedFiles.Limit limit = new BoundedFiles.Limit("test limit", 100, InputException::new);
    assertThatThrownBy(() -> BoundedFiles.readUtf8(f, limit))
        .isInstanceOf(WgmeshException.class)
        .hasMessageContaining("over the test limit of 100 bytes");
    Files.writeString(f, "x".repeat(100));
    assertThat(BoundedFiles.readUtf8(f, limit)).hasSize(100);
  }
}
