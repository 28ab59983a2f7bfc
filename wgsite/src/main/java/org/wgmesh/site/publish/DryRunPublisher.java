package org.wgmesh.site.publish;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.site.publish.target.NameRecordSet;
import org.wgmesh.site.publish.target.NameZone;
import org.wgmesh.site.publish.target.Publisher;

/**
 * Dry-run as a decorator: reads go to the real target (so the diff is real), writes are only
 * reported. Nothing else in the publishing code knows whether a run is a dry run.
 */
public final class DryRunPublisher implements Publisher {
  private final Publisher target;
  private final Reporter reporter;
  private int suppressedWrites;

  public DryRunPublisher(Publisher target, Reporter reporter) {
    this.target = target;
    this.reporter = reporter;
  }

  /** The target's own description: output says elsewhere that this is a dry run. */
  @Override
  public String describe() {
    return target.describe();
  }

  @Override
  public String writtenVerb() {
    return "would write";
  }

  @Override
  public Map<String, TxtRecordSet> readCurrent(String domain, Collection<String> candidateNames) {
    return target.readCurrent(domain, candidateNames);
  }

  @Override
  public DnsSource readBack(String domain, Collection<String> candidateNames) {
    return target.readBack(domain, candidateNames);
  }

  @Override
  public void upsert(List<TxtRecordSet> sets) {
    if (!sets.isEmpty()) {
      suppressedWrites += sets.size();
      reporter.info("dry run: would write %d RRset(s) to %s", sets.size(), target.describe());
    }
  }

  @Override
  public void delete(List<String> names) {
    if (!names.isEmpty()) {
      suppressedWrites += names.size();
      reporter.info("dry run: would delete %d RRset(s) from %s", names.size(), target.describe());
    }
  }

  @Override
  public Map<String, NameRecordSet> readNames(NameZone zone, Collection<String> keys) {
    return target.readNames(zone, keys);
  }

  @Override
  public void writeNames(NameZone zone, List<NameRecordSet> upserts, List<NameRecordSet> deletes) {
    int n = upserts.size() + deletes.size();
    if (n > 0) {
      suppressedWrites += n;
      reporter.info(
          "dry run: would write %d and delete %d name RRset(s) of %s to %s",
          upserts.size(), deletes.size(), zone, target.describe());
    }
  }

  /** How many RRset writes and deletions were held back. */
  public int suppressedWrites() {
    return suppressedWrites;
  }

  @Override
  public void close() {
    target.close();
  }
}
