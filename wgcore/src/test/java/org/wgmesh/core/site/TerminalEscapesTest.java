package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.dns.ZoneFileSource;
import org.wgmesh.core.error.SafeText;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.registration.Registration;

/** Issue 19: input echoed in a message never carries raw control characters to a terminal. */
class TerminalEscapesTest {
  static final String ESC = "\u001b]0;owned\u0007\u001b[2J\u009b1m";
  static final String SHOWN = "\\x1b]0;owned\\x07\\x1b[2J\\x9b1m";

  @TempDir Path dir;

  static void assertEscaped(Throwable e) {
    assertThat(e.getMessage()).contains(SHOWN).doesNotContain("\u001b").doesNotContain("\u009b");
    WgmeshException w = (WgmeshException) e;
    assertThat(w.what() + w.why() + w.hint().orElse("")).doesNotContain("\u001b");
  }

  @Test
  void escape_controlCharacters_becomeHex_newlineAndTabStay() {
    assertThat(SafeText.escape("a" + ESC + "\n\tb\r\u007f"))
        .isEqualTo("a" + SHOWN + "\n\tb\\x0d\\x7f");
    assertThat(SafeText.escape("plain é")).isEqualTo("plain é");
  }

  @Test
  void zoneFileThatDoesNotParse_echoesItsBytesEscaped() throws Exception {
    Path zone = dir.resolve("mesh.zone");
    Files.writeString(zone, "x.mesh.example.com. 300 IN TXT" + ESC + " \"a\"\n" + ESC + "\n");
    assertThatThrownBy(() -> ZoneFileSource.load(zone))
        .isInstanceOf(WgmeshException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"))
        .satisfies(e -> assertThat(e.getMessage()).contains("\\x1b"));
  }

  @Test
  void siteFileValue_isEchoedEscaped() throws Exception {
    Path yaml = dir.resolve("wgmesh.yaml");
    SiteFixtures.twoHosts(yaml);
    String good = Files.readString(yaml);
    Files.writeString(yaml, good.replace("locus: mesh1", "locus: \"" + yamlEscapes(ESC) + "\""));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(WgmeshException.class)
        .satisfies(TerminalEscapesTest::assertEscaped);
  }

  @Test
  void hostname_isEchoedEscaped() {
    assertThatThrownBy(() -> Registration.checkHostname("r1" + ESC, "registration: hostname"))
        .isInstanceOf(WgmeshException.class)
        .satisfies(TerminalEscapesTest::assertEscaped);
  }

  @Test
  void stderr_safetyNet_escapesWhatAnyCodePathPrints() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), err, false);
    new Reporter(io.err(), Reporter.Verbosity.NORMAL).warn("host %s", ESC);
    io.err().print(ESC.toCharArray());
    io.err().write(0x1b);
    io.err().flush();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("warning: host " + SHOWN + "\n" + SHOWN + "\\x1b");
  }

  @Test
  void stdout_safetyNet_escapesToo_butKeepsNewlinesAndTabs() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(), false);
    io.out().println("a\tb" + ESC);
    io.out().flush();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a\tb" + SHOWN + "\n");
  }

  /** The YAML double-quoted form of {@code s}, so the parsed value holds the raw characters. */
  private static String yamlEscapes(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) ? String.format("\\x%02x", (int) c) : c);
    }
    return b.toString();
  }
}
