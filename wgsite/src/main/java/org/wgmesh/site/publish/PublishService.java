package org.wgmesh.site.publish;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.site.publish.target.Publisher;

/**
 * Reads what a {@link Publisher} holds and writes a {@link RecordDiff} in the order that keeps DNS
 * consistent for endpoints reading at any moment: host and key records first, then the mesh record
 * that lists them, then deletions of what the mesh record no longer lists.
 *
 * <p>Failure half-way leaves DNS in a state readers accept (the old mesh record still lists only
 * records that exist) and is completed by the next run: the diff is always computed against what is
 * actually published, so re-running writes exactly what is still missing.
 */
public final class PublishService {
  private final Publisher publisher;
  private final Reporter reporter;

  public PublishService(Publisher publisher, Reporter reporter) {
    this.publisher = publisher;
    this.reporter = reporter;
  }

  /**
   * What is published at or below {@code domain}.
   *
   * @see Publisher#readCurrent
   */
  public Map<String, TxtRecordSet> readCurrent(String domain, Collection<String> candidateNames) {
    reporter.detail("reading published records under %s from %s", domain, publisher.describe());
    return publisher.readCurrent(domain, candidateNames);
  }

  /** {@link #apply(RecordDiff, Runnable)} with nothing to do once the mesh record is out. */
  public void apply(RecordDiff diff) {
    apply(diff, () -> {});
  }

  /**
   * Writes {@code diff} in the safe order; does nothing for an empty diff (but still runs {@code
   * meshPublished}).
   *
   * @param meshPublished run once the host, key and mesh records are written and before the
   *     deletions: from then on DNS holds the new publication, so this is where its state may be
   *     persisted; not run when writing them fails
   * @throws PublishException when a step fails: the message says which steps were done and which
   *     not, and the hint says that running wgpub again completes it
   */
  public void apply(RecordDiff diff, Runnable meshPublished) {
    if (diff.isEmpty()) {
      reporter.detail("nothing to write");
      meshPublished.run();
      return;
    }
    List<String> done = new ArrayList<>();
    List<Step> steps =
        List.of(
            new Step(
                diff.beforeMesh().size() + " host/key RRset(s)",
                diff.beforeMesh().isEmpty(),
                () -> publisher.upsert(diff.beforeMesh())),
            new Step(
                "the mesh record",
                diff.mesh().isEmpty(),
                () -> publisher.upsert(diff.mesh().stream().toList())),
            new Step(
                "deletion of " + diff.deletes().size() + " RRset(s)",
                diff.deletes().isEmpty(),
                () -> publisher.delete(diff.deletes())));
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (i == 2) {
        meshPublished.run();
      }
      if (step.empty) {
        continue;
      }
      try {
        step.action.run();
      } catch (WgmeshException e) {
        throw halfWay(e, done, steps.subList(i, steps.size()));
      }
      reporter.detail("%s: %s: %s", publisher.describe(), publisher.writtenVerb(), step.label);
      done.add(step.label);
    }
    reporter.info(
        "%s: %s: %s", publisher.describe(), publisher.writtenVerb(), String.join(", ", done));
  }

  private PublishException halfWay(WgmeshException e, List<String> done, List<Step> remaining) {
    List<String> notStarted =
        remaining.subList(1, remaining.size()).stream()
            .filter(s -> !s.empty)
            .map(s -> s.label)
            .toList();
    String progress =
        (done.isEmpty() ? "done: nothing" : "done: " + String.join(", ", done))
            + "; failed: "
            + remaining.get(0).label
            + " (may be partly written)"
            + (notStarted.isEmpty() ? "" : "; not started: " + String.join(", ", notStarted));
    String hint =
        e.hint().map(h -> h + "; then ").orElse("")
            + "run wgpub again: it writes what is still missing";
    return new PublishException(e.what(), e.why() + "; " + progress, hint, e);
  }

  private record Step(String label, boolean empty, Runnable action) {}
}
