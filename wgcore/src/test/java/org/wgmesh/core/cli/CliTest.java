package org.wgmesh.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class CliTest {
  @Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
  static final class DemoCommand implements Callable<Integer> {
    private final Io io;

    @Mixin CommonOptions common;

    @Option(names = "--fail")
    String fail;

    DemoCommand(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      if ("input".equals(fail)) {
        throw new InputException("blob line 3", "not base64", "copy the whole line");
      }
      if ("bug".equals(fail)) {
        throw new IllegalStateException("boom");
      }
      common.reporter(io).info("progress");
      io.out().println("data");
      return 0;
    }
  }

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    Io io = new Io(new ByteArrayInputStream(new byte[0]), out, err, false);
    return Cli.run(DemoCommand::new, io, args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void run_success_dataOnStdoutDiagnosticsOnStderr() {
    assertThat(run()).isZero();
    assertThat(out()).isEqualTo("data\n");
    assertThat(err()).isEqualTo("progress\n");
  }

  @Test
  void run_quiet_suppressesProgress() {
    assertThat(run("-q")).isZero();
    assertThat(err()).isEmpty();
  }

  @Test
  void run_typedFailure_printsErrorAndHintWithItsExitCode() {
    assertThat(run("--fail", "input")).isEqualTo(ExitCode.INPUT.code());
    assertThat(err()).isEqualTo("error: blob line 3: not base64\nhint: copy the whole line\n");
    assertThat(out()).isEmpty();
  }

  @Test
  void run_unexpectedFailure_isInternalWithTrace() {
    assertThat(run("--fail", "bug")).isEqualTo(ExitCode.INTERNAL.code());
    assertThat(err()).startsWith("error: internal: java.lang.IllegalStateException: boom");
  }

  @Test
  void run_unknownOption_isUsage() {
    assertThat(run("--nope")).isEqualTo(ExitCode.USAGE.code());
    assertThat(err())
        .contains("error: Unknown option: '--nope'")
        .contains("hint: see 'demo --help'");
  }

  @Test
  void run_helpAndVersion_succeedOnStdout() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("Usage: demo");
    out.reset();
    assertThat(run("--version")).isZero();
    assertThat(out()).startsWith("wgmesh ");
  }
}
