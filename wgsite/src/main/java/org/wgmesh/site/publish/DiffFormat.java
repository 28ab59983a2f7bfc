package org.wgmesh.site.publish;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.wgmesh.core.json.Json;
import org.wgmesh.site.publish.names.NameDiff;

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
    return text(diff, NameDiff.none(), target);
  }

  /**
   * {@link #text(RecordDiff, String)}, then the name records' lines ({@link #namesText}); when only
   * name records change the first summary says the TXT records are up to date.
   */
  public static String text(RecordDiff diff, NameDiff names, String target) {
    if (diff.isEmpty() && !names.isEmpty()) {
      return String.format(Locale.ROOT, "%s: TXT records up to date%n", target)
          + namesText(names, target);
    }
    return txtText(diff, target) + namesText(names, target);
  }

  private static String txtText(RecordDiff diff, String target) {
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
    return json(diff, NameDiff.none(), target, dryRun);
  }

  /**
   * One line per changed name record (issue 25), {@code + NAME TYPE VALUE ...}, then a summary;
   * nothing when no name record changes (so a site without {@code names:} prints what it did).
   */
  public static String namesText(NameDiff names, String target) {
    if (names.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (NameDiff.Entry e : names.entries()) {
      String mark =
          switch (e.action()) {
            case ADD -> "+";
            case CHANGE -> "~";
            case DELETE -> "-";
          };
      b.append(
          String.format(
              Locale.ROOT,
              "%s %s  %s %s%n",
              mark,
              e.set().name(),
              e.set().type(),
              String.join(" ", e.set().values())));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%s: name records: %d to add, %d to change, %d to delete%n",
            target,
            names.count(NameDiff.Action.ADD),
            names.count(NameDiff.Action.CHANGE),
            names.count(NameDiff.Action.DELETE)));
    return b.toString();
  }

  /**
   * As {@link #json(RecordDiff, String, boolean)}, with a {@code "names"} array of the changed name
   * records ({@code {"action","zone","name","type","values"}}) when there are any.
   */
  public static String json(RecordDiff diff, NameDiff names, String target, boolean dryRun) {
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
    if (!names.isEmpty()) {
      ArrayNode n = root.putArray("names");
      for (NameDiff.Entry e : names.entries()) {
        ObjectNode o =
            n.addObject()
                .put("action", e.action().name().toLowerCase(Locale.ROOT))
                .put("zone", e.zone().name())
                .put("name", e.set().name())
                .put("type", e.set().type().name());
        ArrayNode values = o.putArray("values");
        e.set().values().forEach(values::add);
      }
    }
    return Json.write(root) + System.lineSeparator();
  }
}
