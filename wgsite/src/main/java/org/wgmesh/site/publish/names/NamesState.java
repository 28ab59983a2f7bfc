package org.wgmesh.site.publish.names;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.site.publish.target.NameRecordSet;
import org.wgmesh.site.publish.target.NameZone;

/**
 * What name records wgpub has written (issue 25), kept beside the site file as {@code
 * <name>.names-state}: so that it deletes a removed host's names and PTRs, and only its own (a
 * record wgmesh did not write is never in here, so never touched), also on targets that cannot list
 * their records (RFC 2136). One line per RRset:
 *
 * <pre>
 * forward mesh.example.com gw1.mesh.example.com AAAA 300 fd12:3456:789a:0:1::1
 * reverse 2.0.192.in-addr.arpa 10.2.0.192.in-addr.arpa PTR 300 gw1.mesh.example.com
 * </pre>
 *
 * Losing it is safe in one direction: the next run writes every wanted record again, but no longer
 * knows those of hosts removed since (delete them by hand).
 *
 * @param zones the RRsets written, by zone
 */
public record NamesState(Map<NameZone, List<NameRecordSet>> zones) {
  private static final String HEADER =
      "# wgmesh name records written by wgpub (docs/publishing.md); wgpub rewrites this file\n";

  public NamesState {
    Map<NameZone, List<NameRecordSet>> copy = new TreeMap<>(NameRecords::order);
    zones.forEach(
        (z, sets) -> {
          if (!sets.isEmpty()) {
            copy.put(z, List.copyOf(sets));
          }
        });
    zones = Collections.unmodifiableMap(copy);
  }

  /** No record written. */
  public static NamesState empty() {
    return new NamesState(Map.of());
  }

  public boolean isEmpty() {
    return zones.isEmpty();
  }

  /**
   * This state and {@code other} together: every RRset of both, the values of one name and type
   * merged. Saved before writing, so a run that fails half-way still knows every record it may have
   * written.
   */
  public NamesState union(NamesState other) {
    Map<NameZone, Map<String, NameRecordSet>> all = new LinkedHashMap<>();
    for (NamesState s : List.of(this, other)) {
      s.zones.forEach(
          (z, sets) -> {
            Map<String, NameRecordSet> m = all.computeIfAbsent(z, k -> new TreeMap<>());
            for (NameRecordSet set : sets) {
              m.merge(
                  set.key(),
                  set,
                  (a, b) -> {
                    List<String> v = new ArrayList<>(a.values());
                    v.addAll(b.values());
                    return b.withValues(v);
                  });
            }
          });
    }
    Map<NameZone, List<NameRecordSet>> out = new LinkedHashMap<>();
    all.forEach((z, m) -> out.put(z, List.copyOf(m.values())));
    return new NamesState(out);
  }

  /** The file's text. */
  public String toText() {
    StringBuilder b = new StringBuilder(HEADER);
    zones.forEach(
        (z, sets) -> {
          for (NameRecordSet s : sets) {
            b.append(z.reverse() ? "reverse " : "forward ")
                .append(z.name())
                .append(' ')
                .append(s.name())
                .append(' ')
                .append(s.type())
                .append(' ')
                .append(s.ttl())
                .append(' ')
                .append(String.join(" ", s.values()))
                .append('\n');
          }
        });
    return b.toString();
  }

  /**
   * Parses {@link #toText}.
   *
   * @throws ConfigException naming the file and line of a malformed line
   */
  public static NamesState parse(String text, String source) {
    Map<NameZone, List<NameRecordSet>> zones = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(" +");
      try {
        if (f.length < 6 || !(f[0].equals("forward") || f[0].equals("reverse"))) {
          throw new IllegalArgumentException(
              "expected 'forward|reverse ZONE NAME TYPE TTL VALUE...'");
        }
        NameZone zone = new NameZone(f[1], f[0].equals("reverse"));
        NameRecordSet set =
            new NameRecordSet(
                f[2],
                NameRecordSet.Type.valueOf(f[3]),
                Integer.parseInt(f[4]),
                Arrays.asList(f).subList(5, f.length));
        zones.computeIfAbsent(zone, z -> new ArrayList<>()).add(set);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            source + " line " + (i + 1),
            "not a names-state line: " + e.getMessage(),
            "delete the file: the next wgpub run writes every name again (records of hosts"
                + " removed since are then no longer known)");
      }
    }
    return new NamesState(zones);
  }

  /** The state at {@code path}; empty when there is none. */
  public static NamesState read(Path path) {
    try {
      return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    } catch (NoSuchFileException e) {
      return empty();
    } catch (IOException e) {
      throw new FileException(path.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }

  /** Where the names state of {@code siteFile} lives: {@code <name>.names-state} beside it. */
  public static Path pathFor(Path siteFile) {
    String name = siteFile.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return siteFile.resolveSibling(name + ".names-state");
  }
}
