package org.wgmesh.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every file and directory below some directories, with its bytes, mode and modification time: for
 * tests that prove a run (a dry run) changed, created and removed nothing. Compare two snapshots
 * with {@code equals}; AssertJ then prints the entries that differ.
 *
 * @param entries path to what is there
 */
public record FileSnapshot(Map<Path, Entry> entries) {
  /**
   * What one path is. Symbolic links are recorded, not followed.
   *
   * @param content the bytes in hex, {@code "<dir>"}, or {@code "-> target"} for a link
   * @param mode e.g. {@code rw-------}
   * @param mtimeMillis the modification time
   */
  public record Entry(String content, String mode, long mtimeMillis) {}

  /** Takes the snapshot of {@code dirs} (missing ones count as empty). */
  public static FileSnapshot of(Path... dirs) {
    Map<Path, Entry> entries = new TreeMap<>();
    for (Path dir : dirs) {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.toList()) {
          entries.put(p, entry(p));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new FileSnapshot(Map.copyOf(entries));
  }

  private static Entry entry(Path p) throws IOException {
    String content;
    if (Files.isSymbolicLink(p)) {
      content = "-> " + Files.readSymbolicLink(p);
    } else if (Files.isDirectory(p)) {
      content = "<dir>";
    } else {
      content = HexFormat.of().formatHex(Files.readAllBytes(p));
    }
    return new Entry(
        content,
        PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)),
        Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis());
  }
}
