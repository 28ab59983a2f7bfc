package org.wgmesh.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;

/**
 * What tells that a file changed without reading it: its modification time, size and file key (the
 * inode: the wgmesh tools replace a file by renaming a new one over it, so each write has a new key
 * even within the clock's resolution).
 *
 * @param modified the modification time; empty for a missing file
 * @param size the size in bytes; -1 for a missing file
 * @param key the file key, or "" where the file system has none
 */
public record FileStamp(Optional<FileTime> modified, long size, Object key) {
  /** The stamp of a file that does not exist. */
  public static final FileStamp MISSING = new FileStamp(Optional.empty(), -1, "");

  public FileStamp {
    Objects.requireNonNull(modified, "modified");
    Objects.requireNonNull(key, "key");
  }

  /**
   * The stamp of {@code file} now, {@link #MISSING} when it does not exist.
   *
   * @throws IOException when its attributes cannot be read for another reason
   */
  public static FileStamp of(Path file) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileStamp(
          Optional.of(a.lastModifiedTime()), a.size(), Objects.requireNonNullElse(a.fileKey(), ""));
    } catch (NoSuchFileException e) {
      return MISSING;
    }
  }
}
