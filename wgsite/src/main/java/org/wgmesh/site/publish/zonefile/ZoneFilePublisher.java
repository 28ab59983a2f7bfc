package org.wgmesh.site.publish.zonefile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.dns.ZoneFileSource;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.site.publish.target.DomainNames;
import org.wgmesh.site.publish.target.NameRecordSet;
import org.wgmesh.site.publish.target.NameZone;
import org.wgmesh.site.publish.target.Publisher;
import org.wgmesh.site.publish.target.QuotedStrings;

/**
 * Publishes to an RFC 1035 zone-file fragment ({@code zonefile:PATH}) that any DNS server can load
 * with {@code $INCLUDE}. The file holds only wgmesh's records, one TXT resource record per line,
 * with absolute names (no {@code $ORIGIN} needed), sorted so that equal content gives an identical
 * file. It is rewritten atomically (readers see the old or the new file) and left untouched when
 * nothing changed.
 *
 * <p>Reading is strict: this class parses back only the form it writes, and a line it cannot read
 * is an error naming the file and line, so a hand-edited file never loses records silently.
 */
public final class ZoneFilePublisher implements Publisher {
  private static final String HEADER =
      "; wgmesh TXT records, written by wgpub: do not edit, the next run rewrites this file.\n"
          + "; Load it from your zone with: $INCLUDE <this file>\n";

  private final Path file;

  /** A publisher writing {@code file}; the file need not exist yet. */
  public ZoneFilePublisher(Path file) {
    this.file = file;
  }

  @Override
  public String describe() {
    return "zonefile:" + file;
  }

  /** Returns every RRset in the file at or below {@code domain}; a missing file holds none. */
  @Override
  public Map<String, TxtRecordSet> readCurrent(String domain, Collection<String> candidateNames) {
    return DomainNames.atOrBelow(readAll().values(), domain);
  }

  /**
   * The file as an endpoint given {@code --zone-file} reads it ({@link ZoneFileSource}, dnsjava's
   * zone-file parser), not with this class's own strict parser.
   *
   * @throws DnsException when the file is missing, unreadable or not a valid zone file
   */
  @Override
  public DnsSource readBack(String domain, Collection<String> candidateNames) {
    try {
      return ZoneFileSource.load(file);
    } catch (FileException | InputException e) {
      throw new DnsException(
          describe(), e.why(), "run wgpub to write it, or check the zonefile: path", e);
    }
  }

  @Override
  public void upsert(List<TxtRecordSet> sets) {
    Content c = read(file);
    for (TxtRecordSet set : sets) {
      c.txt().put(set.name(), set);
    }
    write(file, c);
  }

  @Override
  public void delete(List<String> names) {
    Content c = read(file);
    for (String name : names) {
      c.txt().remove(TxtRecordSet.normalize(name));
    }
    write(file, c);
  }

  /**
   * The forward zone's name records are in this file with the TXT records; a reverse zone's in its
   * own fragment ({@link #reverseFile}).
   */
  @Override
  public Map<String, NameRecordSet> readNames(NameZone zone, Collection<String> keys) {
    Map<String, NameRecordSet> all = read(fileOf(zone)).names();
    Map<String, NameRecordSet> out = new TreeMap<>();
    for (String k : keys) {
      if (all.containsKey(k)) {
        out.put(k, all.get(k));
      }
    }
    return out;
  }

  @Override
  public void writeNames(NameZone zone, List<NameRecordSet> upserts, List<NameRecordSet> deletes) {
    Path f = fileOf(zone);
    Content c = read(f);
    deletes.forEach(d -> c.names().remove(d.key()));
    upserts.forEach(u -> c.names().put(u.key(), u));
    write(f, c);
  }

  /**
   * The fragment file of reverse zone {@code zone}, beside the zone file: {@code mesh.zone} and
   * {@code 2.0.192.in-addr.arpa} give {@code mesh.2.0.192.in-addr.arpa.zone} (without a {@code
   * .zone} suffix the zone file's whole name is the stem). The operator includes it in the reverse
   * zone with {@code $INCLUDE}.
   */
  public Path reverseFile(String zone) {
    String stem = file.getFileName().toString().replaceFirst("\\.zone$", "");
    return file.resolveSibling(stem + "." + TxtRecordSet.normalize(zone) + ".zone");
  }

  private Path fileOf(NameZone zone) {
    return zone.reverse() ? reverseFile(zone.name()) : file;
  }

  /** The file's content for these RRsets: deterministic, sorted by name and string. */
  static String render(Collection<TxtRecordSet> sets) {
    return render(sets, List.of());
  }

  /** The content for TXT and name RRsets: the TXT records as before, then the name records. */
  static String render(Collection<TxtRecordSet> sets, Collection<NameRecordSet> names) {
    StringBuilder b = new StringBuilder(HEADER);
    renderTxt(b, sets);
    renderNames(b, names);
    return b.toString();
  }

  /** A reverse zone's fragment: only PTR records. */
  static String renderReverse(String zone, Collection<NameRecordSet> names) {
    StringBuilder b =
        new StringBuilder(
            "; wgmesh PTR records of reverse zone "
                + zone
                + ", written by wgpub: do not edit, the next run rewrites this file.\n"
                + "; Load it from the reverse zone with: $INCLUDE <this file>\n");
    renderNames(b, names);
    return b.toString();
  }

  private static void renderNames(StringBuilder b, Collection<NameRecordSet> names) {
    Map<String, NameRecordSet> sorted = new TreeMap<>();
    names.forEach(n -> sorted.put(n.key(), n));
    for (NameRecordSet n : sorted.values()) {
      for (String v : n.values()) {
        b.append(n.name())
            .append(". ")
            .append(n.ttl())
            .append(" IN ")
            .append(n.type())
            .append(' ')
            .append(n.type() == NameRecordSet.Type.PTR ? v + "." : v)
            .append('\n');
      }
    }
  }

  private static void renderTxt(StringBuilder b, Collection<TxtRecordSet> sets) {
    for (TxtRecordSet set : new TreeMap<>(byName(sets)).values()) {
      for (String s : set.strings().stream().sorted().toList()) {
        b.append(set.name())
            .append(". ")
            .append(set.ttl())
            .append(" IN TXT ")
            .append(QuotedStrings.quote(s, QuotedStrings.ZONE_FILE))
            .append('\n');
      }
    }
  }

  /** What one file holds: TXT RRsets by name, name RRsets by {@link NameRecordSet#key}. */
  record Content(Map<String, TxtRecordSet> txt, Map<String, NameRecordSet> names) {}

  /**
   * Parses what {@link #render} writes: its TXT RRsets.
   *
   * @throws PublishException naming {@code source} and the line when a line is malformed
   */
  static Map<String, TxtRecordSet> parse(String text, String source) {
    return parseContent(text, source).txt();
  }

  /**
   * Parses what {@link #render} writes.
   *
   * @throws PublishException naming {@code source} and the line when a line is malformed
   */
  static Content parseContent(String text, String source) {
    Map<String, NameRecordSet> names = new TreeMap<>();
    Map<String, Integer> ttls = new LinkedHashMap<>();
    Map<String, List<String>> strings = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith(";")) {
        continue;
      }
      String where = source + " line " + (i + 1);
      String[] f = line.split("[ \t]+", 5);
      if (f.length == 5 && f[2].equalsIgnoreCase("IN") && nameType(f[3]) != null) {
        nameRecord(names, f, where);
        continue;
      }
      if (f.length < 5 || !f[2].equalsIgnoreCase("IN") || !f[3].equalsIgnoreCase("TXT")) {
        throw malformed(where, "expected 'NAME. TTL IN TXT \"string\"', got: " + abbreviate(line));
      }
      if (!f[0].endsWith(".") || f[0].length() < 2) {
        throw malformed(where, "name '" + f[0] + "' is not absolute (it must end with '.')");
      }
      int ttl;
      try {
        ttl = Integer.parseInt(f[1]);
      } catch (NumberFormatException e) {
        throw malformed(where, "TTL '" + f[1] + "' is not a number of seconds");
      }
      List<String> values;
      try {
        values = QuotedStrings.parseAll(f[4], QuotedStrings.ZONE_FILE);
      } catch (IllegalArgumentException e) {
        throw malformed(where, "TXT data: " + e.getMessage());
      }
      String name = TxtRecordSet.normalize(f[0]);
      Integer earlier = ttls.putIfAbsent(name, ttl);
      if (earlier != null && earlier != ttl) {
        throw malformed(
            where,
            "TTL " + ttl + " differs from " + earlier + " of the earlier records of " + name);
      }
      strings.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values);
    }
    Map<String, TxtRecordSet> sets = new TreeMap<>();
    strings.forEach(
        (name, values) -> sets.put(name, new TxtRecordSet(name, ttls.get(name), values)));
    return new Content(sets, names);
  }

  private static NameRecordSet.Type nameType(String t) {
    for (NameRecordSet.Type type : NameRecordSet.Type.values()) {
      if (type.name().equalsIgnoreCase(t)) {
        return type;
      }
    }
    return null;
  }

  /** One A, AAAA or PTR line, merged into its RRset. */
  private static void nameRecord(Map<String, NameRecordSet> names, String[] f, String where) {
    if (!f[0].endsWith(".") || f[0].length() < 2) {
      throw malformed(where, "name '" + f[0] + "' is not absolute (it must end with '.')");
    }
    int ttl;
    try {
      ttl = Integer.parseInt(f[1]);
    } catch (NumberFormatException e) {
      throw malformed(where, "TTL '" + f[1] + "' is not a number of seconds");
    }
    NameRecordSet.Type type = nameType(f[3]);
    String value = f[4].strip();
    try {
      if (type == NameRecordSet.Type.PTR) {
        if (!value.endsWith(".")) {
          throw malformed(where, "PTR target '" + value + "' is not absolute");
        }
      } else if (IpAddress.parse(value, "address").isV6() != (type == NameRecordSet.Type.AAAA)) {
        throw malformed(where, "'" + value + "' is not an address of type " + type);
      }
    } catch (InputException e) {
      throw malformed(where, e.why());
    }
    NameRecordSet set = new NameRecordSet(f[0], type, ttl, List.of(value));
    NameRecordSet earlier = names.get(set.key());
    if (earlier != null && earlier.ttl() != ttl) {
      throw malformed(
          where,
          "TTL "
              + ttl
              + " differs from "
              + earlier.ttl()
              + " of the earlier records of "
              + set.key());
    }
    if (earlier != null) {
      List<String> values = new ArrayList<>(earlier.values());
      values.add(value);
      set = earlier.withValues(values);
    }
    names.put(set.key(), set);
  }

  private Map<String, TxtRecordSet> readAll() {
    return read(file).txt();
  }

  private static Content read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new Content(new TreeMap<>(), new TreeMap<>());
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read: " + e.getMessage(), null, e);
    }
    Content c = parseContent(text, file.toString());
    return new Content(new TreeMap<>(c.txt()), new TreeMap<>(c.names()));
  }

  private void write(Path target, Content c) {
    // Public data (host records are encrypted), and the DNS server's user must read it.
    String text =
        target.equals(file)
            ? render(c.txt().values(), c.names().values())
            : renderReverse(reverseZoneOf(target), c.names().values());
    AtomicFiles.write(target, text, AtomicFiles.PUBLIC);
  }

  /** The reverse zone a fragment file is for, from its name ({@link #reverseFile}). */
  private String reverseZoneOf(Path fragment) {
    String stem = file.getFileName().toString().replaceFirst("\\.zone$", "");
    String n = fragment.getFileName().toString();
    return n.substring(stem.length() + 1, n.length() - ".zone".length());
  }

  private static Map<String, TxtRecordSet> byName(Collection<TxtRecordSet> sets) {
    Map<String, TxtRecordSet> m = new LinkedHashMap<>();
    sets.forEach(s -> m.put(s.name(), s));
    return m;
  }

  private static PublishException malformed(String where, String why) {
    return new PublishException(
        where,
        why,
        "this file is written by wgpub and should not be edited; fix the line or delete the file"
            + " (the next wgpub run writes every record again)");
  }

  private static String abbreviate(String line) {
    return line.length() <= 60 ? line : line.substring(0, 57) + "...";
  }
}
