package org.wgmesh.core.original;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.testing.OriginalFixtures;
import org.yaml.snakeyaml.Yaml;

class OriginalYamlTest {
  private static final String SITE_PUBLIC = "rM50PwoqsOcSAq6ftqkWvWVLUn0BuOHYC60Kqy/plQY=";
  private static final String NODE1_UUID = "093d3179-0954-472a-ba1b-54cad9355448";
  private static final String NODE1_KEY = "krX2XWiGTr4XDFW1EnSwLZyRa+HdEjk+SXVsLjCwthw=";
  private static final String HOST1 = "hosts." + NODE1_UUID;

  @Test
  void readSite_fixtureGlobal() {
    OriginalSite site = OriginalYaml.readSite(OriginalFixtures.siteFile());
    assertThat(site.source()).isEqualTo(OriginalFixtures.siteFile().toString());
    assertThat(site.locus()).isEqualTo("mesh1");
    assertThat(site.domain()).isEqualTo("mesh1.example.test");
    assertThat(site.tunnelIpv4()).contains("192.0.2.0/24");
    assertThat(site.tunnelIpv6()).contains("fd86:ea04:1116::/64");
    assertThat(site.portbase()).isEqualTo(9000);
    assertThat(site.asnRange()).isEqualTo("64512:65534");
    assertThat(site.asnUsed())
        .hasSize(100)
        .containsExactlyElementsOf(Stream.iterate(64512L, a -> a + 1).limit(100).toList());
    assertThat(site.publicKey().toBase64()).isEqualTo(SITE_PUBLIC);
    assertThat(site.publicKeyWhere()).isEqualTo("Property 'global.publickey' at line 109");
    assertThat(site.privateKeyPath()).contains("/etc/wgmesh/mesh1_priv");
    assertThat(site.route53()).isEmpty();
    assertThat(site.alerts()).isEmpty();
    assertThat(site.awsConfigured()).isFalse();
    assertThat(site.hosts()).hasSize(100);
  }

  /** Every host against an independent read of the file with plain SnakeYAML. */
  @Test
  @SuppressWarnings("unchecked")
  void readSite_fixtureHostsMatchAPlainRead() throws IOException {
    Map<String, Object> doc =
        new Yaml().load(Files.readString(OriginalFixtures.siteFile(), StandardCharsets.UTF_8));
    Map<String, Map<String, Object>> expected = (Map<String, Map<String, Object>>) doc.get("hosts");
    List<OriginalHost> hosts = OriginalYaml.readSite(OriginalFixtures.siteFile()).hosts();
    assertThat(hosts)
        .extracting(h -> h.uuid().toString())
        .containsExactlyElementsOf(expected.keySet());

    SoftAssertions soft = new SoftAssertions();
    int octet = 0;
    for (OriginalHost h : hosts) {
      octet++;
      Map<String, Object> e = expected.get(h.uuid().toString());
      String name = String.format("node%03d", octet);
      soft.assertThat(h.hostname()).as(name).isEqualTo(e.get("hostname")).isEqualTo(name);
      soft.assertThat(h.octet()).as(name).isEqualTo(((Integer) e.get("octet")).longValue());
      soft.assertThat(h.octet()).as(name).isEqualTo(octet);
      soft.assertThat(h.asn()).as(name).isEqualTo(64511L + octet);
      soft.assertThat(h.publicKey().toBase64()).as(name).isEqualTo(e.get("public_key_encoded"));
      soft.assertThat(h.localIpv4()).as(name).containsExactly("198.18.0." + octet + "/32");
      soft.assertThat(h.localIpv6())
          .as(name)
          .containsExactly("2001:db8::" + Integer.toHexString(octet) + "/128");
      soft.assertThat(h.localNetworks()).as(name).isEmpty();
    }
    soft.assertAll();
    assertThat(hosts.stream().map(h -> h.publicKey().toBase64()).distinct()).hasSize(100);
    assertThat(hosts.get(0).where("octet")).isEqualTo("Property '" + HOST1 + ".octet' at line 121");
  }

  @Test
  void readNode_fixtureNodes() throws IOException {
    OriginalSite site = OriginalYaml.readSite(OriginalFixtures.siteFile());
    for (int n = 1; n <= OriginalFixtures.NODES; n++) {
      OriginalNode node = OriginalYaml.readNode(OriginalFixtures.nodeFile(n));
      OriginalHost host = site.hosts().get(n - 1);
      assertThat(node.locus()).isEqualTo("mesh1");
      assertThat(node.siteDomain()).isEqualTo("mesh1.example.test");
      assertThat(node.sitePublicKey().toBase64()).isEqualTo(SITE_PUBLIC);
      assertThat(node.hostname()).isEqualTo(OriginalFixtures.nodeName(n));
      assertThat(node.uuid()).isEqualTo(host.uuid());
      assertThat(node.secretKeyFile()).contains("/etc/wgmesh/node_mesh1.key");
      assertThat(node.publicKeyFile()).contains("/etc/wgmesh/node_mesh1.pub");
      assertThat(node.publicInterface()).contains("eth0");
      assertThat(node.publicAddresses()).containsExactly("198.18.0." + n, "2001:db8::" + n);
      assertThat(node.trustInterface()).contains("eth1");
      assertThat(node.trustAddresses()).containsExactly("10.0." + n + ".1/24");
      assertThat(node.publicKey()).isEmpty();
      assertThat(host.publicKey().toBase64())
          .isEqualTo(Files.readString(OriginalFixtures.nodePub(n), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void readNode_publicAddressFalseIsNone(@TempDir Path dir) {
    Path file =
        OriginalFixtures.mangle(
            OriginalFixtures.nodeFile(1),
            dir,
            s ->
                s.replace(
                    "  public_address:\n  - 198.18.0.1\n  - 2001:db8::1\n",
                    "  public_address: false\n"));
    assertThat(OriginalYaml.readNode(file).publicAddresses()).isEmpty();
  }

  @Test
  void readSite_absentPortbaseIsTheOriginalDefault(@TempDir Path dir) {
    Path file =
        OriginalFixtures.mangle(
            OriginalFixtures.siteFile(), dir, s -> s.replace("  portbase: 9000\n", ""));
    assertThat(OriginalYaml.readSite(file).portbase()).isEqualTo(58822);
  }

  static Stream<Arguments> mangledSites() {
    return Stream.of(
        site(
            "unknown global key",
            s -> s.replace("  alerts: ''\n", "  alerts: ''\n  colour: blue\n"),
            "Property 'global.colour' at line 112: unknown key"),
        site(
            "unknown host key",
            s ->
                s.replaceFirst(
                    "    private_key_file: /etc/wgmesh/node_mesh1.key\n",
                    "    private_key_file: /etc/wgmesh/node_mesh1.key\n    colour: blue\n"),
            "Property '" + HOST1 + ".colour' at line 130: unknown key"),
        site(
            "uuid differs from its mapping key",
            s ->
                s.replaceFirst(
                    "    uuid: " + NODE1_UUID, "    uuid: 093d3179-0954-472a-ba1b-54cad9355449"),
            "Property '"
                + HOST1
                + ".uuid' at line 118: uuid 093d3179-0954-472a-ba1b-54cad9355449 differs from its"
                + " mapping key"),
        site(
            "mapping key not a uuid",
            s -> s.replaceFirst("  " + NODE1_UUID + ":", "  node001:"),
            "Property 'hosts.node001' at line 118: the mapping key 'node001' is not a uuid"),
        site(
            "missing public_key_encoded",
            s -> s.replace("public_key_encoded: " + NODE1_KEY, "public_key_encoded: ''"),
            "Property '" + HOST1 + "' at line 118: missing key"),
        site(
            "public_key_encoded not a key",
            s -> s.replace("public_key_encoded: " + NODE1_KEY, "public_key_encoded: krX2XWiG"),
            "Property '" + HOST1 + ".public_key_encoded' at line 126: a key is 32 bytes"),
        site(
            "duplicate key in a host",
            s -> s.replaceFirst("    octet: 1\n", "    octet: 1\n    octet: 2\n"),
            "Property '" + HOST1 + ".octet' at line 122: duplicate key"),
        site(
            "octet out of range",
            s -> s.replaceFirst("    octet: 1\n", "    octet: 70000\n"),
            "Property '" + HOST1 + ".octet' at line 121: 70000 is out of range -1..65535"),
        site(
            "portbase not a number",
            s -> s.replace("  portbase: 9000\n", "  portbase: many\n"),
            "Property 'global.portbase' at line 6: 'many' is not a whole number"),
        site(
            "empty publickey",
            s -> s.replace("  publickey: " + SITE_PUBLIC, "  publickey: ''"),
            "Property 'global' at line 2: global.publickey is missing or empty"),
        site(
            "v1 global keys",
            s -> s.replace("  locus: mesh1\n", "  locus: mesh1\n  ipv6: fd00::/64\n"),
            "a v1 site file of the original wgmesh (1.0.x): not supported yet"),
        site(
            "unknown top-level key",
            s -> s + "extra: 1\n",
            "Property 'extra' at line 1417: unknown key"));
  }

  private static Arguments site(String name, UnaryOperator<String> edit, String message) {
    return Arguments.of(name, edit, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mangledSites")
  void readSite_mangled(
      String name, UnaryOperator<String> edit, String message, @TempDir Path dir) {
    Path file = OriginalFixtures.mangle(OriginalFixtures.siteFile(), dir, edit);
    assertThatThrownBy(() -> OriginalYaml.readSite(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(message);
  }

  @Test
  void readSite_emptyPublickeyHintsAtTheOriginalCheck(@TempDir Path dir) {
    Path file =
        OriginalFixtures.mangle(
            OriginalFixtures.siteFile(),
            dir,
            s -> s.replace("  publickey: " + SITE_PUBLIC, "  publickey: ''"));
    assertThatThrownBy(() -> OriginalYaml.readSite(file))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("wgsite check")));
  }

  @Test
  void readSite_aNodeFileIsNotASiteFile() {
    assertThatThrownBy(() -> OriginalYaml.readSite(OriginalFixtures.nodeFile(1)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a site file");
  }

  @Test
  void readSite_awsFieldsAreOnlyNotedNeverKept(@TempDir Path dir) {
    Path file =
        OriginalFixtures.mangle(
            OriginalFixtures.siteFile(),
            dir,
            s -> s.replace("  aws_secret_access_key: ''", "  aws_secret_access_key: s3cr3tValue"));
    OriginalSite site = OriginalYaml.readSite(file);
    assertThat(site.awsConfigured()).isTrue();
    assertThat(site.toString()).doesNotContain("s3cr3tValue");
  }

  static Stream<Arguments> mangledNodes() {
    return Stream.of(
        Arguments.of(
            "unknown key",
            (UnaryOperator<String>) s -> s + "  colour: blue\n",
            "Property 'local.colour' at line 19: unknown key"),
        Arguments.of(
            "missing uuid",
            (UnaryOperator<String>) s -> s.replace("  uuid: " + NODE1_UUID + "\n", ""),
            "Property 'local' at line 2: missing required key 'uuid'"),
        Arguments.of(
            "uuid not a uuid",
            (UnaryOperator<String>) s -> s.replace("  uuid: " + NODE1_UUID, "  uuid: node001"),
            "Property 'local.uuid' at line 6: 'node001' is not a uuid"),
        Arguments.of(
            "site_pubkey not a key",
            (UnaryOperator<String>)
                s -> s.replace("  site_pubkey: " + SITE_PUBLIC, "  site_pubkey: x"),
            "Property 'local.site_pubkey' at line 4:"),
        Arguments.of(
            "v1 host file",
            (UnaryOperator<String>) s -> s.replace("local:\n", "host:\n"),
            "a v1 host file of the original wgmesh (1.0.x): not supported yet"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mangledNodes")
  void readNode_mangled(
      String name, UnaryOperator<String> edit, String message, @TempDir Path dir) {
    Path file = OriginalFixtures.mangle(OriginalFixtures.nodeFile(1), dir, edit);
    assertThatThrownBy(() -> OriginalYaml.readNode(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(message);
  }

  @Test
  void readNode_aSiteFileIsNotANodeFile() {
    assertThatThrownBy(() -> OriginalYaml.readNode(OriginalFixtures.siteFile()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a node file");
  }

  @Test
  void parseSite_uuidsAreParsed() {
    OriginalSite site = OriginalYaml.readSite(OriginalFixtures.siteFile());
    assertThat(site.hosts().get(0).uuid()).isEqualTo(UUID.fromString(NODE1_UUID));
    assertThat(site.hosts().get(0).publicKey().toBase64()).isEqualTo(NODE1_KEY);
  }
}
