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
import org.wgmesh.site.publish.target.DomainNames;
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
    Map<String, TxtRecordSet> all = readAll();
    for (TxtRecordSet set : sets) {
      all.put(set.name(), set);
    }
    write(all);
  }

  @Override
  public void delete(List<String> names) {
    Map<String, TxtRecordSet> all = readAll();
    for (String name : names) {
      all.remove(TxtRecordSet.normalize(name));
    }
    write(all);
  }

  /** The file's content for these RRsets: deterministic, sorted by name and string. */
  static String render(Collection<TxtRecordSet> sets) {
    StringBuilder b = new StringBuilder(HEADER);
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
    return b.toString();
  }

  /**
   * Parses what {@link #render} writes.
   *
   * @throws PublishException naming {@code source} and the line when a line is malformed
   */
  static Map<String, TxtRecordSet> parse(String text, String source) {
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
    return sets;
  }

  private Map<String, TxtRecordSet> readAll() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new TreeMap<>();
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read: " + e.getMessage(), null, e);
    }
    return parse(text, file.toString());
  }

  private void write(Map<String, TxtRecordSet> all) {
    // Public data (host records are encrypted), and the DNS server's user must read it.
    AtomicFiles.write(file, render(all.values()), AtomicFiles.PUBLIC);
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
