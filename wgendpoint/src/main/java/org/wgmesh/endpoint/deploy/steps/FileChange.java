package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.util.Optional;
import org.wgmesh.endpoint.deploy.render.RenderedFile;

/**
 * One managed file whose disk content differs from what should be there.
 *
 * @param path the file
 * @param kind added, changed or removed
 * @param before the current content, empty when the file does not exist
 * @param desired the rendered file, empty for a removal
 */
public record FileChange(
    Path path, Kind kind, Optional<String> before, Optional<RenderedFile> desired) {
  /** What happens to the file. */
  public enum Kind {
    ADDED,
    CHANGED,
    REMOVED
  }

  /** Whether the content must never be shown (WireGuard configs hold the private key). */
  public boolean secret() {
    return desired
        .map(RenderedFile::secret)
        .orElse(
            path.toString().endsWith(".conf")
                && path.getParent() != null
                && path.getFileName().toString().startsWith("wg"));
  }
}
