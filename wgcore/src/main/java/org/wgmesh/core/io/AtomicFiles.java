package org.wgmesh.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.error.FileException;

/**
 * Atomic file writes: the content goes to a temporary file in the same directory, created with its
 * final mode (so a secret is never readable by others, not even for a moment), is synced, and is
 * then renamed over the target. Readers see the old file or the new one, never a mix.
 */
public final class AtomicFiles {
  /** rw------- : keys, WireGuard configs, anything secret. */
  public static final Set<PosixFilePermission> SECRET =
      PosixFilePermissions.fromString("rw-------");

  /** rw-r--r-- : ordinary configuration. */
  public static final Set<PosixFilePermission> PUBLIC =
      PosixFilePermissions.fromString("rw-r--r--");

  /** rw-r----- : configuration readable by a service group. */
  public static final Set<PosixFilePermission> GROUP = PosixFilePermissions.fromString("rw-r-----");

  /** rwxr-x--- : scripts. */
  public static final Set<PosixFilePermission> SCRIPT =
      PosixFilePermissions.fromString("rwxr-x---");

  private AtomicFiles() {}

  /**
   * Writes {@code content} to {@code target} atomically with {@code mode}, creating parent
   * directories. Leaves an identical file untouched (but corrects its mode).
   *
   * @return true when the file was created or its content changed
   * @throws FileException when the file cannot be written; the old file is then unchanged
   */
  public static boolean write(Path target, byte[] content, Set<PosixFilePermission> mode) {
    try {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
        if (!Files.getPosixFilePermissions(target).equals(mode)) {
          Files.setPosixFilePermissions(target, mode);
        }
        return false;
      }
      FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(mode);
      Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", attr);
      try {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.wrap(content));
          ch.force(true);
        }
        // createTempFile applies the umask on some file systems; set the mode explicitly.
        Files.setPosixFilePermissions(tmp, mode);
        move(tmp, target);
      } finally {
        Files.deleteIfExists(tmp);
      }
      syncDirectory(dir);
      return true;
    } catch (IOException e) {
      throw new FileException(target.toString(), "cannot write: " + e.getMessage(), null, e);
    }
  }

  /** {@link #write(Path, byte[], Set)} for UTF-8 text. */
  public static boolean write(Path target, String content, Set<PosixFilePermission> mode) {
    return write(target, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  /**
   * Checks, writing nothing, that {@link #write} could create {@code target}: it is not a
   * directory, and its nearest existing ancestor is a directory this process may write to. For a
   * command that must refuse before it changes anything else (a site file) when one of its outputs
   * could not be written.
   *
   * @throws FileException naming what is in the way
   */
  public static void checkWritable(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      throw new FileException(target.toString(), "is a directory", "name a file to write");
    }
    Path dir = abs.getParent();
    while (dir != null && !Files.exists(dir)) {
      dir = dir.getParent();
    }
    if (dir == null || !Files.isDirectory(dir)) {
      throw new FileException(
          target.toString(),
          "cannot be written: " + dir + " is not a directory",
          "name a file in a directory");
    }
    if (!Files.isWritable(dir)) {
      throw new FileException(
          target.toString(), "cannot be written: directory " + dir + " is not writable");
    }
  }

  /**
   * Creates {@code target} with {@code content} only if it does not exist yet (used for keys, which
   * must never be overwritten by accident).
   *
   * @throws FileException when it exists or cannot be written
   */
  public static void create(Path target, byte[] content, Set<PosixFilePermission> mode) {
    if (Files.exists(target)) {
      throw new FileException(
          target.toString(), "already exists", "remove it first if you really mean to replace it");
    }
    write(target, content, mode);
  }

  /**
   * Copies {@code file} to {@code file + suffix} atomically (keeping its mode), if it exists.
   *
   * @return the backup path; empty when there was nothing to back up
   */
  public static Optional<Path> backup(Path file, String suffix) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Path bak = file.resolveSibling(file.getFileName() + suffix);
      write(bak, Files.readAllBytes(file), Files.getPosixFilePermissions(file));
      return Optional.of(bak);
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot back up: " + e.getMessage(), null, e);
    }
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
      throw new IOException("atomic rename not supported in " + target.getParent(), e);
    }
  }

  private static void syncDirectory(Path dir) {
    // Makes the rename durable; not every file system allows opening a directory, so best effort.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // durability of the rename is then up to the file system
    }
  }
}
