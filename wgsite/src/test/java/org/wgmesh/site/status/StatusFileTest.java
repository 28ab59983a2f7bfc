package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConfigException;

class StatusFileTest {
  @TempDir Path dir;

  static HealthReport report(long serial) {
    return HealthReportParser.parse(
        Reports.body(serial, true, Reports.peer("b", "5")).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void missingFile_holdsNoReports() {
    assertThat(StatusFile.read(dir.resolve("none.status"))).isEmpty();
  }

  @Test
  void latestReportPerHost_isKept_0600() throws Exception {
    Path file = StatusFile.beside(dir.resolve("wgmesh.yaml"));
    assertThat(file.getFileName().toString()).isEqualTo("wgmesh.yaml.status");
    Instant t1 = Instant.parse("2026-12-05T02:00:00Z");
    Instant t2 = Instant.parse("2026-12-05T02:05:00Z");
    StatusFile.record(file, "web-1", report(1), t1);
    StatusFile.record(file, "web-2", report(1), t1);
    StatusFile.record(file, "web-1", report(2), t2);
    Map<String, StatusFile.Received> read = StatusFile.read(file);
    assertThat(read.keySet()).containsExactly("web-1", "web-2");
    assertThat(read.get("web-1")).isEqualTo(new StatusFile.Received(t2, report(2)));
    assertThat(read.get("web-2").received()).isEqualTo(t1);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void malformedStoredReport_isAConfigErrorNamingHostAndField_andRecordWritesNothing()
      throws Exception {
    Path file = dir.resolve("wgmesh.yaml.status");
    StatusFile.record(file, "web-1", report(1), Instant.EPOCH);
    String broken = Files.readString(file).replace("\"serial\": 1", "\"serial\": -1");
    assertThat(broken).isNotEqualTo(Files.readString(file));
    Files.writeString(file, broken);
    assertThatThrownBy(() -> StatusFile.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hosts.web-1.report.serial");
    assertThatThrownBy(() -> StatusFile.record(file, "web-2", report(1), Instant.EPOCH))
        .isInstanceOf(ConfigException.class);
    assertThat(Files.readString(file)).isEqualTo(broken);
  }

  @Test
  void otherFormat_isRefused() throws Exception {
    Path file = dir.resolve("x.status");
    Files.writeString(file, "{\"format\":\"wgmesh-enrolment-queue-1\"}");
    assertThatThrownBy(() -> StatusFile.read(file)).isInstanceOf(ConfigException.class);
  }
}
