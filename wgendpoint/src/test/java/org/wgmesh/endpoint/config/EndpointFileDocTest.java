package org.wgmesh.endpoint.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.yaml.YamlDocuments;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * docs/endpoint-file.md stays true: its example loads, and its table names every key the loader
 * knows.
 */
class EndpointFileDocTest {
  static Path doc() {
    String root = System.getProperty("wgmesh.root");
    return (root != null ? Path.of(root) : Path.of("..")).resolve("docs/endpoint-file.md");
  }

  @Test
  void example_loadsAndRoundTrips() throws Exception {
    String text = Files.readString(doc());
    Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(text);
    assertThat(m.find()).isTrue();
    EndpointConfig c =
        EndpointFile.parse(
            YamlDocuments.parse(m.group(1), "example"),
            Path.of("/etc/wgmesh"),
            Optional.of(DomainName.parse("mesh.example.com", "t")));
    assertThat(c.effectiveNetns()).hasToString("mesh0");
    assertThat(c.hostKey()).isEqualTo(Path.of("/etc/wgmesh/mesh.example.com.key"));
    assertThat(EndpointFile.render(c, Path.of("/etc/wgmesh"))).isEqualTo(m.group(1));
  }

  @Test
  void table_documentsEveryKey() throws Exception {
    String text = Files.readString(doc());
    Set<String> documented = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\|").matcher(text);
    while (m.find()) {
      documented.add(m.group(1).replaceFirst("^site\\.", ""));
    }
    Set<String> known = new TreeSet<>(EndpointFile.keysForDocs());
    assertThat(documented).containsAll(known);
  }
}
