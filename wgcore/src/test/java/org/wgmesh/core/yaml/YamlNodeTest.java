package org.wgmesh.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;

class YamlNodeTest {
  static final String DOC =
      "name: mesh\nhosts:\n  - uuid: a\n    port: 51001\n  - uuid: b\n    port: x\nempty:\n";

  @Test
  void entries_giveKeyPathsAndLines() {
    YamlNode root = YamlDocuments.parse(DOC, "f.yaml");
    Map<String, YamlNode> top = root.entries();
    assertThat(top.keySet()).containsExactly("name", "hosts", "empty");
    YamlNode second = top.get("hosts").items().get(1);
    YamlNode port = second.entries().get("port");
    assertThat(port.path()).isEqualTo("hosts[1].port");
    assertThat(port.line()).isEqualTo(6);
    assertThat(port.where()).isEqualTo("Property 'hosts[1].port' at line 6");
    assertThat(top.get("empty").isNull()).isTrue();
    assertThat(YamlNode.optional(top, "empty")).isEmpty();
    assertThat(top.get("hosts").items().get(0).entries().get("port").number(1, 65535))
        .isEqualTo(51001);
  }

  @Test
  void number_notANumber_namesPathAndLine() {
    YamlNode port =
        YamlDocuments.parse(DOC, "f.yaml")
            .entries()
            .get("hosts")
            .items()
            .get(1)
            .entries()
            .get("port");
    assertThatThrownBy(() -> port.number(1, 65535))
        .isInstanceOf(ConfigException.class)
        .hasMessage("f.yaml: Property 'hosts[1].port' at line 6: 'x' is not a whole number");
  }

  @Test
  void entries_unknownKey_namesItsLineAndTheAllowedKeys() {
    YamlNode root = YamlDocuments.parse(DOC, "f.yaml");
    assertThatThrownBy(() -> root.entries(Set.of("name", "hosts")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Property 'empty' at line 7: unknown key")
        .satisfies(
            e -> assertThat(((ConfigException) e).hint()).hasValue("allowed here: hosts, name"));
  }

  @Test
  void wrongShapes_areNamed() {
    Map<String, YamlNode> top = YamlDocuments.parse(DOC, "f.yaml").entries();
    assertThatThrownBy(() -> top.get("name").items())
        .hasMessageContaining("Property 'name' at line 1: expected a list");
    assertThatThrownBy(() -> top.get("hosts").text())
        .hasMessageContaining("Property 'hosts' at line 3: expected a single value");
    assertThatThrownBy(() -> top.get("name").entries()).hasMessageContaining("expected a mapping");
    YamlNode root = YamlDocuments.parse(DOC, "f.yaml");
    assertThatThrownBy(() -> root.require(top, "locus"))
        .hasMessageContaining("missing required key 'locus'");
  }

  @Test
  void parse_duplicateKeyOrSyntaxErrorOrEmpty_isConfigError() {
    assertThatThrownBy(() -> YamlDocuments.parse("a: 1\nb: 2\na: 3\n", "f.yaml").entries())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Property 'a' at line 3: duplicate key");
    assertThatThrownBy(() -> YamlDocuments.parse("a: [1, 2\nb: 3\n", "f.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("YAML syntax error at line");
    assertThatThrownBy(() -> YamlDocuments.parse("# nothing\n", "f.yaml"))
        .hasMessageContaining("the file is empty");
  }

  @Test
  void parse_javaTags_areRefused() {
    // compose() never constructs objects, and SnakeYAML 2 refuses global tags outright.
    assertThatThrownBy(
            () -> YamlDocuments.parse("x: !!javax.script.ScriptEngineManager [1]\n", "f.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at line 1");
  }

  @Test
  void read_missingOrNotUtf8_isNamed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> YamlDocuments.read(dir.resolve("nope.yaml"), "test limit", 1000))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("does not exist");
    Path bad = dir.resolve("bad.yaml");
    Files.write(bad, new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});
    assertThatThrownBy(() -> YamlDocuments.read(bad, "test limit", 1000))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void dump_thenParse_roundTrips() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("a", "yes");
    m.put("b", java.util.List.of("10.0.0.0/8", "fd00::/8"));
    m.put("c", 5);
    String text = YamlDocuments.dump(m);
    Map<String, YamlNode> back = YamlDocuments.parse(text, "t").entries();
    assertThat(back.get("a").text()).isEqualTo("yes");
    assertThat(back.get("b").items())
        .extracting(YamlNode::text)
        .containsExactly("10.0.0.0/8", "fd00::/8");
    assertThat(back.get("c").number(0, 10)).isEqualTo(5);
  }

  @Test
  void dump_sharedValues_areWrittenInFullAndParseBack() {
    // One list object in many places, as the shared empty list of hosts without LAN prefixes.
    java.util.List<String> shared = java.util.List.of();
    java.util.List<Object> hosts = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      hosts.add(Map.of("lan-prefixes", shared));
    }
    String text = YamlDocuments.dump(Map.of("hosts", hosts));
    assertThat(text).doesNotContain("&").doesNotContain("*");
    assertThat(YamlDocuments.parse(text, "t").entries().get("hosts").items()).hasSize(20);
  }
}
