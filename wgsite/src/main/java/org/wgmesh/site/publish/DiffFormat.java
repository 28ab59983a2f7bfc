package org.wgmesh.site.publish;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.wgmesh.core.json.Json;

/**
 * Renders a {@link RecordDiff} for people (text) or programs (JSON). Returns text, never prints.
 */
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
        case ADD ->
            b.append(
                String.format(
                    Locale.ROOT,
                    "+ %s  TXT %d string(s), %d bytes%n",
                    e.name(),
                    e.newStrings(),
                    e.newBytes()));
        case CHANGE ->
            b.append(
                String.format(
                    Locale.ROOT,
                    "~ %s  TXT %d string(s), %d -> %d bytes%n",
                    e.name(),
                    e.newStrings(),
                    e.oldBytes(),
                    e.newBytes()));
        case DELETE ->
            b.append(String.format(Locale.ROOT, "- %s  TXT, %d bytes%n", e.name(), e.oldBytes()));
      }
    }
    if (diff.isEmpty()) {
      b.append(String.format(Locale.ROOT, "%s: up to date, nothing to write%n", target));
    } else {
      b.append(
          String.format(
              Locale.ROOT,
              "%s: %d to add, %d to change, %d to delete%n",
              target,
              diff.count(RecordDiff.Action.ADD),
              diff.count(RecordDiff.Action.CHANGE),
              diff.count(RecordDiff.Action.DELETE)));
    }
    return b.toString();
  }

  /**
   * {@code
   * {"target":..,"dryRun":..,"changes":[{"action":"add","name":..,"oldBytes":..,"newBytes":..,"strings":..}]}}
   * on one line (see {@link Json}).
   */
  public static String json(RecordDiff diff, String target, boolean dryRun) {
    ObjectNode root = Json.object().put("target", target).put("dryRun", dryRun);
    ArrayNode changes = root.putArray("changes");
    for (RecordDiff.Entry e : diff.entries()) {
      changes
          .addObject()
          .put("action", e.action().name().toLowerCase(Locale.ROOT))
          .put("name", e.name())
          .put("oldBytes", e.oldBytes())
          .put("newBytes", e.newBytes())
          .put("strings", e.newStrings());
    }
    return Json.write(root) + System.lineSeparator();
  }
}
