package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.yaml.YamlDocuments;

/** The example in docs/site-file.md parses, and every key the parser knows is documented. */
class SiteFileDocTest {
  static String doc() throws Exception {
    String root = System.getProperty("wgmesh.root");
    Path p = (root != null ? Path.of(root) : Path.of("..")).resolve("docs/site-file.md");
    return Files.readString(p);
  }

  @Test
  void completeExample_parsesAndValidates() throws Exception {
    String doc = doc();
    Matcher m =
        Pattern.compile("## Complete example\\s+```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(m.find()).as("a ```yaml block under '## Complete example'").isTrue();
    SiteSpec spec = SiteSpec.parse(YamlDocuments.parse(m.group(1), "docs/site-file.md example"));
    assertThat(spec.hosts()).hasSize(2);
    assertThat(spec.retired()).extracting(RetiredHost::number).containsExactly(2);
    assertThat(spec.settings().domain()).isEqualTo("mesh.example.com");
  }

  @Test
  void everyKeyFile_isDocumented() throws Exception {
    String doc = doc();
    SiteKeyStore store = SiteKeyStore.beside(Path.of("NAME.yaml"));
    for (Path p :
        java.util.List.of(
            store.signing(), store.box(), store.nextSigning(), store.nextBox(), store.original())) {
      assertThat(doc).as("key file %s documented", p).contains("`" + p + "`");
    }
    // The original wgmesh's key of an imported site (issue 26) has its row in the files table.
    assertThat(doc).contains("| `wgmesh.original.key` | 0600 |");
  }

  @Test
  void everyKey_isDocumented() throws Exception {
    String doc = doc();
    Set<String> keys = new TreeSet<>();
    keys.addAll(SiteSpec.TOP_KEYS);
    keys.addAll(SiteSpec.KEY_KEYS);
    keys.addAll(SiteSpec.HOST_KEYS);
    keys.addAll(SiteSpec.RETIRED_KEYS);
    keys.addAll(SiteSpec.TOPOLOGY_KEYS);
    keys.addAll(ClientSpec.KEYS);
    keys.addAll(ClientSpec.CLIENT_KEYS);
    keys.addAll(NamesSpec.KEYS);
    for (String k : keys) {
      assertThat(doc).as("key %s documented in a table row", k).contains("| `" + k + "` |");
    }
  }
}
