package org.wgmesh.site.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.PublishException;

class PublishServiceTest {
  private static final String DOMAIN = "mesh.example.test";

  private static TxtRecordSet set(String label, String... strings) {
    return new TxtRecordSet(label.isEmpty() ? DOMAIN : label + "." + DOMAIN, 300, List.of(strings));
  }

  private final RecordingPublisher publisher = new RecordingPublisher();
  private final PublishService service = new PublishService(publisher, Reporter.silent());

  private RecordDiff diff(RecordChanges changes) {
    return RecordDiff.between(service.readCurrent(DOMAIN, List.of()), changes);
  }

  @Test
  void apply_writesHostsThenMeshThenDeletes() {
    publisher.zone.put(set("old").name(), set("old", "x"));
    RecordChanges changes =
        new RecordChanges(
            List.of(set("h1", "a"), set("_key.h1", "k")),
            Optional.of(set("", "m")),
            List.of(set("old").name()));

    service.apply(diff(changes), () -> publisher.log.add("mesh published"));

    assertThat(publisher.log)
        .containsExactly(
            "upsert h1." + DOMAIN,
            "upsert _key.h1." + DOMAIN,
            "upsert " + DOMAIN,
            "mesh published",
            "delete old." + DOMAIN);
  }

  @Test
  void between_unchangedSetsAndAbsentDeletes_isEmpty() {
    publisher.zone.put(DOMAIN, set("", "m1", "m2"));
    publisher.zone.put("h1." + DOMAIN, set("h1", "a"));
    RecordChanges same =
        new RecordChanges(
            List.of(set("h1", "a")), Optional.of(set("", "m2", "m1")), List.of("gone." + DOMAIN));

    RecordDiff d = diff(same);
    service.apply(d);

    assertThat(d.isEmpty()).isTrue();
    assertThat(publisher.log).isEmpty();
  }

  @Test
  void between_classifiesAddChangeDeleteWithSizes() {
    publisher.zone.put(DOMAIN, set("", "old"));
    publisher.zone.put("h9." + DOMAIN, set("h9", "nine"));
    RecordDiff d =
        diff(
            new RecordChanges(
                List.of(set("h1", "abc")), Optional.of(set("", "newer")), List.of("h9." + DOMAIN)));

    assertThat(d.entries())
        .containsExactly(
            new RecordDiff.Entry(RecordDiff.Action.ADD, "h1." + DOMAIN, 0, 4, 1),
            new RecordDiff.Entry(RecordDiff.Action.CHANGE, DOMAIN, 4, 6, 1),
            new RecordDiff.Entry(RecordDiff.Action.DELETE, "h9." + DOMAIN, 5, 0, 0));
    assertThat(DiffFormat.text(d, "memory:"))
        .isEqualTo(
            String.format(
                "+ h1.%1$s  TXT 1 string(s), 4 bytes%n~ %1$s  TXT 1 string(s), 4 -> 6 bytes%n- h9.%1$s  TXT, 5 bytes%n"
                    + "memory:: 1 to add, 1 to change, 1 to delete%n",
                DOMAIN));
    assertThat(DiffFormat.json(d, "memory:", true))
        .startsWith(
            "{\"target\":\"memory:\",\"dryRun\":true,\"changes\":[{\"action\":\"add\",\"name\":\"h1."
                + DOMAIN
                + "\",\"oldBytes\":0,\"newBytes\":4,\"strings\":1},");
  }

  @Test
  void apply_failureBeforeMesh_leavesOldMeshAndNextRunCompletes() {
    publisher.zone.put(DOMAIN, set("", "m-old"));
    publisher.zone.put("h9." + DOMAIN, set("h9", "nine"));
    RecordChanges changes =
        new RecordChanges(
            List.of(set("h1", "a")), Optional.of(set("", "m-new")), List.of("h9." + DOMAIN));
    publisher.failOnWrite = 1; // the mesh record write fails

    assertThatThrownBy(
            () -> service.apply(diff(changes), () -> publisher.log.add("mesh published")))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("server down")
        .hasMessageContaining(
            "done: 1 host/key RRset(s); failed: the mesh record (may be partly written); not started: deletion of 1 RRset(s)")
        .satisfies(
            e ->
                assertThat(((PublishException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("run wgpub again")));
    assertThat(publisher.zone.get(DOMAIN)).isEqualTo(set("", "m-old"));
    assertThat(publisher.zone).containsKey("h9." + DOMAIN);
    assertThat(publisher.log).doesNotContain("mesh published");

    publisher.failOnWrite = -1;
    publisher.log.clear();
    service.apply(diff(changes));

    assertThat(publisher.log).containsExactly("upsert " + DOMAIN, "delete h9." + DOMAIN);
    assertThat(diff(changes).isEmpty()).isTrue();
  }

  @Test
  void apply_failureInTheDeletions_hasAlreadyReportedTheMeshAsPublished() {
    publisher.zone.put("h9." + DOMAIN, set("h9", "nine"));
    publisher.failOnWrite = 1; // the deletion fails
    RecordChanges changes =
        new RecordChanges(List.of(), Optional.of(set("", "m")), List.of("h9." + DOMAIN));

    assertThatThrownBy(
            () -> service.apply(diff(changes), () -> publisher.log.add("mesh published")))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("done: the mesh record; failed: deletion of 1 RRset(s)");
    assertThat(publisher.log).containsExactly("upsert " + DOMAIN, "mesh published");
  }

  @Test
  void apply_throughDryRun_writesNothingButReadsStillWork() {
    publisher.zone.put(DOMAIN, set("", "m"));
    DryRunPublisher dry = new DryRunPublisher(publisher, Reporter.silent());
    PublishService dryService = new PublishService(dry, Reporter.silent());
    RecordDiff d =
        RecordDiff.between(
            dryService.readCurrent(DOMAIN, List.of()),
            new RecordChanges(
                List.of(set("h1", "a")), Optional.of(set("", "m2")), List.of(DOMAIN)));

    dryService.apply(d);

    assertThat(d.entries()).hasSize(3);
    assertThat(dry.suppressedWrites()).isEqualTo(3);
    assertThat(publisher.log).isEmpty();
    assertThat(publisher.zone).containsOnlyKeys(DOMAIN);
  }
}
