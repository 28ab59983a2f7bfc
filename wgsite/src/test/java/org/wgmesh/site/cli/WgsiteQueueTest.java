package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.site.enrolment.QueueFile;
import org.wgmesh.site.enrolment.QueuedHost;

/** {@code wgsite --queue}, {@code --approve}, {@code --reject}, {@code --serve} (issue 23). */
class WgsiteQueueTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  @TempDir Path dir;
  Path yaml;

  Result run(String... args) {
    return CliRun.run(
        io -> new WgsiteCommand(io, Clock.fixed(NOW, ZoneOffset.UTC)), "", false, args);
  }

  @BeforeEach
  void setUp() {
    yaml = dir.resolve("wgmesh.yaml");
    Result r = run("--domain", "mesh.example.com", "--locus", "mesh1", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
  }

  @Test
  void queue_listsTheWaitingRequests_withTheSubjectEscaped() {
    QueueFile.write(
        QueueFile.beside(yaml),
        List.of(
            new QueuedHost(
                "0123456789abcdef",
                NOW,
                "CN=lab-7\u001b[31m",
                "lab",
                false,
                "lab-7",
                "wgmesh1:x")));
    Result r = run("--queue", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("0123456789abcdef").contains("lab-7").doesNotContain("\u001b");
    Result json = run("--queue", "--json", yaml.toString());
    assertThat(json.rc()).as(json.err()).isZero();
    JsonNode q = Json.readTree(json.out(), "queue").get("queued").get(0);
    assertThat(q.get("id").asText()).isEqualTo("0123456789abcdef");
    assertThat(q.get("hostname").asText()).isEqualTo("lab-7");
    assertThat(q.get("subject").asText()).isEqualTo("CN=lab-7\u001b[31m");
    assertThat(json.out()).doesNotContain("wgmesh1:x"); // the blob stays in the queue file
  }

  @Test
  void approveOrReject_ofAnUnknownOrMalformedId_exits4_andChangesNothing() throws Exception {
    String before = Files.readString(yaml);
    assertThat(run("--approve", "0123456789abcdef", yaml.toString()).rc()).isEqualTo(4);
    assertThat(run("--reject", "nope", yaml.toString()).rc()).isEqualTo(4);
    assertThat(Files.readString(yaml)).isEqualTo(before);
    assertThat(QueueFile.beside(yaml)).doesNotExist();
  }

  @Test
  void brokenQueueFile_exits3_namingIt() throws Exception {
    Files.writeString(QueueFile.beside(yaml), "{\"format\": \"something else\"}");
    Result r = run("--queue", yaml.toString());
    assertThat(r.rc()).isEqualTo(3);
    assertThat(r.err()).contains("wgmesh.yaml.queue").contains("wgmesh-enrolment-queue-1");
    Files.writeString(QueueFile.beside(yaml), "{not json");
    assertThat(run("--approve", "0123456789abcdef", yaml.toString()).rc()).isEqualTo(3);
  }

  @Test
  void serve_withoutEnrolmentSection_exits3() {
    Result r = run("--serve", yaml.toString());
    assertThat(r.rc()).isEqualTo(3);
    assertThat(r.err()).contains("has no enrolment: section");
  }

  @Test
  void queueActions_goAlone() {
    assertThat(run("--queue", "--domain", "mesh.example.com", yaml.toString()).rc()).isEqualTo(2);
    assertThat(run("--queue", "--tokens", yaml.toString()).rc()).isEqualTo(2);
  }
}
