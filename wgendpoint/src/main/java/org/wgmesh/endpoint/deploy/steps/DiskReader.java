package org.wgmesh.endpoint.deploy.steps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.wgmesh.endpoint.deploy.host.DiskFile;

/**
 * Reads one file as it is on disk. A run reads its files (the state directory's included) through
 * one reader, so each is read once and its reads can be counted in a test; the caller words the
 * error, as a state file and a managed file each have their own remedy.
 */
@FunctionalInterface
public interface DiskReader {
  /** The real file system. */
  DiskReader DISK =
      p ->
          Files.isRegularFile(p)
              ? Optional.of(
                  new DiskFile(
                      Files.readString(p, StandardCharsets.UTF_8),
                      Files.getPosixFilePermissions(p)))
              : Optional.empty();

  /**
   * The file at {@code p}, empty when there is none.
   *
   * @throws IOException when it exists and cannot be read
   */
  Optional<DiskFile> read(Path p) throws IOException;
}
