package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.UsageException;

class UnitCommandTest {
  @Test
  void defaultExecutable_isTheLauncherDirectoryElseTheInstallLink() {
    assertThat(UnitCommand.defaultExecutable(Map.of("WGMESH_LAUNCHER_DIR", "/opt/wgmesh/bin")))
        .isEqualTo("/opt/wgmesh/bin/wgdeploy");
    assertThat(UnitCommand.defaultExecutable(Map.of())).isEqualTo("/usr/local/bin/wgdeploy");
    assertThat(UnitCommand.defaultExecutable(Map.of("WGMESH_LAUNCHER_DIR", "bin"))).isEqualTo("/usr/local/bin/wgdeploy");
  }

  @Test
  void render_alwaysTheConfigDir_resolverBackendAndPathOnlyWhenGiven() {
    assertThat(new UnitCommand("/usr/local/bin/wgdeploy", Path.of("/etc/wgmesh"), Optional.empty(), Optional.empty(), false)
        .render()).isEqualTo("/usr/local/bin/wgdeploy --config-dir /etc/wgmesh");
    assertThat(new UnitCommand("/opt/w/bin/wgdeploy", Path.of("/srv/h1/etc"), Optional.of("[2001:db8::53]:5353"),
        Optional.of(WireGuardBackendChoice.USERSPACE), true).render())
        .isEqualTo("/opt/w/bin/wgdeploy --wgdeploy-path /opt/w/bin/wgdeploy --config-dir /srv/h1/etc"
            + " --resolver [2001:db8::53]:5353 --backend userspace");
  }

  @Test
  void render_quotesWhatSystemdWouldSplitOrExpand() {
    String c = new UnitCommand("/opt/my tools/wgdeploy", Path.of("/etc/wg 100%$x\"q"), Optional.empty(), Optional.empty(), false)
        .render();
    assertThat(c).isEqualTo("\"/opt/my tools/wgdeploy\" --config-dir \"/etc/wg 100%%$$x\\\"q\"");
  }

  @Test
  void relativeExecutable_isAUsageError() {
    assertThatThrownBy(() -> new UnitCommand("wgdeploy", Path.of("/etc/wgmesh"), Optional.empty(), Optional.empty(), true))
        .isInstanceOf(UsageException.class).hasMessageContaining("absolute");
  }
}
