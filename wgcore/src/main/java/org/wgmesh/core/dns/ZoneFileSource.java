package org.wgmesh.core.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.io.BoundedFiles;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * Reads TXT RRsets from an RFC 1035 zone file or fragment, for endpoints without DNS ({@code
 * --zone-file PATH}) and for tests. The file is parsed once, with dnsjava's {@link Master} ({@code
 * $ORIGIN}, {@code $TTL} and {@code $INCLUDE} work as in any zone file; the fragment that {@code
 * wgpub} writes to a {@code zonefile:} target uses absolute names and needs none of them). CNAMEs
 * inside the file are followed like a resolver would, up to {@link DnsjavaSource#MAX_CNAME_CHAIN}
 * links; the RRset returned carries the name asked for.
 *
 * <p>Immutable and thread-safe once constructed.
 */
public final class ZoneFileSource implements DnsSource {
  /**
   * The largest zone file read, checked before parsing (issue 19): what {@code wgpub} writes for
   * 10,000 hosts is about 5.3 MB (525 bytes a host, docs/benchmarks.md); 32 MiB leaves room for a
   * whole zone with other records and for hosts with many LANs.
   */
  public static final long MAX_FILE_BYTES = 32L << 20;

  /**
   * The most TXT data one name may hold here: what one DNS message can carry. A resolver never
   * returns more, so a bigger set in a file is not something wgmesh published.
   */
  public static final int MAX_RRSET_BYTES = 65_535;

  private final Path file;
  private final Map<Name, List<TXTRecord>> txt;
  private final Map<Name, Name> cnames;

  private ZoneFileSource(Path file, Map<Name, List<TXTRecord>> txt, Map<Name, Name> cnames) {
    this.file = file;
    this.txt = txt;
    this.cnames = cnames;
  }

  /**
   * Parses {@code file}; relative names need a {@code $ORIGIN} line in it.
   *
   * @throws FileException when the file cannot be read
   * @throws InputException naming the file and line of the first syntax error
   */
  public static ZoneFileSource load(Path file) {
    return parse(file, Optional.empty());
  }

  /**
   * Parses {@code file} with {@code origin} as the origin for relative names before any {@code
   * $ORIGIN} line.
   *
   * @param origin a domain such as {@code example.com}
   * @throws FileException when the file cannot be read
   * @throws InputException naming the file and line of the first syntax error
   */
  public static ZoneFileSource load(Path file, String origin) {
    return parse(file, Optional.of(DnsjavaSource.absolute(origin)));
  }

  private static ZoneFileSource parse(Path file, Optional<Name> origin) {
    if (!Files.isRegularFile(file)) {
      if (!Files.exists(file)) {
        throw new FileException(
            file.toString(), "zone file does not exist", "check the path given to --zone-file");
      }
      throw new FileException(file.toString(), "not a regular file");
    }
    BoundedFiles.checkSize(
        file, new BoundedFiles.Limit("zone-file size limit", MAX_FILE_BYTES, InputException::new));
    Map<Name, List<TXTRecord>> txt = new HashMap<>();
    Map<Name, Name> cnames = new HashMap<>();
    try (Master master =
        origin.isEmpty()
            ? new Master(file.toString())
            : new Master(file.toString(), origin.get())) {
      Record r;
      while ((r = master.nextRecord()) != null) {
        if (r.getDClass() != DClass.IN) {
          continue;
        }
        Name owner = r.getName().canonicalize();
        if (r instanceof TXTRecord t) {
          txt.computeIfAbsent(owner, k -> new ArrayList<>()).add(t);
        } else if (r instanceof CNAMERecord c) {
          Name previous = cnames.put(owner, c.getTarget().canonicalize());
          if (previous != null && !previous.equals(c.getTarget().canonicalize())) {
            throw new InputException(
                file.toString(),
                "two CNAME records at " + TxtRecordSet.normalize(owner.toString()),
                "a name has at most one CNAME (RFC 1034 3.6.2)");
          }
        }
      }
    } catch (TextParseException | IllegalArgumentException e) {
      // IllegalArgumentException: dnsjava's RelativeNameException and friends (no line number)
      throw new InputException(
          file.toString(),
          "not a valid zone file: " + e.getMessage(),
          "relative names need an $ORIGIN line; wgpub's zone-file fragments use absolute names");
    } catch (NoSuchFileException e) {
      throw new FileException(file.toString(), "cannot read an included file: " + e.getMessage());
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read zone file: " + e.getMessage(), null, e);
    }
    for (Name owner : cnames.keySet()) {
      if (txt.containsKey(owner)) {
        throw new InputException(
            file.toString(),
            "both a CNAME and TXT records at " + TxtRecordSet.normalize(owner.toString()),
            "a name with a CNAME holds no other data (RFC 1034 3.6.2)");
      }
    }
    txt.replaceAll((k, v) -> List.copyOf(v));
    return new ZoneFileSource(file, Map.copyOf(txt), Map.copyOf(cnames));
  }

  /**
   * {@inheritDoc}
   *
   * @throws DnsException for a CNAME loop or a chain longer than {@link
   *     DnsjavaSource#MAX_CNAME_CHAIN}
   * @throws RecordException when a TXT record there is over 255 bytes
   */
  @Override
  public Optional<TxtRecordSet> lookup(String name) {
    Name asked = DnsjavaSource.absolute(name).canonicalize();
    Name current = asked;
    Set<Name> visited = new LinkedHashSet<>();
    visited.add(current);
    while (true) {
      List<TXTRecord> records = txt.get(current);
      if (records != null) {
        return Optional.of(toSet(name, asked, records));
      }
      Name target = cnames.get(current);
      if (target == null) {
        return Optional.empty();
      }
      if (!visited.add(target)) {
        throw new DnsException(
            "TXT " + TxtRecordSet.normalize(name) + " in zone file " + file,
            "CNAME loop: " + chain(visited) + " -> " + TxtRecordSet.normalize(target.toString()),
            "fix the CNAME records in the zone file");
      }
      if (visited.size() > DnsjavaSource.MAX_CNAME_CHAIN + 1) {
        throw new DnsException(
            "TXT " + TxtRecordSet.normalize(name) + " in zone file " + file,
            "CNAME chain longer than "
                + DnsjavaSource.MAX_CNAME_CHAIN
                + " links: "
                + chain(visited),
            "shorten the CNAME chain in the zone file");
      }
      current = target;
    }
  }

  private TxtRecordSet toSet(String name, Name asked, List<TXTRecord> records) {
    long ttl = Long.MAX_VALUE;
    long bytes = 0;
    List<String> strings = new ArrayList<>();
    for (TXTRecord r : records) {
      String s = String.join("", r.getStrings());
      bytes += s.length() + 1;
      if (bytes > MAX_RRSET_BYTES) {
        throw new RecordException(
            TxtRecordSet.normalize(name),
            "its TXT records in "
                + file
                + " hold more than "
                + MAX_RRSET_BYTES
                + " bytes, over the RRset size limit (what one DNS answer can carry)",
            "the name holds records of something else: check the domain");
      }
      strings.add(s);
      ttl = Math.min(ttl, r.getTTL());
    }
    try {
      return new TxtRecordSet(asked.toString(), (int) Math.min(ttl, Integer.MAX_VALUE), strings);
    } catch (IllegalArgumentException e) {
      throw new RecordException(
          TxtRecordSet.normalize(name),
          "a TXT record there (in "
              + file
              + ") is longer than 255 bytes, which wgmesh never publishes",
          "the name holds records of something else: check the domain");
    }
  }

  private static String chain(Set<Name> visited) {
    return String.join(
        " -> ", visited.stream().map(n -> TxtRecordSet.normalize(n.toString())).toList());
  }

  @Override
  public String toString() {
    return "zone file " + file;
  }
}
