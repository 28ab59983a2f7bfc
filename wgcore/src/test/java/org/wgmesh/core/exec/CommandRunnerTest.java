package org.wgmesh.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandRunnerTest {
  private final ProcessCommandRunner runner = new ProcessCommandRunner(10);

  @Test
  void run_capturesOutputAndFeedsStdin() {
    CommandResult r =
        runner.run(Command.query("cat").withStdin("hello".getBytes(StandardCharsets.UTF_8)));
    assertThat(r.stdout()).isEqualTo("hello");
  }

  @Test
  void run_nonZero_throwsWithArgvStatusAndStderr() {
    assertThatThrownBy(() -> runner.run(Command.change("sh", "-c", "echo bad thing >&2; exit 3")))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("sh -c")
        .hasMessageContaining("status 3")
        .hasMessageContaining("bad thing");
  }

  @Test
  void execute_missingProgram_saysSoWithHint() {
    assertThatThrownBy(() -> runner.execute(Command.query("/nonexistent/wgmesh-tool")))
        .isInstanceOf(CommandFailedException.class)
        .satisfies(e -> assertThat(((CommandFailedException) e).hint()).isPresent());
  }

  @Test
  void execute_timeout_killsProcess() {
    ProcessCommandRunner quick = new ProcessCommandRunner(1);
    assertThatThrownBy(() -> quick.execute(Command.query("sleep", "30")))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("did not finish");
  }

  @Test
  void dryRun_runsQueriesButOnlyReportsChanges() {
    List<Command> reported = new ArrayList<>();
    DryRunCommandRunner dry = new DryRunCommandRunner(runner, reported::add);
    assertThat(dry.run(Command.query("echo", "live")).stdout()).isEqualTo("live\n");
    Command change = Command.change("sh", "-c", "exit 1");
    assertThat(dry.run(change).ok()).isTrue();
    assertThat(reported).containsExactly(change);
    assertThat(dry.skipped()).containsExactly(change);
  }

  @Test
  void command_displayNeverIncludesStdin() {
    Command c = Command.change("wg", "setconf", "wg2", "/dev/stdin").withStdin("PrivateKey = x".getBytes(StandardCharsets.UTF_8));
    assertThat(c.display()).isEqualTo("wg setconf wg2 /dev/stdin");
    assertThat(c.toString()).doesNotContain("PrivateKey");
  }
}
