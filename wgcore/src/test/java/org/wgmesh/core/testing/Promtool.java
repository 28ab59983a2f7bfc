package org.wgmesh.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' own checker, {@code promtool} (Debian package {@code prometheus}, installed by
 * scripts/setup-debian.sh), on what wgmesh writes: metrics files and the example alert rules. Tests
 * that use it carry {@code @EnabledIf("org.wgmesh.core.testing.Promtool#isAvailable")}.
 */
public final class Promtool {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private Promtool() {}

  /** Whether promtool is installed. */
  public static boolean isAvailable() {
    return Files.isExecutable(PROMTOOL);
  }

  /** What promtool printed (stdout and stderr together) and its exit code. */
  public record Result(int rc, String output) {}

  /**
   * {@code promtool check metrics} on the text: exit 0 and no output means the exposition format is
   * valid and no lint rule (names, units, help text) complains.
   */
  public static Result checkMetrics(String text) throws IOException, InterruptedException {
    return run(text, "check", "metrics");
  }

  /** Runs promtool with the arguments, the text on its standard input. */
  public static Result run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add(PROMTOOL.toString());
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("promtool " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Result(p.exitValue(), output);
  }
}
