package org.wgmesh.core.original;

import java.util.List;
import java.util.Objects;

/**
 * The report of an import (issue 26), so the admin can plan the switch: what was kept, what had to
 * change and why, what the new site does not keep, which hosts were left out and which have no LAN
 * prefix. Its wording and its JSON keys are an interface for scripts.
 *
 * @param source the original site file
 * @param originalHosts how many hosts the original file holds
 * @param importedHosts how many the new site holds
 * @param kept what is unchanged, one line each
 * @param changed what changed, with the old and new value and the reason
 * @param notKept what the new site does not hold, and why
 * @param excluded the hosts left out ({@code hostname (uuid)})
 * @param withoutLans hostnames of imported hosts without a LAN prefix: peers accept no route from
 *     them
 */
public record ImportReport(
    String source,
    int originalHosts,
    int importedHosts,
    List<String> kept,
    List<Change> changed,
    List<String> notKept,
    List<String> excluded,
    List<String> withoutLans) {
  public ImportReport {
    Objects.requireNonNull(source, "source");
    kept = List.copyOf(kept);
    changed = List.copyOf(changed);
    notKept = List.copyOf(notKept);
    excluded = List.copyOf(excluded);
    withoutLans = List.copyOf(withoutLans);
  }

  /**
   * One thing that changed.
   *
   * @param subject what it is: a setting ({@code portbase}) or a host's field ({@code node042
   *     number})
   * @param from the original's value
   * @param to the new value
   * @param why the reason, for the admin
   */
  public record Change(String subject, String from, String to, String why) {
    public Change {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(why, "why");
    }

    @Override
    public String toString() {
      return subject + ": " + from + " -> " + to + " (" + why + ")";
    }
  }
}
