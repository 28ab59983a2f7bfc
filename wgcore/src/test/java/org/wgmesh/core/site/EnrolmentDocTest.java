package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.enrolment.EnrolmentDecision.Reason;

/** docs/enrolment.md documents every key of the section and every refusal reason. */
class EnrolmentDocTest {
  static String doc() throws Exception {
    String root = System.getProperty("wgmesh.root");
    return Files.readString(
        (root != null ? Path.of(root) : Path.of("..")).resolve("docs/enrolment.md"));
  }

  @Test
  void everyKey_isDocumented() throws Exception {
    String doc = doc();
    Set<String> keys = new TreeSet<>();
    keys.addAll(EnrolmentSpec.KEYS);
    keys.addAll(EnrolmentSpec.RULE_KEYS);
    keys.addAll(EnrolmentSpec.TOKEN_KEYS);
    keys.addAll(EnrolmentSpec.LIMIT_KEYS);
    for (String k : keys) {
      assertThat(doc).as("key %s documented in a table row", k).contains("| `" + k + "` |");
    }
  }

  @Test
  void example_isTheSectionTheRoundTripTestReads() throws Exception {
    assertThat(doc()).contains("```yaml\n" + SiteEnrolmentTest.SECTION + "```");
  }

  @Test
  void everyReason_isDocumented() throws Exception {
    String doc = doc();
    for (Reason r : Reason.values()) {
      assertThat(doc).as("reason %s", r).contains("| `" + r.text() + "` |");
    }
  }
}
