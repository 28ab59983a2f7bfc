package org.wgmesh.site.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.original.ImportReport;
import org.wgmesh.core.site.Site;
import org.wgmesh.site.OriginalSiteImport;

/**
 * How {@code wgsite --import-original} prints its report: sections the admin reads to plan the
 * switch, or JSON with the same content for scripts (its keys are frozen in the tests).
 */
final class ImportOutput {
  private static final Pattern NUMBERED = Pattern.compile("(.*?)(\\d+)");

  private ImportOutput() {}

  static void text(OriginalSiteImport.Prepared p, Path target, boolean dryRun, PrintWriter out) {
    ImportReport r = p.plan().report();
    out.println(
        "original:     "
            + r.source()
            + " (original wgmesh 2.x site file, "
            + r.originalHosts()
            + " hosts)");
    out.println("original key: " + p.keyFile() + " (matches global.publickey)");
    out.println(
        "new site:     "
            + target
            + (dryRun ? " (dry run: nothing written)" : "")
            + ", "
            + r.importedHosts()
            + " hosts");
    section(out, "kept", r.kept());
    section(out, "changed", r.changed().stream().map(ImportReport.Change::toString).toList());
    section(out, "not kept", r.notKept());
    section(out, "excluded", r.excluded());
    if (!r.withoutLans().isEmpty()) {
      out.println(
          "hosts without LAN prefixes ("
              + r.withoutLans().size()
              + "; peers accept no route from them: add --original-node or --lan):");
      out.println("  " + String.join(", ", ranges(r.withoutLans())));
    }
    out.flush();
  }

  private static void section(PrintWriter out, String title, List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    out.println(title + ":");
    lines.forEach(l -> out.println("  " + l));
  }

  static void json(
      OriginalSiteImport.Prepared p, Path target, Optional<Site> created, PrintWriter out) {
    ImportReport r = p.plan().report();
    ObjectNode root = Json.object();
    root.putObject("original")
        .put("file", r.source())
        .put("format", "v2")
        .put("hosts", r.originalHosts())
        .put("key-file", p.keyFile().toString())
        .put("key-matches", true);
    root.put("site", target.toString());
    root.put("dry-run", created.isEmpty());
    root.put("hosts", r.importedHosts());
    created.ifPresent(s -> root.put("fingerprint", s.keys().fingerprint()));
    strings(root.putArray("kept"), r.kept());
    ArrayNode changed = root.putArray("changed");
    for (ImportReport.Change c : r.changed()) {
      changed
          .addObject()
          .put("subject", c.subject())
          .put("from", c.from())
          .put("to", c.to())
          .put("why", c.why());
    }
    strings(root.putArray("not-kept"), r.notKept());
    strings(root.putArray("excluded"), r.excluded());
    strings(root.putArray("without-lans"), r.withoutLans());
    out.print(Json.pretty(root) + "\n");
    out.flush();
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  /**
   * Names with runs of consecutive numbers collapsed: {@code node003..node100}, so a hundred hosts
   * without LANs take one line.
   */
  static List<String> ranges(List<String> names) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < names.size()) {
      int j = i;
      while (j + 1 < names.size() && follows(names.get(j), names.get(j + 1))) {
        j++;
      }
      out.add(j > i + 1 ? names.get(i) + ".." + names.get(j) : names.get(i));
      if (j == i + 1) {
        out.add(names.get(j));
      }
      i = j + 1;
    }
    return out;
  }

  /** Whether {@code b} is {@code a} with its trailing number one higher, same width. */
  private static boolean follows(String a, String b) {
    Matcher ma = NUMBERED.matcher(a);
    Matcher mb = NUMBERED.matcher(b);
    if (!ma.matches() || !mb.matches() || !ma.group(1).equals(mb.group(1))) {
      return false;
    }
    String na = ma.group(2);
    String nb = mb.group(2);
    return na.length() == nb.length()
        && na.length() < 10
        && Long.parseLong(nb) == Long.parseLong(na) + 1;
  }
}
