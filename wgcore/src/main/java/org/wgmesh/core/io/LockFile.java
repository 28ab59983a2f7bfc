package org.wgmesh.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.FileException;

/**
 * An exclusive advisory lock on a lock file (a POSIX record lock, {@link FileChannel#tryLock}),
 * held while a command reads, changes and writes state that another run could change at the same
 * time. The kernel drops the lock when the process dies, so a crash never leaves it held.
 *
 * <p>The file is created empty with mode 0600 and left in place when the lock is released: removing
 * it would race with a process that has just opened it and would then lock a file nobody else sees.
 * A lock held in this JVM counts as held (the JDK refuses a second lock on the same file with
 * {@link OverlappingFileLockException} instead of answering "busy").
 */
public final class LockFile implements Lock {
  private static final long POLL_MS = 50;

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private LockFile(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock on {@code file}, creating it (and its directory) if needed, and waits up to
   * {@code wait} while another holder has it.
   *
   * @param whenHeld the error to throw when it is still held after {@code wait}; it names what is
   *     busy and says to wait
   * @throws ConflictException from {@code whenHeld} when another run holds the lock
   * @throws FileException when the lock file cannot be created or locked
   */
  public static LockFile acquire(Path file, Duration wait, Supplier<ConflictException> whenHeld) {
    Objects.requireNonNull(whenHeld, "whenHeld");
    FileChannel ch = open(file);
    try {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        FileLock l = tryLock(ch);
        if (l != null) {
          return new LockFile(file, ch, l);
        }
        if (System.nanoTime() >= deadline) {
          throw whenHeld.get();
        }
        Thread.sleep(POLL_MS);
      }
    } catch (IOException e) {
      closeQuietly(ch);
      throw new FileException(file.toString(), "cannot lock: " + e.getMessage(), null, e);
    } catch (InterruptedException e) {
      closeQuietly(ch);
      Thread.currentThread().interrupt();
      throw new FileException(file.toString(), "interrupted while waiting for the lock");
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  /** The lock file. */
  public Path path() {
    return path;
  }

  /** Releases the lock; the file stays. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases the lock in any case
    }
    closeQuietly(channel);
  }

  private static FileChannel open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      // The mode applies only when the file is created; the lock file is empty, 0600 keeps other
      // users from taking (and so blocking) a lock they have no business with.
      return FileChannel.open(
          file,
          Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(AtomicFiles.SECRET));
    } catch (IOException e) {
      throw new FileException(
          file.toString(), "cannot create the lock file: " + e.getMessage(), null, e);
    }
  }

  /** The lock, or null when another process or another channel of this JVM holds it. */
  private static FileLock tryLock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      return null;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
