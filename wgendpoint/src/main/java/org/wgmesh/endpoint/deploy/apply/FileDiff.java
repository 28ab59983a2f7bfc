package org.wgmesh.endpoint.deploy.apply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.error.FileException;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.RenderedFile;

/**
 * The difference between the rendered files and the disk: files to add, change, remove. Identical
 * files are left out, so an empty diff means no file is written.
 *
 * @param changes added, changed and removed files, in render order, removals last
 */
public record FileDiff(List<FileChange> changes) {
  public FileDiff {
    changes = List.copyOf(changes);
  }

  /**
   * Compares {@code desired} with the disk; files in {@code previouslyManaged} that are no longer
   * rendered are removals.
   */
  public static FileDiff of(List<RenderedFile> desired, List<Path> previouslyManaged) {
    List<FileChange> out = new ArrayList<>();
    Set<Path> wanted = new HashSet<>();
    for (RenderedFile f : desired) {
      wanted.add(f.path());
      Optional<String> now = read(f.path());
      if (now.isEmpty()) {
        out.add(new FileChange(f.path(), FileChange.Kind.ADDED, now, Optional.of(f)));
      } else if (!now.get().equals(f.content()) || !modeMatches(f)) {
        out.add(new FileChange(f.path(), FileChange.Kind.CHANGED, now, Optional.of(f)));
      }
    }
    for (Path p : previouslyManaged) {
      if (!wanted.contains(p) && Files.exists(p)) {
        out.add(new FileChange(p, FileChange.Kind.REMOVED, read(p), Optional.empty()));
      }
    }
    return new FileDiff(out);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** Whether any file of {@code c} is added, changed or removed. */
  public boolean touches(Component c) {
    return changes.stream().anyMatch(ch -> ch.desired().map(f -> f.component() == c)
        .orElse(c == Component.WIREGUARD && ch.secret()));
  }

  /** Whether the WireGuard config of {@code iface} changes. */
  public boolean touchesInterface(String iface) {
    return changes.stream().anyMatch(ch -> ch.desired()
        .map(f -> f.component() == Component.WIREGUARD && f.interfaceName().equals(iface)).orElse(false));
  }

  private static boolean modeMatches(RenderedFile f) {
    try {
      return Files.getPosixFilePermissions(f.path()).equals(f.mode());
    } catch (IOException e) {
      return false;
    }
  }

  static Optional<String> read(Path p) {
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new FileException(p.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }
}
