package org.wgmesh.site.publish;

import java.util.Locale;

/** Renders a {@link RecordDiff} for people (text) or programs (JSON). Returns text, never prints. */
public final class DiffFormat {
  private DiffFormat() {}

  /**
   * One line per changed name ({@code +} added, {@code ~} changed, {@code -} deleted) with sizes,
   * then a summary line; just the summary when nothing changes.
   */
  public static String text(RecordDiff diff, String target) {
    StringBuilder b = new StringBuilder();
    for (RecordDiff.Entry e : diff.entries()) {
      switch (e.action()) {
        case ADD -> b.append(String.format(Locale.ROOT, "+ %s  TXT %d string(s), %d bytes%n", e.name(), e.newStrings(), e.newBytes()));
        case CHANGE -> b.append(String.format(Locale.ROOT, "~ %s  TXT %d string(s), %d -> %d bytes%n", e.name(), e.newStrings(), e.oldBytes(), e.newBytes()));
        case DELETE -> b.append(String.format(Locale.ROOT, "- %s  TXT, %d bytes%n", e.name(), e.oldBytes()));
      }
    }
    if (diff.isEmpty()) {
      b.append(String.format(Locale.ROOT, "%s: up to date, nothing to write%n", target));
    } else {
      b.append(String.format(Locale.ROOT, "%s: %d to add, %d to change, %d to delete%n", target,
          diff.count(RecordDiff.Action.ADD), diff.count(RecordDiff.Action.CHANGE), diff.count(RecordDiff.Action.DELETE)));
    }
    return b.toString();
  }

  /**
   * {@code {"target":..,"dryRun":..,"changes":[{"action":"add","name":..,"oldBytes":..,"newBytes":..,"strings":..}]}}
   * on one line.
   */
  public static String json(RecordDiff diff, String target, boolean dryRun) {
    StringBuilder b = new StringBuilder("{\"target\":").append(quote(target))
        .append(",\"dryRun\":").append(dryRun).append(",\"changes\":[");
    String sep = "";
    for (RecordDiff.Entry e : diff.entries()) {
      b.append(sep).append("{\"action\":").append(quote(e.action().name().toLowerCase(Locale.ROOT)))
          .append(",\"name\":").append(quote(e.name()))
          .append(",\"oldBytes\":").append(e.oldBytes())
          .append(",\"newBytes\":").append(e.newBytes())
          .append(",\"strings\":").append(e.newStrings()).append('}');
      sep = ",";
    }
    return b.append("]}").append(System.lineSeparator()).toString();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
