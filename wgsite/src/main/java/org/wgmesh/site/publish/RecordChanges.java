package org.wgmesh.site.publish;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.dns.TxtRecordSet;

/**
 * What a publication wants written, in the order that keeps DNS consistent for readers: host and
 * key records first, then the mesh record that lists them, then deletions of records the mesh
 * record no longer lists.
 *
 * @param upsertsBeforeMesh host and key RRsets to create or replace
 * @param meshRecord the mesh RRset, when it must be written
 * @param deletesAfterMesh names whose TXT RRsets go once the mesh record no longer lists them
 */
public record RecordChanges(
    List<TxtRecordSet> upsertsBeforeMesh,
    Optional<TxtRecordSet> meshRecord,
    List<String> deletesAfterMesh) {
  public RecordChanges {
    upsertsBeforeMesh = List.copyOf(upsertsBeforeMesh);
    Objects.requireNonNull(meshRecord, "meshRecord");
    deletesAfterMesh = deletesAfterMesh.stream().map(TxtRecordSet::normalize).toList();
  }

  /** Nothing to write. */
  public static RecordChanges none() {
    return new RecordChanges(List.of(), Optional.empty(), List.of());
  }
}
