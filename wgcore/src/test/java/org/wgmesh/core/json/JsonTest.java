package org.wgmesh.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;

class JsonTest {
  record Link(String ifname, int mtu, List<String> flags) {}

  @Test
  void write_object_keepsTheOrderFieldsWerePutAndEscapes() {
    ObjectNode o = Json.object().put("target", "zonefile:/a \"b\"\n").put("dryRun", true);
    o.putArray("changes").add(Json.object().put("n", 1));

    assertThat(Json.write(o))
        .isEqualTo(
            "{\"target\":\"zonefile:/a \\\"b\\\"\\n\",\"dryRun\":true,\"changes\":[{\"n\":1}]}");
  }

  @Test
  void write_map_sortsByKey_recordInDeclarationOrder() {
    Map<String, Integer> m = new HashMap<>(Map.of("zz", 1, "aa", 2, "mm", 3));

    assertThat(Json.write(m)).isEqualTo("{\"aa\":2,\"mm\":3,\"zz\":1}");
    assertThat(Json.write(new Link("wg2", 1420, List.of("UP"))))
        .isEqualTo("{\"ifname\":\"wg2\",\"mtu\":1420,\"flags\":[\"UP\"]}");
  }

  @Test
  void pretty_indentsTwoSpacesWithNewlines() {
    ObjectNode o = Json.object().put("a", 1);
    o.putArray("b").add("x");

    assertThat(Json.pretty(o)).isEqualTo("{\n  \"a\": 1,\n  \"b\": [\n    \"x\"\n  ]\n}");
  }

  @Test
  void readTree_ipJsonOutput_givesTheTree() {
    String ip =
        "[{\"ifindex\":1,\"ifname\":\"lo\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"127.0.0.1\",\"prefixlen\":8}]}]\n";

    JsonNode root = Json.readTree(ip, "ip -j addr output");

    assertThat(root.isArray()).isTrue();
    assertThat(root.get(0).path("addr_info").get(0).path("local").asText()).isEqualTo("127.0.0.1");
    assertThat(root.get(0).path("missing").isMissingNode()).isTrue();
  }

  @Test
  void readTree_malformed_isAnInputErrorNamingTheSourceLineAndColumn() {
    assertThatThrownBy(() -> Json.readTree("[\n{\"a\": 1,}]", "ip -j addr output"))
        .isInstanceOfSatisfying(
            InputException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT);
              assertThat(e.what()).isEqualTo("ip -j addr output");
              assertThat(e.why()).startsWith("not valid JSON at line 2, column ");
            });
  }

  @Test
  void readTree_emptyTrailingOrDuplicate_isRejected() {
    for (String bad : List.of("", "  \n", "{} {}", "[1] x", "{\"a\":1,\"a\":2}")) {
      assertThatThrownBy(() -> Json.readTree(bad, "t"))
          .as(bad)
          .isInstanceOf(InputException.class)
          .hasMessageStartingWith("t: ");
    }
  }

  @Test
  void readTree_file_missingIsAFileError_malformedNamesTheFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("x.json");
    assertThatThrownBy(() -> Json.readTree(f))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("x.json");
    Files.writeString(f, "{");
    assertThatThrownBy(() -> Json.readTree(f))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(f + ": not valid JSON");
    Files.writeString(f, "{\"k\":[true]}");
    assertThat(Json.readTree(f).path("k").get(0).asBoolean()).isTrue();
  }

  @Test
  void read_intoARecord_andAWrongFieldIsAnInputError() {
    assertThat(Json.read("{\"ifname\":\"wg2\",\"mtu\":1420,\"flags\":[]}", Link.class, "t"))
        .isEqualTo(new Link("wg2", 1420, List.of()));
    assertThatThrownBy(() -> Json.read("{\"ifname\":\"wg2\",\"speed\":1}", Link.class, "link.json"))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("link.json: not valid JSON");
    assertThatThrownBy(() -> Json.read("null", Link.class, "t")).isInstanceOf(InputException.class);
  }

  @Test
  void write_roundTrips() {
    Map<String, Object> m = new TreeMap<>(Map.of("s", "é\u0001", "n", 3, "l", List.of(1, 2)));
    assertThat(Json.readTree(Json.write(m), "t")).isEqualTo(Json.readTree(Json.pretty(m), "t"));
  }
}
