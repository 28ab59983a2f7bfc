package org.wgmesh.core.record;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.RecordException;

/**
 * The highest serials an endpoint has accepted: of the mesh record and of each member's host
 * record. A record with a lower serial is a replay or a stale cache and is refused. The caller
 * persists it ({@link #toText()}, {@link #parse}) per mesh domain. Thread-safe.
 *
 * <p>{@code wgconfig} records the mesh serial (and issue time) it verified at enrolment ({@link
 * #acceptMesh}), so even the first {@code wgdeploy} refuses an older record (issue 12).
 *
 * <p>It also holds the site keys the endpoint trusts over time: the site key that signed the last
 * accepted mesh record ({@code site-key}, which takes over from the endpoint file's pin after a
 * roll) and the next key that record announced ({@code next-site-key}). Both change only with a
 * complete, verified read, in the same atomic write as the serials.
 */
public final class SeenSerials {
  private long mesh = -1;
  private Optional<Instant> meshIssued = Optional.empty();
  private Optional<Ed25519PublicKey> siteKey = Optional.empty();
  private Optional<Ed25519PublicKey> nextSiteKey = Optional.empty();
  private Optional<X25519PublicKey> siteBoxKey = Optional.empty();
  private final Map<Integer, Long> hosts = new TreeMap<>();
  private final Map<Integer, Long> clients = new TreeMap<>();

  /** Nothing seen yet. */
  public static SeenSerials empty() {
    return new SeenSerials();
  }

  /** The highest mesh serial seen, or -1. */
  public synchronized long mesh() {
    return mesh;
  }

  /** When the mesh record of {@link #mesh()} was issued, if known. */
  public synchronized Optional<Instant> meshIssued() {
    return meshIssued;
  }

  /**
   * Refuses a mesh record older than the one accepted before.
   *
   * @param domain names the record in the error
   * @throws RecordException when {@code serial} is lower than {@link #mesh()}
   */
  public synchronized void checkMesh(String domain, long serial) {
    if (serial < mesh) {
      throw new RecordException(
          domain,
          "field 'serial': serial "
              + serial
              + " is older than "
              + mesh
              + " already seen"
              + meshIssued.map(t -> " (issued " + t + ")").orElse("")
              + " (a replay or a stale cache)",
          "nothing was changed; wait for DNS caches to expire (TTL) and retry");
    }
  }

  /**
   * Records a verified mesh record alone (enrolment: the host records are not read yet), keeping
   * the host serials seen.
   *
   * @throws RecordException when it is older than one accepted before ({@link #checkMesh})
   */
  public synchronized void acceptMesh(String domain, long serial, Instant issued) {
    checkMesh(domain, serial);
    if (serial > mesh || meshIssued.isEmpty()) {
      meshIssued = Optional.of(issued);
    }
    mesh = serial;
  }

  /**
   * The site keys to accept a mesh record from: the current one (the key that signed the last
   * accepted record, else {@code pinned}) and, during a roll, the announced next one.
   *
   * @param pinned the endpoint file's pinned key
   */
  public synchronized List<Ed25519PublicKey> trustedSiteKeys(Ed25519PublicKey pinned) {
    List<Ed25519PublicKey> keys = new ArrayList<>();
    keys.add(siteKey.orElse(pinned));
    nextSiteKey.filter(k -> !keys.contains(k)).ifPresent(keys::add);
    return keys;
  }

  /** The key that signed the last accepted mesh record, if recorded. */
  public synchronized Optional<Ed25519PublicKey> siteKey() {
    return siteKey;
  }

  /** The next site key the last accepted mesh record announced, if any. */
  public synchronized Optional<Ed25519PublicKey> nextSiteKey() {
    return nextSiteKey;
  }

  /**
   * The site box key the last accepted mesh record carried (registration blobs are sealed to it; it
   * changes with a site-key roll), if recorded.
   */
  public synchronized Optional<X25519PublicKey> siteBoxKey() {
    return siteBoxKey;
  }

  /** {@link #acceptSiteKeys(Ed25519PublicKey, Optional)} and the record's box key. */
  public synchronized void acceptSiteKeys(
      Ed25519PublicKey signedBy, Optional<Ed25519PublicKey> next, X25519PublicKey box) {
    acceptSiteKeys(signedBy, next);
    siteBoxKey = Optional.of(box);
  }

  /**
   * Records the keys of a verified mesh record: the one that signed it becomes the current key (the
   * old one is dropped once a record signed by the next one verified), and its announcement, or
   * none, the next one.
   */
  public synchronized void acceptSiteKeys(
      Ed25519PublicKey signedBy, Optional<Ed25519PublicKey> next) {
    siteKey = Optional.of(signedBy);
    nextSiteKey = next;
  }

  /**
   * Whether a complete read of the mesh as a member was accepted (host serials recorded), not just
   * the mesh record at enrolment.
   */
  public synchronized boolean readAsMember() {
    return !hosts.isEmpty();
  }

  /** The highest serial seen for client {@code number}'s record (issue 25), or -1. */
  public synchronized long client(int number) {
    return clients.getOrDefault(number, -1L);
  }

  /**
   * Records the serials of the clients' records of a complete, verified read (issue 25); clients no
   * longer listed are forgotten, as hosts are.
   */
  public synchronized void acceptClients(Map<Integer, Long> clientSerials) {
    Map<Integer, Long> next = new TreeMap<>();
    clientSerials.forEach((n, s) -> next.put(n, Math.max(s, clients.getOrDefault(n, -1L))));
    clients.clear();
    clients.putAll(next);
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
    accept(meshSerial, Optional.empty(), hostSerials);
  }

  /**
   * {@link #accept(long, Map)} with the mesh record's issue time.
   *
   * @param meshIssued when the mesh record was issued
   */
  public synchronized void accept(
      long meshSerial, Instant meshIssued, Map<Integer, Long> hostSerials) {
    accept(meshSerial, Optional.of(meshIssued), hostSerials);
  }

  private void accept(
      long meshSerial, Optional<Instant> meshIssued, Map<Integer, Long> hostSerials) {
    if (meshSerial > mesh || (meshSerial == mesh && this.meshIssued.isEmpty())) {
      this.meshIssued = meshIssued;
    }
    mesh = Math.max(mesh, meshSerial);
    Map<Integer, Long> next = new TreeMap<>();
    hostSerials.forEach((n, s) -> next.put(n, Math.max(s, hosts.getOrDefault(n, -1L))));
    hosts.clear();
    hosts.putAll(next);
  }

  /**
   * {@code mesh <serial>}, {@code mesh-issued <seconds since 1970>} and {@code host <number>
   * <serial>} lines.
   */
  public synchronized String toText() {
    StringBuilder sb = new StringBuilder("# wgmesh serials seen, written by wgdeploy\n");
    sb.append("mesh ").append(mesh).append('\n');
    meshIssued.ifPresent(t -> sb.append("mesh-issued ").append(t.getEpochSecond()).append('\n'));
    siteKey.ifPresent(k -> sb.append("site-key ").append(k.toBase64()).append('\n'));
    nextSiteKey.ifPresent(k -> sb.append("next-site-key ").append(k.toBase64()).append('\n'));
    siteBoxKey.ifPresent(k -> sb.append("site-box-key ").append(k.toBase64()).append('\n'));
    hosts.forEach((n, s) -> sb.append("host ").append(n).append(' ').append(s).append('\n'));
    clients.forEach((n, s) -> sb.append("client ").append(n).append(' ').append(s).append('\n'));
    return sb.toString();
  }

  /**
   * Reads the serials file an endpoint keeps ({@code <state>/<domain>.seen}); a missing file is
   * {@link #empty()} (nothing verified yet).
   *
   * @throws FileException when it cannot be read
   * @throws ConfigException for a malformed line
   */
  public static SeenSerials read(Path file) {
    if (!Files.exists(file)) {
      return empty();
    }
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read: " + e.getMessage(), null, e);
    }
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
        } else if (f[0].equals("mesh-issued") && f.length == 2) {
          seen.meshIssued = Optional.of(Instant.ofEpochSecond(Long.parseLong(f[1])));
        } else if (f[0].equals("site-key") && f.length == 2) {
          seen.siteKey = Optional.of(Ed25519PublicKey.parse(f[1], where));
        } else if (f[0].equals("site-box-key") && f.length == 2) {
          seen.siteBoxKey = Optional.of(X25519PublicKey.parse(f[1], where));
        } else if (f[0].equals("next-site-key") && f.length == 2) {
          seen.nextSiteKey = Optional.of(Ed25519PublicKey.parse(f[1], where));
        } else if (f[0].equals("host") && f.length == 3) {
          int n = Integer.parseInt(f[1]);
          if (n < 1 || n > 65535) {
            throw new ConfigException(where, "host number must be 1..65535");
          }
          seen.hosts.put(n, Long.parseLong(f[2]));
        } else if (f[0].equals("client") && f.length == 3) {
          int n = Integer.parseInt(f[1]);
          if (n < 1 || n > 65535) {
            throw new ConfigException(where, "client number must be 1..65535");
          }
          seen.clients.put(n, Long.parseLong(f[2]));
        } else {
          throw new ConfigException(
              where,
              "expected 'mesh SERIAL', 'mesh-issued SECONDS', 'site-key KEY', 'next-site-key KEY', 'site-box-key KEY'"
                  + ", 'host NUMBER SERIAL' or 'client NUMBER SERIAL'");
        }
      } catch (NumberFormatException | DateTimeException e) {
        throw new ConfigException(where, "not a number: " + e.getMessage());
      } catch (InputException e) {
        throw new ConfigException(where, e.why());
      }
    }
    return seen;
  }
}
