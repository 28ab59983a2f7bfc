package org.wgmesh.site.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.site.SiteFile;

/**
 * The hostnames of a site file for the report path, read again only when the file changed: its
 * modification time, size or file key (inode; the site tools replace the file by renaming a new one
 * over it, so each write has a new key). Reading a site of 1,000 hosts takes about a third of a
 * second, far too long to do for every report. A failed read (a broken file) is kept too, and
 * thrown again until the file changes, so a broken file is not parsed again for every report.
 */
final class SiteHosts {
  private final Path siteFile;
  private final Function<Path, Set<String>> reader;
  private volatile Snapshot snapshot;

  /** What the file looked like when it was read. */
  private record Stamp(FileTime modified, long size, Object fileKey) {}

  private record Snapshot(Stamp stamp, Set<String> hostnames, RuntimeException failure) {}

  SiteHosts(Path siteFile) {
    this(siteFile, SiteHosts::read);
  }

  /** With another reader: the tests count the reads. */
  SiteHosts(Path siteFile, Function<Path, Set<String>> reader) {
    this.siteFile = siteFile;
    this.reader = reader;
  }

  /**
   * The hostnames in the site file now; the same set object as the last call while the file has not
   * changed.
   *
   * @throws org.wgmesh.core.error.WgmeshException when the file cannot be read or is not a site
   */
  Set<String> current() {
    Stamp now = stamp();
    Snapshot s = snapshot;
    if (s == null || !s.stamp().equals(now)) {
      s = reread(now);
    }
    if (s.failure() != null) {
      throw s.failure();
    }
    return s.hostnames();
  }

  /** One thread reads; the others that saw the change meanwhile take its result. */
  private synchronized Snapshot reread(Stamp now) {
    Snapshot s = snapshot;
    if (s != null && s.stamp().equals(now)) {
      return s;
    }
    // The stamp is taken before the read: a change during the read makes a newer stamp, read next.
    try {
      s = new Snapshot(now, Set.copyOf(reader.apply(siteFile)), null);
    } catch (RuntimeException e) {
      s = new Snapshot(now, Set.of(), e);
    }
    snapshot = s;
    return s;
  }

  private Stamp stamp() {
    try {
      BasicFileAttributes a = Files.readAttributes(siteFile, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime(), a.size(), Objects.requireNonNullElse(a.fileKey(), ""));
    } catch (IOException e) {
      throw new FileException(siteFile.toString(), "cannot be read: " + e.getMessage());
    }
  }

  private static Set<String> read(Path siteFile) {
    return SiteFile.load(siteFile).hosts().stream()
        .map(HostEntry::hostname)
        .collect(Collectors.toUnmodifiableSet());
  }
}
