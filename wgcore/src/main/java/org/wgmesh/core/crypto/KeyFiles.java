package org.wgmesh.core.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.io.AtomicFiles;

/**
 * Key files: one base64 key and a newline, mode 0600. Reading refuses a private key file that
 * others can read, because a leaked mesh key is worse than a failed command.
 */
public final class KeyFiles {
  private KeyFiles() {}

  /** Reads the base64 text of a private key file, checking that only its owner can read it. */
  public static String readSecret(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ)) {
        throw new FileException(
            file.toString(),
            "private key file is readable by group or others",
            "chmod 600 " + file);
      }
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      throw new FileException(file.toString(), "key file does not exist");
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read key file: " + e.getMessage(), null, e);
    }
  }

  /** Writes a new private key file (0600); refuses to overwrite an existing one. */
  public static void createSecret(Path file, String base64) {
    AtomicFiles.create(
        file, (base64 + "\n").getBytes(StandardCharsets.US_ASCII), AtomicFiles.SECRET);
  }
}
