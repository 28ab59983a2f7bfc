package org.wgmesh.site.publish;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.dns.TxtRecordSet;

/**
 * The difference between what is published and what should be: only real changes. An upsert of an
 * RRset that is already published as it is, and a deletion of a name that is not published, are
 * dropped, so a second run with nothing changed writes nothing.
 *
 * @param beforeMesh host and key RRsets to write first
 * @param mesh the mesh RRset to write next, if it changed
 * @param deletes names to delete last
 * @param entries one line per change, in apply order, for showing to the operator
 */
public record RecordDiff(
    List<TxtRecordSet> beforeMesh,
    Optional<TxtRecordSet> mesh,
    List<String> deletes,
    List<Entry> entries) {

  /** What happens to one name. */
  public enum Action {
    ADD,
    CHANGE,
    DELETE
  }

  /**
   * One changed name.
   *
   * @param oldBytes data bytes published now (0 when absent)
   * @param newBytes data bytes after the change (0 when deleted)
   * @param newStrings TXT strings after the change
   */
  public record Entry(Action action, String name, int oldBytes, int newBytes, int newStrings) {}

  public RecordDiff {
    beforeMesh = List.copyOf(beforeMesh);
    deletes = List.copyOf(deletes);
    entries = List.copyOf(entries);
  }

  /** Computes the diff; pure. */
  public static RecordDiff between(Map<String, TxtRecordSet> current, RecordChanges wanted) {
    List<Entry> entries = new ArrayList<>();
    List<TxtRecordSet> before = new ArrayList<>();
    for (TxtRecordSet set : wanted.upsertsBeforeMesh()) {
      if (changes(current, set, entries)) {
        before.add(set);
      }
    }
    Optional<TxtRecordSet> mesh = wanted.meshRecord().filter(m -> changes(current, m, entries));
    Set<String> deletes = new LinkedHashSet<>();
    for (String name : wanted.deletesAfterMesh()) {
      TxtRecordSet old = current.get(name);
      if (old != null && deletes.add(name)) {
        entries.add(new Entry(Action.DELETE, name, old.dataBytes(), 0, 0));
      }
    }
    return new RecordDiff(before, mesh, List.copyOf(deletes), entries);
  }

  /** True when nothing needs writing. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** How many entries have {@code action}. */
  public long count(Action action) {
    return entries.stream().filter(e -> e.action() == action).count();
  }

  private static boolean changes(
      Map<String, TxtRecordSet> current, TxtRecordSet set, List<Entry> entries) {
    TxtRecordSet old = current.get(set.name());
    if (set.equals(old)) {
      return false;
    }
    Action action = old == null ? Action.ADD : Action.CHANGE;
    entries.add(
        new Entry(
            action,
            set.name(),
            old == null ? 0 : old.dataBytes(),
            set.dataBytes(),
            set.strings().size()));
    return true;
  }
}
