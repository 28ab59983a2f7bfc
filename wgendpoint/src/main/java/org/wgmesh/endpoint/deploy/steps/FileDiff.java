package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.endpoint.deploy.host.DiskFile;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.RenderedFile;

/**
 * The difference between the rendered files and the disk: files to add, change, remove. Identical
 * files are left out, so an empty diff means no file is written. Pure: the disk comes as a map.
 *
 * @param changes added, changed and removed files, in render order, removals last
 */
public record FileDiff(List<FileChange> changes) {
  public FileDiff {
    changes = List.copyOf(changes);
  }

  /**
   * Compares {@code desired} with {@code disk}; files in {@code previouslyManaged} that are no
   * longer rendered are removals.
   *
   * @param disk the current files by path; a path that is not there does not exist
   */
  public static FileDiff of(
      List<RenderedFile> desired, List<Path> previouslyManaged, Map<Path, DiskFile> disk) {
    List<FileChange> out = new ArrayList<>();
    Set<Path> wanted = new HashSet<>();
    for (RenderedFile f : desired) {
      wanted.add(f.path());
      Optional<DiskFile> now = Optional.ofNullable(disk.get(f.path()));
      if (now.isEmpty()) {
        out.add(new FileChange(f.path(), FileChange.Kind.ADDED, Optional.empty(), Optional.of(f)));
      } else if (!now.get().content().equals(f.content()) || !now.get().mode().equals(f.mode())) {
        out.add(
            new FileChange(
                f.path(),
                FileChange.Kind.CHANGED,
                Optional.of(now.get().content()),
                Optional.of(f)));
      }
    }
    for (Path p : previouslyManaged) {
      if (!wanted.contains(p) && disk.containsKey(p)) {
        out.add(
            new FileChange(
                p, FileChange.Kind.REMOVED, Optional.of(disk.get(p).content()), Optional.empty()));
      }
    }
    return new FileDiff(out);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** Whether any file of {@code c} is added, changed or removed. */
  public boolean touches(Component c) {
    return changes.stream()
        .anyMatch(
            ch ->
                ch.desired()
                    .map(f -> f.component() == c)
                    .orElse(c == Component.WIREGUARD && ch.secret()));
  }

  /** Whether the WireGuard config of {@code iface} changes. */
  public boolean touchesInterface(String iface) {
    return changes.stream()
        .anyMatch(
            ch ->
                ch.desired()
                    .map(
                        f ->
                            f.component() == Component.WIREGUARD && f.interfaceName().equals(iface))
                    .orElse(false));
  }
}
