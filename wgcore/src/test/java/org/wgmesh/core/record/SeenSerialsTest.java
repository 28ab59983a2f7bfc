package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.RecordException;

class SeenSerialsTest {
  static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void acceptMesh_recordsSerialAndIssueTime_andKeepsHostSerials() {
    SeenSerials seen = SeenSerials.empty();
    seen.accept(5, T, Map.of(1, 3L, 2, 4L));
    seen.acceptMesh("m", 7, T.plusSeconds(60));
    assertThat(seen.mesh()).isEqualTo(7);
    assertThat(seen.meshIssued()).contains(T.plusSeconds(60));
    assertThat(seen.host(2)).isEqualTo(4);
    SeenSerials back = SeenSerials.parse(seen.toText(), "seen");
    assertThat(back.toText()).isEqualTo(seen.toText());
    assertThat(back.meshIssued()).contains(T.plusSeconds(60));
  }

  @Test
  void acceptMesh_olderSerial_isRefusedAndNothingChanges() {
    SeenSerials seen = SeenSerials.empty();
    seen.acceptMesh("m", 7, T);
    String before = seen.toText();
    assertThatThrownBy(() -> seen.acceptMesh("m", 6, T.plusSeconds(1)))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo("m");
              assertThat(e.why()).contains("serial 6 is older than 7 already seen");
            });
    assertThat(seen.toText()).isEqualTo(before);
  }

  @Test
  void parse_oldFileWithoutIssueTime_stillReads() {
    SeenSerials seen = SeenSerials.parse("mesh 4\nhost 1 2\n", "seen");
    assertThat(seen.mesh()).isEqualTo(4);
    assertThat(seen.meshIssued()).isEmpty();
  }

  @Test
  void parse_malformedIssueTime_isAConfigError() {
    assertThatThrownBy(() -> SeenSerials.parse("mesh-issued soon\n", "f"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("f:1");
  }
}
