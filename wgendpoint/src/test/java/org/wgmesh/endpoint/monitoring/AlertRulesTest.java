package org.wgmesh.endpoint.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.wgmesh.core.testing.Promtool;

/**
 * The example alert rules of docs/examples (docs/operator-guide.md, "What to alert on") are valid
 * Prometheus rules, each alert fires on the series its unit test feeds it and stays quiet on a
 * healthy host, and they name only metrics wgmesh writes.
 */
@EnabledIf("org.wgmesh.core.testing.Promtool#isAvailable")
class AlertRulesTest {
  static final Path EXAMPLES = Path.of("..", "docs", "examples").toAbsolutePath().normalize();
  static final Path RULES = EXAMPLES.resolve("wgmesh-alerts.rules.yml");
  static final Path TESTS = EXAMPLES.resolve("wgmesh-alerts.test.yml");

  @Test
  void rules_passPromtoolCheckRules() throws Exception {
    Promtool.Result r = Promtool.run("", "check", "rules", RULES.toString());

    assertThat(r.rc()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: 11 rules found");
  }

  @Test
  void rules_passTheirUnitTests() throws Exception {
    // promtool resolves rule_files relative to the test file.
    Promtool.Result r = Promtool.run("", "test", "rules", TESTS.toString());

    assertThat(r.rc()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void everyAlert_hasAUnitTestThatFiresIt() throws Exception {
    String rules = Files.readString(RULES);
    String tests = Files.readString(TESTS);
    Matcher alert = Pattern.compile("- alert: (\\w+)").matcher(rules);
    int alerts = 0;
    while (alert.find()) {
      alerts++;
      String name = alert.group(1);
      assertThat(tests)
          .as(name + " has a test case that expects it to fire")
          .containsPattern("alertname: " + name + "\\n\\s+exp_alerts:\\n\\s+- exp_labels");
    }
    assertThat(alerts).isEqualTo(11);
  }

  @Test
  void rules_nameOnlyMetricsThatWgmeshOrNodeExporterWrite() throws Exception {
    Matcher metric = Pattern.compile("\\b(wgmesh_[a-z_]+)").matcher(Files.readString(RULES));
    String written =
        Files.readString(Path.of("src/main/java/org/wgmesh/endpoint/deploy/health/Metrics.java"))
            + Files.readString(
                Path.of("../wgsite/src/main/java/org/wgmesh/site/publish/VerifyMetrics.java"));
    while (metric.find()) {
      assertThat(written).as(metric.group(1)).contains('"' + metric.group(1) + '"');
    }
  }
}
