package org.wgmesh.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.InputException;

class YamlSpecTest {
  /** What a tiny format reads into and writes from. */
  static final class Target {
    String name;
    int port;
    String owner;
  }

  static final YamlSpec<Target> OWNER =
      YamlSpec.of(
          YamlSetting.<Target, String>value(
              "owner", (n, t) -> n.text(), t -> t.owner, (t, v) -> t.owner = v, v -> v));

  static final YamlSpec<Target> SPEC =
      YamlSpec.of(
          YamlSetting.<Target, String>value(
              "name", (n, t) -> n.text(), t -> t.name, (t, v) -> t.name = v, v -> v),
          YamlSetting.<Target, Integer>value(
                  "port",
                  (n, t) -> (int) n.number(1, 65535),
                  t -> t.port,
                  (t, v) -> t.port = v,
                  v -> v)
              .orElse(t -> 51000)
              .whenSet(),
          OWNER.under("meta"));

  static Target read(String yaml) {
    Target t = new Target();
    SPEC.read(YamlDocuments.parse(yaml, "f.yaml"), t);
    return t;
  }

  @Test
  void read_appliesDefaults_andWriteLeavesThemOut_inDeclarationOrder() {
    Target t = read("meta:\n  owner: ops\nname: mesh\n");
    assertThat(t.port).isEqualTo(51000);
    assertThat(SPEC.write(t).toString()).isEqualTo("{name=mesh, meta={owner=ops}}");
    t.port = 51001;
    assertThat(SPEC.write(t).keySet()).containsExactly("name", "port", "meta");
    assertThat(SPEC.keys()).containsExactly("name", "port", "meta");
  }

  @Test
  void read_missingRequiredKey_namesKeyAndTheMappingsLine() {
    assertThatThrownBy(() -> read("port: 1\nmeta:\n  owner: ops\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("f.yaml: Document at line 1: missing required key 'name'");
    assertThatThrownBy(() -> read("name: m\nmeta:\n  colour: blue\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Property 'meta.colour' at line 3: unknown key");
  }

  @Test
  void whenSet_onARequiredSetting_isAProgrammingError() {
    assertThatThrownBy(
            () ->
                YamlSetting.<Target, String>value(
                        "name", (n, t) -> n.text(), t -> t.name, (t, v) -> t.name = v, v -> v)
                    .whenSet())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void as_turnsTheParsersComplaintIntoAnErrorAtTheLine() {
    YamlNode root = YamlDocuments.parse("id: nope\nname: [a]\n", "f.yaml");
    YamlNode id = root.entries().get("id");
    assertThatThrownBy(() -> id.as(UUID::fromString))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "f.yaml: Property 'id' at line 1: 'nope' is not valid: Invalid UUID string: nope");
    assertThatThrownBy(
            () ->
                id.as(
                    t -> {
                      throw new InputException("id", "is wrong", "write it right");
                    }))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo("f.yaml: Property 'id' at line 1: is wrong");
              assertThat(e.hint()).contains("write it right");
            });
    assertThatThrownBy(() -> root.entries().get("name").as(t -> t))
        .hasMessage("f.yaml: Property 'name' at line 2: expected a single value, found a list");
  }
}
