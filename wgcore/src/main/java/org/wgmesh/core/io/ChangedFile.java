package org.wgmesh.core.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import org.wgmesh.core.error.FileException;

/**
 * What a file says, read again only when the file changed: its modification time, size or file key
 * (inode; the wgmesh tools replace a file by renaming a new one over it, so each write has a new
 * key), or whether it exists. For a long-running service that must see an operator's change without
 * a restart, but cannot afford to parse the file for every request (a site of 1,000 hosts takes
 * about a third of a second). A failed read (a broken file) is kept too, and thrown again until the
 * file changes, so a broken file is not parsed again for every request. The reader is called for a
 * missing file as well, and decides what that means.
 *
 * @param <T> what the reader makes of the file
 */
public final class ChangedFile<T> {
  private final Path file;
  private final Function<Path, T> reader;
  private volatile Snapshot<T> snapshot;

  private record Snapshot<T>(FileStamp stamp, T value, RuntimeException failure) {}

  public ChangedFile(Path file, Function<Path, T> reader) {
    this.file = Objects.requireNonNull(file, "file");
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /**
   * What the file says now: the same object as the last call while the file has not changed.
   *
   * @throws RuntimeException what the reader threw for the file as it is (again, without reading it
   *     again, until it changes); a {@link FileException} when its attributes cannot be read
   */
  public T current() {
    FileStamp now = stamp();
    Snapshot<T> s = snapshot;
    if (s == null || !s.stamp().equals(now)) {
      s = reread(now);
    }
    if (s.failure() != null) {
      throw s.failure();
    }
    return s.value();
  }

  /** One thread reads; the others that saw the change meanwhile take its result. */
  private synchronized Snapshot<T> reread(FileStamp now) {
    Snapshot<T> s = snapshot;
    if (s != null && s.stamp().equals(now)) {
      return s;
    }
    // The stamp is taken before the read: a change during the read makes a newer stamp, read next.
    try {
      s = new Snapshot<>(now, Objects.requireNonNull(reader.apply(file), "read value"), null);
    } catch (RuntimeException e) {
      s = new Snapshot<>(now, null, e);
    }
    snapshot = s;
    return s;
  }

  private FileStamp stamp() {
    try {
      return FileStamp.of(file);
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot be read: " + e.getMessage());
    }
  }
}
