package org.wgmesh.core.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Files of a given size that take no disk and no time to write, for the size-limit tests. */
public final class SparseFiles {
  private SparseFiles() {}

  /** Creates or truncates {@code file} to {@code size} bytes of zeros (a hole). */
  public static Path of(Path file, long size) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
