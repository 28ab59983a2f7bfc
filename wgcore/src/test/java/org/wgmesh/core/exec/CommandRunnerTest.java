package org.wgmesh.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
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
  void run_anyProcess_runsInTheCLocale() {
    CommandResult r =
        runner.run(
            Command.query(
                "sh",
                "-c",
                "echo \"LC_ALL=$LC_ALL LANG=${LANG-unset} LANGUAGE=${LANGUAGE-unset}\"; locale 2>/dev/null | grep '^LC_MESSAGES='"));

    assertThat(r.stdout()).startsWith("LC_ALL=C LANG=unset LANGUAGE=unset\n");
    // locale(1) is part of libc-bin on Debian; where it is missing only the first line is there.
    assertThat(r.stdout().lines().skip(1).toList()).allMatch(l -> l.equals("LC_MESSAGES=\"C\""));
  }

  @Test
  void cLocale_overridesTheCallersLocale() {
    java.util.Map<String, String> env =
        new java.util.HashMap<>(
            java.util.Map.of(
                "LANG",
                "de_DE.UTF-8",
                "LANGUAGE",
                "de:en",
                "LC_ALL",
                "fr_FR.UTF-8",
                "LC_NUMERIC",
                "de_DE.UTF-8",
                "PATH",
                "/bin"));

    ProcessCommandRunner.cLocale(env);

    assertThat(env)
        .containsEntry("LC_ALL", "C")
        .containsEntry("PATH", "/bin")
        .doesNotContainKeys("LANG", "LANGUAGE");
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
  void command_displayNeverIncludesStdin() {
    Command c =
        Command.change("wg", "setconf", "wg2", "/dev/stdin")
            .withStdin("PrivateKey = x".getBytes(StandardCharsets.UTF_8));
    assertThat(c.display()).isEqualTo("wg setconf wg2 /dev/stdin");
    assertThat(c.toString()).doesNotContain("PrivateKey");
  }
}
