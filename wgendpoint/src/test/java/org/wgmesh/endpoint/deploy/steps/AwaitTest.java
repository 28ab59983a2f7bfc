package org.wgmesh.endpoint.deploy.steps;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.testing.RecordingCommandRunner;

/**
 * A daemon that does not come up ({@link Effect.Await}): the error names it and quotes the end of
 * its log, so that a failed deploy says why (a wireguard-go that could not make its TUN device,
 * say) even after the deploy's undo.
 */
class AwaitTest {
  @TempDir Path dir;

  /** Never up: the probe fails, and a waiter that does not wait gives up at once. */
  static final Waiter GIVES_UP = condition -> condition.getAsBoolean();

  static Effect.Await await(Optional<Path> log) {
    return new Effect.Await(
        Command.query("wg", "show", "wg1", "listen-port"),
        "",
        "wireguard-go wg1 in namespace mesh1",
        "see the log",
        log);
  }

  @Test
  void notUp_quotesTheLastLinesOfItsLog() throws Exception {
    Path log = dir.resolve("wireguard-go-wg1.log");
    Files.writeString(
        log,
        "INFO: (wg1) 2026/12/06 Starting wireguard-go version 0.0.20230223\n"
            + "DEBUG: (wg1) 2026/12/06 Debug log enabled\n"
            + "ERROR: (wg1) 2026/12/06 Failed to create TUN device: device or resource busy\n"
            + "\n");
    HostEffects effects =
        new HostEffects(
            new RecordingCommandRunner().respond(new CommandResult(1, "", "no socket"), "wg"),
            GIVES_UP);

    assertThatThrownBy(() -> effects.apply(await(Optional.of(log))))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining(
            "wireguard-go wg1 in namespace mesh1: did not come up within the time limit; its log"
                + " ends: INFO: (wg1) 2026/12/06 Starting wireguard-go version 0.0.20230223 |"
                + " DEBUG: (wg1) 2026/12/06 Debug log enabled | ERROR: (wg1) 2026/12/06 Failed to"
                + " create TUN device: device or resource busy");
  }

  @Test
  void notUp_aLongLog_isReadFromItsEnd() throws Exception {
    Path log = dir.resolve("wireguard-go-wg1.log");
    Files.writeString(
        log,
        "INFO: (wg1) an earlier run\n".repeat(2000)
            + "INFO: (wg1) Starting wireguard-go\n"
            + "ERROR: (wg1) Failed to create TUN device: operation not permitted\n");
    HostEffects effects =
        new HostEffects(
            new RecordingCommandRunner().respond(new CommandResult(1, "", "no socket"), "wg"),
            GIVES_UP);

    assertThatThrownBy(() -> effects.apply(await(Optional.of(log))))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining(
            "its log ends: INFO: (wg1) an earlier run | INFO: (wg1) Starting wireguard-go |"
                + " ERROR: (wg1) Failed to create TUN device: operation not permitted");
  }

  @Test
  void notUp_withoutALog_saysSoPlainly() {
    HostEffects effects =
        new HostEffects(
            new RecordingCommandRunner().respond(new CommandResult(1, "", "no socket"), "wg"),
            GIVES_UP);
    for (Optional<Path> log :
        List.of(Optional.<Path>empty(), Optional.of(dir.resolve("none.log")))) {
      assertThatThrownBy(() -> effects.apply(await(log)))
          .isInstanceOf(DeployException.class)
          .hasMessageContaining("did not come up within the time limit")
          .hasMessageNotContaining("its log ends");
    }
  }
}
