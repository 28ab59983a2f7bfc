package org.wgmesh.site.publish.names;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.site.publish.target.NameRecordSet;
import org.wgmesh.site.publish.target.NameZone;
import org.wgmesh.site.publish.target.Publisher;

/**
 * The name records (issue 25) to write and delete, zone by zone: the wanted RRsets that the target
 * does not hold as they are, and of the RRsets wgpub wrote before ({@link NamesState}) and no
 * longer wants, the values it wrote (an RRset left with values of others keeps those). Records
 * wgmesh did not write are never read into a change.
 *
 * @param zones the changes per zone, forward zone first
 * @param entries one line per change, for the operator
 */
public record NameDiff(List<ZoneChanges> zones, List<Entry> entries) {
  /** What happens to one RRset. */
  public enum Action {
    ADD,
    CHANGE,
    DELETE
  }

  /**
   * One changed RRset.
   *
   * @param set the RRset after the change; the one deleted for {@link Action#DELETE}
   */
  public record Entry(Action action, NameZone zone, NameRecordSet set) {}

  /** The writes of one zone. */
  public record ZoneChanges(
      NameZone zone, List<NameRecordSet> upserts, List<NameRecordSet> deletes) {
    public ZoneChanges {
      upserts = List.copyOf(upserts);
      deletes = List.copyOf(deletes);
    }
  }

  public NameDiff {
    zones = List.copyOf(zones);
    entries = List.copyOf(entries);
  }

  /** Nothing to do. */
  public static NameDiff none() {
    return new NameDiff(List.of(), List.of());
  }

  /**
   * Reads what {@code publisher} holds of the wanted and the formerly written RRsets and computes
   * the changes. Reads nothing when neither has a record (a site without {@code names:}).
   *
   * @throws PublishException when the target cannot be read
   */
  public static NameDiff between(
      Map<NameZone, List<NameRecordSet>> wanted, NamesState written, Publisher publisher) {
    Set<NameZone> zoneSet = new LinkedHashSet<>(wanted.keySet());
    zoneSet.addAll(written.zones().keySet());
    List<NameZone> order = new ArrayList<>(zoneSet);
    order.sort(NameRecords::order);
    List<ZoneChanges> zones = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (NameZone zone : order) {
      Map<String, NameRecordSet> want = byKey(wanted.getOrDefault(zone, List.of()));
      Map<String, NameRecordSet> had = byKey(written.zones().getOrDefault(zone, List.of()));
      Set<String> keys = new LinkedHashSet<>(want.keySet());
      keys.addAll(had.keySet());
      Map<String, NameRecordSet> current = publisher.readNames(zone, keys);
      List<NameRecordSet> upserts = new ArrayList<>();
      List<NameRecordSet> deletes = new ArrayList<>();
      for (NameRecordSet w : want.values()) {
        NameRecordSet c = current.get(w.key());
        if (!w.equals(c)) {
          upserts.add(w);
          entries.add(new Entry(c == null ? Action.ADD : Action.CHANGE, zone, w));
        }
      }
      for (NameRecordSet h : had.values()) {
        NameRecordSet c = current.get(h.key());
        if (want.containsKey(h.key()) || c == null) {
          continue;
        }
        List<String> left = new ArrayList<>(c.values());
        left.removeAll(h.values());
        if (left.isEmpty()) {
          deletes.add(c);
          entries.add(new Entry(Action.DELETE, zone, c));
        } else if (left.size() < c.values().size()) {
          NameRecordSet rest = c.withValues(left);
          upserts.add(rest);
          entries.add(new Entry(Action.CHANGE, zone, rest));
        }
      }
      if (!upserts.isEmpty() || !deletes.isEmpty()) {
        zones.add(new ZoneChanges(zone, upserts, deletes));
      }
    }
    return new NameDiff(zones, entries);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** How many entries have {@code action}. */
  public long count(Action action) {
    return entries.stream().filter(e -> e.action() == action).count();
  }

  /**
   * Writes the changes zone by zone (forward zone first).
   *
   * @throws PublishException when a zone's write fails, saying which zones were written
   */
  public void apply(Publisher publisher) {
    List<String> done = new ArrayList<>();
    for (ZoneChanges z : zones) {
      try {
        publisher.writeNames(z.zone(), z.upserts(), z.deletes());
      } catch (WgmeshException e) {
        throw new PublishException(
            e.what(),
            e.why()
                + "; name records: done: "
                + (done.isEmpty() ? "nothing" : String.join(", ", done))
                + "; failed: "
                + z.zone(),
            e.hint().map(h -> h + "; then ").orElse("")
                + "run wgpub again: it writes what is still missing",
            e);
      }
      done.add(z.zone().toString());
    }
  }

  private static Map<String, NameRecordSet> byKey(List<NameRecordSet> sets) {
    Map<String, NameRecordSet> m = new TreeMap<>();
    sets.forEach(s -> m.put(s.key(), s));
    return new LinkedHashMap<>(m);
  }
}
