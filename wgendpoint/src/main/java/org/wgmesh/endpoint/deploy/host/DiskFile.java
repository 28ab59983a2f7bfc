package org.wgmesh.endpoint.deploy.host;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;

/**
 * A file as it is on disk: its text and mode.
 *
 * @param content the text (UTF-8)
 * @param mode its permissions
 */
public record DiskFile(String content, Set<PosixFilePermission> mode) {
  public DiskFile {
    Objects.requireNonNull(content, "content");
    mode = Set.copyOf(mode);
  }

  @Override
  public String toString() {
    return "DiskFile[" + content.length() + " characters]"; // the content may hold a key
  }
}
