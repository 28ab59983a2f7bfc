package org.wgmesh.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original wgmesh's files are kept verbatim: every file matches {@code SHA256SUMS}, the list is
 * complete, and three checksums are pinned here as well (from the issue 26 plan, computed on the
 * files as the original made them), so that editing a file and its checksum together still fails.
 */
class OriginalFixturesTest {

  @Test
  void everyFile_matchesItsChecksum() throws IOException {
    List<String> lines = Files.readAllLines(OriginalFixtures.sha256sums());
    assertThat(lines).hasSize(23);
    for (String line : lines) {
      String expected = line.substring(0, 64);
      String file = line.substring(66);
      assertThat(sha256(OriginalFixtures.root().resolve(file)))
          .as("SHA-256 of %s", file)
          .isEqualTo(expected);
    }
  }

  @Test
  void sha256sums_listsEveryFileAndNothingElse() throws IOException {
    Path root = OriginalFixtures.root();
    List<String> onDisk;
    try (Stream<Path> files = Files.walk(root)) {
      onDisk =
          files
              .filter(Files::isRegularFile)
              .map(p -> root.relativize(p).toString().replace('\\', '/'))
              .filter(p -> !p.equals("SHA256SUMS"))
              .sorted()
              .toList();
    }
    assertThat(OriginalFixtures.listedFiles()).containsExactlyElementsOf(onDisk);
  }

  @Test
  void pinnedChecksums_matchThePlan() {
    assertThat(sha256(OriginalFixtures.siteFile())).startsWith("453959d8");
    assertThat(sha256(OriginalFixtures.siteKey())).startsWith("c31daef1");
    assertThat(sha256(OriginalFixtures.blob(1))).startsWith("bb459102");
  }

  @Test
  void accessors_nameExistingFiles() {
    assertThat(OriginalFixtures.readme()).isRegularFile();
    assertThat(OriginalFixtures.siteFile()).isRegularFile().hasSize(41_638);
    assertThat(OriginalFixtures.siteKey()).isRegularFile().hasSize(44);
    for (int n = 1; n <= OriginalFixtures.NODES; n++) {
      assertThat(OriginalFixtures.nodeFile(n)).isRegularFile().hasSize(459);
      assertThat(OriginalFixtures.nodeKey(n)).isRegularFile().hasSize(44);
      assertThat(OriginalFixtures.nodePub(n)).isRegularFile().hasSize(44);
      assertThat(OriginalFixtures.blob(n)).isRegularFile().hasSize(856);
      assertThat(OriginalFixtures.blobText(n)).hasSize(796);
    }
    assertThatThrownBy(() -> OriginalFixtures.nodeFile(6))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void copyTo_copiesEveryFileByteForByte(@TempDir Path dir) throws IOException {
    OriginalFixtures.copyTo(dir);
    for (String file : OriginalFixtures.listedFiles()) {
      assertThat(Files.readAllBytes(dir.resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(OriginalFixtures.root().resolve(file)));
    }
  }

  @Test
  void mangle_editsACopyOnly(@TempDir Path dir) throws IOException {
    Path original = OriginalFixtures.nodeFile(1);
    String before = Files.readString(original);
    Path copy = OriginalFixtures.mangle(original, dir, s -> s.replace("eth0", "eth9"));
    assertThat(copy).isEqualTo(dir.resolve("nodes/node001/node_mesh1.yaml"));
    assertThat(Files.readString(copy, StandardCharsets.UTF_8)).contains("public_iface: eth9");
    assertThat(Files.readString(original)).isEqualTo(before);
    assertThatThrownBy(() -> OriginalFixtures.mangle(original, dir, s -> s))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
