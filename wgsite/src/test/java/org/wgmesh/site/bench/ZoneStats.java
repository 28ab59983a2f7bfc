package org.wgmesh.site.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Benchmark helper (run by {@code scripts/bench.sh}): sizes of the DNS data in a zone file written
 * by {@code wgpub --publish zonefile:PATH}, as a DNS server would serve it.
 *
 * <pre>ZoneStats ZONE_FILE</pre>
 *
 * <p>Prints {@code key=value} lines: {@code file_bytes}, {@code rrsets}, {@code records}, {@code
 * wire_bytes} (all RRsets in uncompressed wire form), {@code max_rrset_wire} and {@code
 * max_rrset_name} (the largest RRset in wire form), {@code max_answer} (the size of the DNS
 * response that carries that RRset: header, question and answer section, names compressed).
 */
public final class ZoneStats {
  private ZoneStats() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ZoneStats ZONE_FILE");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    Map<String, List<Record>> sets = read(file);
    long wire = 0;
    long maxWire = -1;
    String maxName = "";
    int records = 0;
    for (Map.Entry<String, List<Record>> e : sets.entrySet()) {
      long size = rrsetWire(e.getValue());
      wire += size;
      records += e.getValue().size();
      if (size > maxWire) {
        maxWire = size;
        maxName = e.getKey();
      }
    }
    System.out.printf(Locale.ROOT, "file_bytes=%d%n", Files.size(file));
    System.out.printf(Locale.ROOT, "rrsets=%d%n", sets.size());
    System.out.printf(Locale.ROOT, "records=%d%n", records);
    System.out.printf(Locale.ROOT, "wire_bytes=%d%n", wire);
    System.out.printf(Locale.ROOT, "max_rrset_wire=%d%n", maxWire);
    System.out.printf(Locale.ROOT, "max_rrset_name=%s%n", maxName);
    System.out.printf(
        Locale.ROOT, "max_answer=%d%n", maxName.isEmpty() ? 0 : answerSize(sets.get(maxName)));
  }

  /** The file's TXT records grouped into RRsets by owner name, in file order. */
  static Map<String, List<Record>> read(Path file) throws IOException {
    Map<String, List<Record>> sets = new LinkedHashMap<>();
    try (Master master = new Master(file.toString(), Name.root)) {
      Record r;
      while ((r = master.nextRecord()) != null) {
        if (r.getType() == Type.TXT) {
          sets.computeIfAbsent(r.getName().toString(), k -> new ArrayList<>()).add(r);
        }
      }
    }
    return sets;
  }

  /**
   * The RRset in uncompressed wire form (owner name, type, class, TTL, length, RDATA per record).
   */
  static long rrsetWire(List<Record> set) {
    long size = 0;
    for (Record r : set) {
      size += r.toWireCanonical().length;
    }
    return size;
  }

  /** Size of an authoritative answer holding {@code set} for a TXT question on its name. */
  static int answerSize(List<Record> set) {
    Message m = new Message();
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(Record.newRecord(set.get(0).getName(), Type.TXT, DClass.IN), Section.QUESTION);
    for (Record r : set) {
      m.addRecord(r, Section.ANSWER);
    }
    return m.toWire().length;
  }
}
