package org.wgmesh.site.status;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The status file held in memory by the enrolment service and written in batches. Rewriting the
 * whole file for every report took 50 to 80 ms at 1,000 hosts (read, parse, write, fsync), so the
 * service could store at most 12 to 20 reports a second, less than the 33 a second of 1,000 hosts
 * reporting every 30 s (docs/benchmarks.md, "Health reports at fleet scale"). Here a report only
 * changes the map; {@link #flush} writes the file (atomically, as {@link StatusFile} does) when
 * something changed, and the intake calls it about once a second and at close.
 *
 * <p>Crash semantics: the file is always a whole, earlier state. A crash or power loss loses the
 * reports of the last write interval at most (about a second); each host sends its next report from
 * its timer, long before the status calls it stale. A clean stop (TERM) writes everything.
 *
 * <p>Thread-safe: the map has its own lock, held only to change or copy it; the write takes
 * another, so reports are never held up by the disk.
 */
final class StatusStore {
  private final Path file;
  private final Map<String, StatusFile.Received> hosts;
  private final Object writing = new Object();
  private boolean dirty;
  private RuntimeException lastFailure;

  private StatusStore(Path file, Map<String, StatusFile.Received> hosts) {
    this.file = file;
    this.hosts = hosts;
  }

  /**
   * The store of {@code file}, with the reports it holds now.
   *
   * @throws org.wgmesh.core.error.ConfigException when the file is malformed (the service then does
   *     not start; the operator removes or repairs the file)
   */
  static StatusStore open(Path file) {
    return new StatusStore(file, new TreeMap<>(StatusFile.read(file)));
  }

  /**
   * Keeps {@code received} as the latest report of {@code hostname}, in memory until the next
   * {@link #flush}.
   *
   * @throws RuntimeException the last write's failure, while writing fails: the report is kept and
   *     written once writing works again, but the host (and the log) learn the disk is in trouble
   */
  synchronized void put(String hostname, StatusFile.Received received) {
    hosts.put(hostname, received);
    dirty = true;
    if (lastFailure != null) {
      throw lastFailure;
    }
  }

  /** Forgets the reports of hosts not in {@code hostnames} (removed from the site file). */
  synchronized void retainOnly(Set<String> hostnames) {
    if (hosts.keySet().retainAll(hostnames)) {
      dirty = true;
    }
  }

  /** The latest report of {@code hostname} (stored, or not yet written). */
  synchronized Optional<StatusFile.Received> latest(String hostname) {
    return Optional.ofNullable(hosts.get(hostname));
  }

  /** The latest report of every host, by hostname: a copy, as of now. */
  synchronized Map<String, StatusFile.Received> latestOfAll() {
    return new TreeMap<>(hosts);
  }

  /**
   * Writes the file if a report came or went since the last write.
   *
   * @return whether it wrote
   * @throws org.wgmesh.core.error.FileException when the file cannot be written (the old file is
   *     intact; the next flush tries again)
   */
  boolean flush() {
    synchronized (writing) {
      Map<String, StatusFile.Received> copy;
      synchronized (this) {
        if (!dirty) {
          return false;
        }
        copy = new TreeMap<>(hosts);
        dirty = false;
      }
      try {
        StatusFile.write(file, copy);
      } catch (RuntimeException e) {
        synchronized (this) {
          dirty = true;
          lastFailure = e;
        }
        throw e;
      }
      synchronized (this) {
        lastFailure = null;
      }
      return true;
    }
  }
}
