package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;

/** Reports are kept in memory and written by {@link StatusStore#flush}, only when they changed. */
class StatusStoreTest {
  @TempDir Path dir;
  static final Instant T = Instant.parse("2026-12-05T02:00:00Z");

  static StatusFile.Received received(long serial) {
    return new StatusFile.Received(
        T.plusSeconds(serial),
        HealthReportParser.parse(Reports.body(serial, true).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void reports_areWrittenAtFlush_notAtPut_andOnlyWhenChanged() throws Exception {
    Path file = dir.resolve("wgmesh.yaml.status");
    StatusFile.record(file, "web-1", received(1).report(), received(1).received());
    StatusStore store = StatusStore.open(file);
    String before = Files.readString(file);
    store.put("web-2", received(2));
    store.put("web-1", received(3));
    assertThat(Files.readString(file)).isEqualTo(before);
    assertThat(store.flush()).isTrue();
    assertThat(StatusFile.read(file))
        .containsEntry("web-1", received(3))
        .containsEntry("web-2", received(2));
    assertThat(store.flush()).isFalse();
    assertThat(store.latestOfAll()).isEqualTo(StatusFile.read(file));
  }

  @Test
  void hostsNoLongerInTheSite_areDropped_atTheNextFlush() {
    Path file = dir.resolve("wgmesh.yaml.status");
    StatusStore store = StatusStore.open(file);
    store.put("web-1", received(1));
    store.put("web-2", received(2));
    store.flush();
    store.retainOnly(Set.of("web-1", "web-3"));
    assertThat(store.latest("web-2")).isEmpty();
    assertThat(store.flush()).isTrue();
    assertThat(StatusFile.read(file).keySet()).containsExactly("web-1");
    store.retainOnly(Set.of("web-1"));
    assertThat(store.flush()).as("nothing dropped, nothing to write").isFalse();
  }

  @Test
  void malformedFile_isAConfigError_atOpen() throws Exception {
    Path file = dir.resolve("x.status");
    Files.writeString(file, "{not json");
    assertThatThrownBy(() -> StatusStore.open(file)).isInstanceOf(ConfigException.class);
  }

  @Test
  void failedWrite_keepsTheReports_reportsTheFailure_andTheNextFlushWritesThem() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path file = sub.resolve("wgmesh.yaml.status");
    StatusStore store = StatusStore.open(file);
    store.put("web-1", received(1));
    // the directory is replaced by a file: the write fails (even as root)
    Files.delete(sub);
    Files.writeString(sub, "in the way");
    assertThatThrownBy(store::flush).isInstanceOf(FileException.class);
    assertThatThrownBy(() -> store.put("web-2", received(2)))
        .as("the next report learns that storing fails")
        .isInstanceOf(FileException.class);
    Files.delete(sub);
    Files.createDirectory(sub);
    assertThat(store.flush()).isTrue();
    assertThat(StatusFile.read(file).keySet()).containsExactly("web-1", "web-2");
    store.put("web-3", received(3));
  }
}
