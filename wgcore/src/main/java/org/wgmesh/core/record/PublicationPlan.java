package org.wgmesh.core.record;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.dns.TxtRecordSet;

/**
 * What a publication must change, in the order that keeps readers consistent: first {@link
 * #upsertsBeforeMesh} (host and key records the new mesh record refers to), then {@link
 * #meshRecord} (which lists the members), then {@link #deletesAfterMesh} (records of hosts the new
 * mesh record no longer lists). The caller stores {@link #newState} (0600) only after every change
 * has been applied.
 *
 * @param upsertsBeforeMesh RRsets to create or replace before the mesh record, in name order
 * @param meshRecord the new mesh record; empty when the published one is kept as it is
 * @param deletesAfterMesh names whose TXT RRsets to delete after the mesh record, in name order
 * @param desired every RRset that exists once the plan is applied (kept ones included), by name:
 *     what a zone-file target writes in full
 * @param newState the state to persist after applying
 */
public record PublicationPlan(
    List<TxtRecordSet> upsertsBeforeMesh,
    Optional<TxtRecordSet> meshRecord,
    List<String> deletesAfterMesh,
    List<TxtRecordSet> desired,
    PublicationState newState) {
  public PublicationPlan {
    upsertsBeforeMesh = List.copyOf(upsertsBeforeMesh);
    Objects.requireNonNull(meshRecord, "meshRecord");
    deletesAfterMesh = List.copyOf(deletesAfterMesh);
    desired = List.copyOf(desired);
  }

  /** True when nothing in DNS needs to change ("no changes" is a result of its own). */
  public boolean isEmpty() {
    return upsertsBeforeMesh.isEmpty() && meshRecord.isEmpty() && deletesAfterMesh.isEmpty();
  }

  /** How many RRsets the plan writes or deletes. */
  public int changedRrsets() {
    return upsertsBeforeMesh.size() + (meshRecord.isPresent() ? 1 : 0) + deletesAfterMesh.size();
  }
}
