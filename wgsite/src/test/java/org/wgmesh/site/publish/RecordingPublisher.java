package org.wgmesh.site.publish;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.site.publish.target.DomainNames;
import org.wgmesh.site.publish.target.Publisher;

/** An in-memory publisher that records every write and can be told to fail the n-th write. */
final class RecordingPublisher implements Publisher {
  final Map<String, TxtRecordSet> zone = new TreeMap<>();
  final List<String> log = new ArrayList<>();
  int failOnWrite = -1;
  private int writes;

  @Override
  public String describe() {
    return "memory:";
  }

  @Override
  public Map<String, TxtRecordSet> readCurrent(String domain, Collection<String> candidateNames) {
    return DomainNames.atOrBelow(zone.values(), domain);
  }

  @Override
  public void upsert(List<TxtRecordSet> sets) {
    failIfAsked();
    for (TxtRecordSet s : sets) {
      zone.put(s.name(), s);
      log.add("upsert " + s.name());
    }
  }

  @Override
  public void delete(List<String> names) {
    failIfAsked();
    for (String n : names) {
      zone.remove(n);
      log.add("delete " + n);
    }
  }

  private void failIfAsked() {
    if (writes++ == failOnWrite) {
      throw new PublishException("memory:", "server down", "start it");
    }
  }
}
