package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.site.publish.TestSites;
import org.wgmesh.site.status.HealthReportParser;
import org.wgmesh.site.status.StatusFile;

/** {@code wgsite --status [--json] [--stale-after D] [--metrics FILE]} (issue 23). */
class WgsiteStatusTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  static final String REPORT =
      "{\"serial\":9,\"check\":{\"status\":\"healthy\",\"domain\":\"mesh.example.com\","
          + "\"time\":\"2026-12-05T09:57:00Z\",\"healthy\":true,\"checks\":[]},"
          + "\"peers\":[{\"peer\":\"router2\",\"handshake-age\":30,\"rx-bytes\":1,"
          + "\"tx-bytes\":2,\"endpoint\":\"[2001:db8::2]:51001\"}]}";

  @TempDir Path dir;
  Path yaml;

  Result run(String... args) {
    return CliRun.run(
        io -> new WgsiteCommand(io, Clock.fixed(NOW, ZoneOffset.UTC)), "", false, args);
  }

  @BeforeEach
  void setUp() {
    yaml = dir.resolve("wgmesh.yaml");
    TestSites.create(yaml, "zonefile:" + dir.resolve("mesh.zone"), 2);
    StatusFile.record(
        StatusFile.beside(yaml),
        "router1",
        HealthReportParser.parse(REPORT.getBytes(StandardCharsets.UTF_8)),
        NOW.minusSeconds(300));
  }

  @Test
  void table_listsEveryHost() {
    Result r = run("--status", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("router1\\s+9\\s+1/1\\s+30s\\s+5m ago\\s+healthy")
        .containsPattern("router2(\\s+-){4}\\s+never");
  }

  @Test
  void json_andStaleAfter_andMetricsFile() throws Exception {
    Path prom = dir.resolve("site.prom");
    Result r =
        run(
            "--status",
            "--json",
            "--stale-after",
            "4m",
            "--metrics",
            prom.toString(),
            yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    var hosts = Json.readTree(r.out(), "out").get("hosts");
    assertThat(hosts.get(0).get("health").asText()).isEqualTo("stale");
    assertThat(hosts.get(0).get("report-age").asLong()).isEqualTo(300);
    assertThat(Files.readString(prom))
        .contains("wgmesh_site_hosts 2\n")
        .contains("wgmesh_site_hosts_stale 1\n")
        .contains("wgmesh_site_hosts_reporting 0\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(prom)))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void misuse_exits2_brokenStatusFile_exits3() throws Exception {
    assertThat(run("--list", "--stale-after", "4m", yaml.toString()).rc()).isEqualTo(2);
    assertThat(run("--status", "--queue", yaml.toString()).rc()).isEqualTo(2);
    assertThat(run("--status", "--mtu", "1400", yaml.toString()).rc()).isEqualTo(2);
    Result bad = run("--status", "--stale-after", "soon", yaml.toString());
    assertThat(bad.rc()).isNotZero();
    assertThat(bad.err()).contains("--stale-after");
    Files.writeString(StatusFile.beside(yaml), "{not json");
    Result broken = run("--status", yaml.toString());
    assertThat(broken.rc()).isEqualTo(3);
    assertThat(broken.err()).contains("wgmesh.yaml.status");
  }
}
