package org.wgmesh.site.nudge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.site.publish.SitePublication;

class PublicationWatchTest {
  @TempDir Path dir;
  final List<String> warnings = new ArrayList<>();
  final List<Long> nudged = new ArrayList<>();

  Path site() {
    return dir.resolve("wgmesh.yaml");
  }

  /** Writes the state as wgpub does: a complete file renamed into place. */
  void stateWith(long serial) throws Exception {
    PublicationState s =
        new PublicationState(serial, Optional.empty(), Map.of(), Optional.empty(), Map.of());
    Path tmp = dir.resolve("state.tmp");
    Files.writeString(tmp, s.toText());
    Files.move(
        tmp,
        SitePublication.statePath(site()),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aNewSerialInTheStateFile_nudgesTheWaiters_andNothingElseDoes() throws Exception {
    NudgeHub hub = new NudgeHub(0, 10);
    PublicationWatch watch =
        new PublicationWatch(SitePublication.statePath(site()), hub, warnings::add);
    watch.look();
    assertThat(hub.serial()).isZero();
    hub.await(0, nudged::add);
    stateWith(4);
    watch.look();
    assertThat(nudged).containsExactly(4L);
    hub.await(4, nudged::add);
    watch.look();
    stateWith(4);
    watch.look();
    assertThat(nudged).containsExactly(4L);
    stateWith(5);
    watch.look();
    assertThat(nudged).containsExactly(4L, 5L);
    assertThat(warnings).isEmpty();
  }

  @Test
  void aBrokenStateFile_isReportedOnce_keepsTheSerial_andAFixedOneIsTaken() throws Exception {
    stateWith(3);
    NudgeHub hub = new NudgeHub(0, 10);
    PublicationWatch watch =
        new PublicationWatch(SitePublication.statePath(site()), hub, warnings::add);
    watch.look();
    assertThat(hub.serial()).isEqualTo(3);
    Files.writeString(SitePublication.statePath(site()), "not a state\n");
    watch.look();
    watch.look();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .contains("publication state cannot be read")
        .contains(".publish-state");
    assertThat(hub.serial()).isEqualTo(3);
    stateWith(6);
    watch.look();
    assertThat(hub.serial()).isEqualTo(6);
  }
}
