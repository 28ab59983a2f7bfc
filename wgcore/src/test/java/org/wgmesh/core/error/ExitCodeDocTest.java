package org.wgmesh.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/exit-codes.md and {@link ExitCode} in step: same codes, names and meanings, same
 * order.
 */
class ExitCodeDocTest {
  private static final Pattern ROW =
      Pattern.compile("^\\|\\s*(\\d+)\\s*\\|\\s*(\\w+)\\s*\\|\\s*([^|]+?)\\s*\\|.*$");

  static Path docs() {
    String root = System.getProperty("wgmesh.root");
    Path base = root != null ? Path.of(root) : Path.of("..");
    Path p = base.resolve("docs/exit-codes.md");
    return Files.exists(p) ? p : Path.of("docs/exit-codes.md");
  }

  @Test
  void docTable_matchesEnum() throws Exception {
    List<String> documented = new ArrayList<>();
    for (String line : Files.readAllLines(docs())) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        documented.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
      }
    }
    List<String> inCode = new ArrayList<>();
    for (ExitCode c : ExitCode.values()) {
      inCode.add(c.code() + " " + c.name() + " " + c.meaning());
    }
    assertThat(documented).containsExactlyElementsOf(inCode);
  }

  @Test
  void codes_areDistinct() {
    assertThat(java.util.Arrays.stream(ExitCode.values()).map(ExitCode::code).distinct().count())
        .isEqualTo(ExitCode.values().length);
  }
}
