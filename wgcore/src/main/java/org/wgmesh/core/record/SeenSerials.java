package org.wgmesh.core.record;

import java.util.Map;
import java.util.TreeMap;
import org.wgmesh.core.error.ConfigException;

/**
 * The highest serials an endpoint has accepted: of the mesh record and of each member's host
 * record. A record with a lower serial is a replay or a stale cache and is refused. The caller
 * persists it ({@link #toText()}, {@link #parse}) per mesh domain. Thread-safe.
 */
public final class SeenSerials {
  private long mesh = -1;
  private final Map<Integer, Long> hosts = new TreeMap<>();

  /** Nothing seen yet. */
  public static SeenSerials empty() {
    return new SeenSerials();
  }

  /** The highest mesh serial seen, or -1. */
  public synchronized long mesh() {
    return mesh;
  }

  /** The highest serial seen for host {@code number}'s record, or -1. */
  public synchronized long host(int number) {
    return hosts.getOrDefault(number, -1L);
  }

  /**
   * Records a complete, verified read: the mesh serial and the serials of the current members' host
   * records. Hosts no longer listed are forgotten (a reused number starts over, and serials come
   * from one site-wide counter, so the new host's are higher anyway).
   */
  public synchronized void accept(long meshSerial, Map<Integer, Long> hostSerials) {
    mesh = Math.max(mesh, meshSerial);
    Map<Integer, Long> next = new TreeMap<>();
    hostSerials.forEach((n, s) -> next.put(n, Math.max(s, hosts.getOrDefault(n, -1L))));
    hosts.clear();
    hosts.putAll(next);
  }

  /** {@code mesh <serial>} and {@code host <number> <serial>} lines. */
  public synchronized String toText() {
    StringBuilder sb = new StringBuilder("# wgmesh serials seen, written by wgdeploy\n");
    sb.append("mesh ").append(mesh).append('\n');
    hosts.forEach((n, s) -> sb.append("host ").append(n).append(' ').append(s).append('\n'));
    return sb.toString();
  }

  /**
   * Reads {@link #toText()} output.
   *
   * @param what names the file in errors (with the line number)
   * @throws ConfigException for a malformed line
   */
  public static SeenSerials parse(String text, String what) {
    SeenSerials seen = new SeenSerials();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      String where = what + ":" + (i + 1);
      try {
        if (f[0].equals("mesh") && f.length == 2) {
          seen.mesh = Long.parseLong(f[1]);
        } else if (f[0].equals("host") && f.length == 3) {
          int n = Integer.parseInt(f[1]);
          if (n < 1 || n > 65535) {
            throw new ConfigException(where, "host number must be 1..65535");
          }
          seen.hosts.put(n, Long.parseLong(f[2]));
        } else {
          throw new ConfigException(where, "expected 'mesh SERIAL' or 'host NUMBER SERIAL'");
        }
      } catch (NumberFormatException e) {
        throw new ConfigException(where, "not a number: " + e.getMessage());
      }
    }
    return seen;
  }
}
