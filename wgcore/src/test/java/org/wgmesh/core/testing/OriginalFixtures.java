package org.wgmesh.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The files made by the original wgmesh (Python, v2.0.2) with throw-away keys, kept verbatim in
 * {@code wgcore/src/test/resources/original-wgmesh-v2/} (issue 26; provenance in its README, the
 * checksums in its {@code SHA256SUMS}, checked by {@code OriginalFixturesTest}). Every accessor
 * returns a path on the file system: when the test-jar is a jar (another module's tests), the files
 * are extracted once into a temporary directory. Never write to these paths; use {@link #copyTo} or
 * {@link #mangle} for a copy to edit.
 */
public final class OriginalFixtures {
  /** The classpath directory of the fixtures. */
  public static final String RESOURCE_DIR = "original-wgmesh-v2";

  /** The number of hosts with node files and blobs (node001 to node005). */
  public static final int NODES = 5;

  private static Path root;

  private OriginalFixtures() {}

  /** The fixture directory (holding {@code README.md} and {@code SHA256SUMS}). */
  public static synchronized Path root() {
    if (root == null) {
      root = locate();
    }
    return root;
  }

  /** {@code SHA256SUMS}: {@code sha256sum} output for every other file, relative paths. */
  public static Path sha256sums() {
    return root().resolve("SHA256SUMS");
  }

  /** The provenance README. */
  public static Path readme() {
    return root().resolve("README.md");
  }

  /** The v2 site file ({@code site/mesh1.yaml}, 100 hosts). */
  public static Path siteFile() {
    return root().resolve("site/mesh1.yaml");
  }

  /** The site's NaCl private key ({@code site/mesh1_priv}: base64, no newline, not clamped). */
  public static Path siteKey() {
    return root().resolve("site/mesh1_priv");
  }

  /** The v2 node file of host {@code n} (1 to {@value #NODES}). */
  public static Path nodeFile(int n) {
    return nodeDir(n).resolve("node_mesh1.yaml");
  }

  /** The private key of host {@code n} (base64, no newline, not clamped). */
  public static Path nodeKey(int n) {
    return nodeDir(n).resolve("node_mesh1.key");
  }

  /** The public key of host {@code n} (base64, no newline). */
  public static Path nodePub(int n) {
    return nodeDir(n).resolve("node_mesh1.pub");
  }

  /** The registration blob host {@code n} printed: a {@code #} comment line, then the blob. */
  public static Path blob(int n) {
    return root().resolve("blobs/" + nodeName(n) + ".blob");
  }

  /** The blob of host {@code n} alone: the second line of {@link #blob(int)}, without newline. */
  public static String blobText(int n) {
    List<String> lines = readLines(blob(n));
    return lines.get(1);
  }

  /** {@code node001} to {@code node005}. */
  public static String nodeName(int n) {
    if (n < 1 || n > NODES) {
      throw new IllegalArgumentException("no fixture node " + n + " (1 to " + NODES + ")");
    }
    return String.format("node%03d", n);
  }

  /** The files {@code SHA256SUMS} lists, as relative paths with {@code /}, in its order. */
  public static List<String> listedFiles() {
    List<String> files = new ArrayList<>();
    for (String line : readLines(sha256sums())) {
      if (!line.isBlank()) {
        files.add(line.substring(line.indexOf("  ") + 2));
      }
    }
    return files;
  }

  /**
   * Copies every fixture file (and {@code SHA256SUMS}) under {@code target}, keeping the layout.
   *
   * @return {@code target}
   */
  public static Path copyTo(Path target) {
    try {
      List<String> files = new ArrayList<>(listedFiles());
      files.add("SHA256SUMS");
      for (String file : files) {
        Path to = target.resolve(file);
        Files.createDirectories(to.getParent());
        Files.copy(root().resolve(file), to, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A copy of fixture {@code file} (one of the paths above) under {@code dir}, with the same
   * relative path, its text passed through {@code edit}.
   *
   * @return the edited copy
   */
  public static Path mangle(Path file, Path dir, UnaryOperator<String> edit) {
    Path relative = root().relativize(file);
    if (relative.startsWith("..") || relative.isAbsolute()) {
      throw new IllegalArgumentException(file + " is not a fixture file");
    }
    try {
      Path to = dir.resolve(relative.toString());
      Files.createDirectories(to.getParent());
      String text = Files.readString(file, StandardCharsets.UTF_8);
      String edited = edit.apply(text);
      if (edited.equals(text)) {
        throw new IllegalArgumentException("the edit changed nothing in " + relative);
      }
      Files.writeString(to, edited, StandardCharsets.UTF_8);
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path nodeDir(int n) {
    return root().resolve("nodes/" + nodeName(n));
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locate() {
    URL sums = OriginalFixtures.class.getResource("/" + RESOURCE_DIR + "/SHA256SUMS");
    if (sums == null) {
      throw new IllegalStateException(RESOURCE_DIR + "/SHA256SUMS is not on the test classpath");
    }
    try {
      if ("file".equals(sums.getProtocol())) {
        return Path.of(sums.toURI()).getParent();
      }
      return extract();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** In a jar: the files are copied out once, SHA256SUMS naming them. */
  private static Path extract() throws IOException {
    Path dir = Files.createTempDirectory("original-wgmesh-v2.");
    List<String> files = new ArrayList<>();
    files.add("SHA256SUMS");
    try (InputStream in = resource("SHA256SUMS")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          files.add(line.substring(line.indexOf("  ") + 2));
        }
      }
    }
    for (String file : files) {
      Path to = dir.resolve(file);
      Files.createDirectories(to.getParent());
      try (InputStream in = resource(file)) {
        Files.copy(in, to);
      }
    }
    return dir;
  }

  private static InputStream resource(String file) {
    InputStream in = OriginalFixtures.class.getResourceAsStream("/" + RESOURCE_DIR + "/" + file);
    if (in == null) {
      throw new IllegalStateException(RESOURCE_DIR + "/" + file + " is not on the test classpath");
    }
    return in;
  }
}
