package org.wgmesh.endpoint.deploy.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.testing.RecordingCommandRunner;

/** Checks run side by side ({@link Effect.Together}): all of them, then the first failure. */
class TogetherTest {
  static Effect.Validate check(String tool, String file) {
    return new Effect.Validate(Command.query(tool, "check", file), Path.of(file), tool + ".ftl");
  }

  @Test
  void together_runsEveryMember_thenFailsWithTheFirstFailureInListOrder() {
    RecordingCommandRunner host =
        new RecordingCommandRunner()
            // The first member is the slowest: a failure of a later one must not end the wait.
            .respond(
                c -> RecordingCommandRunner.startsWith(c, "bird"),
                c -> {
                  try {
                    Thread.sleep(200);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return CommandResult.success("");
                })
            .respond(new CommandResult(1, "", "shorewall: bad zone"), "shorewall")
            .respond(new CommandResult(1, "", "nft: syntax error"), "nft");
    HostEffects effects = new HostEffects(host, Waiter.POLLING);
    Effect.Together t =
        new Effect.Together(
            List.of(check("bird", "/b.conf"), check("shorewall", "/s"), check("nft", "/n.nft")));

    assertThatThrownBy(() -> effects.apply(t))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("/s (from template shorewall.ftl)")
        .hasMessageContaining("bad zone");
    assertThat(host.commands())
        .extracting(Command::display)
        .containsExactlyInAnyOrder("bird check /b.conf", "shorewall check /s", "nft check /n.nft");
  }

  @Test
  void together_allSucceed_isOneStepOfThreeCommands() {
    RecordingCommandRunner host = new RecordingCommandRunner();
    new HostEffects(host, Waiter.POLLING)
        .apply(new Effect.Together(List.of(check("bird", "/b"), check("shorewall", "/s"))));
    assertThat(host.commands()).hasSize(2);
    assertThat(Step.of("x", List.of(new Effect.Together(List.of(check("a", "/a"))))).commands())
        .extracting(Command::display)
        .containsExactly("a check /a");
  }
}
