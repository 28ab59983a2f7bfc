package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/** The site file's clients section (issue 25): parsed, validated with lines, written back. */
class SiteClientsTest {
  @TempDir Path dir;
  Path yaml;
  String good;
  final String key1 = X25519PrivateKey.generate().publicKey().toBase64();
  final String key2 = X25519PrivateKey.generate().publicKey().toBase64();

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    SiteFixtures.twoHosts(yaml);
    good = Files.readString(yaml);
  }

  private Site withSection(String section) throws Exception {
    Files.writeString(yaml, good + section);
    return SiteFile.load(yaml);
  }

  private String section(String client2) {
    return """
        clients:
          pool-ipv4: 198.51.100.128/25
          pool-ipv6: default
          port-base: default
          keepalive: 30
          dns: [10.1.0.53]
          list:
            - name: anna-laptop
              number: 1
              public-key: %s
              addresses: [198.51.100.129, 'fd12:3456:789a:0:2::1']
              attach: [router1, router2]
        """
            .formatted(key1)
        + client2;
  }

  private void assertError(String section, String... parts) {
    assertThatThrownBy(() -> withSection(section))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(parts));
  }

  @Test
  void noSection_isNone_andTheFileIsWrittenAsBefore() throws Exception {
    Site site = SiteFile.load(yaml);
    assertThat(site.clients()).isEqualTo(SiteClients.NONE);
    assertThat(site.clientEntries()).isEmpty();
    SiteFile.save(site, yaml);
    assertThat(Files.readString(yaml)).isEqualTo(good).doesNotContain("clients");
  }

  @Test
  void section_isParsedResolvedAndWrittenBackTheSame() throws Exception {
    Site site = withSection(section(""));
    ClientSettings s = site.clients().settings();
    assertThat(s.pool4()).contains(IpPrefix.parse("198.51.100.128/25", "t"));
    assertThat(s.pool6(site.settings().tunnelPrefix()).toString())
        .isEqualTo("fd12:3456:789a:0:2::/80");
    assertThat(s.portBase(site.settings().portbase())).isEqualTo(61000);
    ClientEntry c = site.clientEntries().get(0);
    assertThat(c.name()).isEqualTo("anna-laptop");
    assertThat(c.attachedTo()).containsExactly(1, 2);
    assertThat(c.port()).isEqualTo(61001);
    assertThat(c.keepalive()).isEqualTo(30);
    assertThat(c.addresses())
        .containsExactly(
            IpAddress.parse("198.51.100.129", "t"), IpAddress.parse("fd12:3456:789a:0:2::1", "t"));
    SiteFile.save(site, yaml);
    String written = Files.readString(yaml);
    assertThat(written).contains("pool-ipv6: default", "port-base: default", "keepalive: 30");
    assertThat(SiteFile.load(yaml)).isEqualTo(site);
  }

  @Test
  void emptySection_isNoSection() throws Exception {
    // An empty value is no value in the site file (as for every optional key).
    assertThat(withSection("clients:\n").clients()).isEqualTo(SiteClients.NONE);
    assertThat(withSection("clients: {}\n").clients().present()).isTrue();
  }

  @Test
  void badValues_areErrorsNamingPropertyAndLine() {
    String second =
        """
            - name: %s
              number: %d
              public-key: %s
              addresses: [%s]
              attach: [%s]
        """;
    assertError(
        section(second.formatted("anna-laptop", 2, key2, "198.51.100.130", "router1")),
        "clients.list[1].name",
        "duplicate name anna-laptop",
        "line");
    assertError(
        section(second.formatted("router1", 2, key2, "198.51.100.130", "router1")),
        "clients.list[1].name",
        "is the name of a host");
    assertError(
        section(second.formatted("Bob", 2, key2, "198.51.100.130", "router1")),
        "clients.list[1].name",
        "not a DNS label");
    assertError(
        section(second.formatted("bob", 1, key2, "198.51.100.130", "router1")),
        "clients.list[1].number",
        "duplicate number 1");
    assertError(
        section(second.formatted("bob", 2, key1, "198.51.100.130", "router1")),
        "clients.list[1].public-key",
        "duplicate public key");
    assertError(
        section(second.formatted("bob", 2, "not-a-key", "198.51.100.130", "router1")),
        "clients.list[1].public-key");
    assertError(
        section(second.formatted("bob", 2, key2, "198.51.100.129", "router1")),
        "clients.list[1].addresses[0]",
        "already used by");
    assertError(
        section(second.formatted("bob", 2, key2, "192.0.2.1", "router1")),
        "clients.list[1].addresses[0]",
        "outside the client pool 198.51.100.128/25");
    assertError(
        section(second.formatted("bob", 2, key2, "198.51.100.130", "router9")),
        "clients.list[1].attach[0]",
        "unknown host 'router9'");
    assertError(
        section(second.formatted("bob", 2, key2, "198.51.100.130", "router1, router1")),
        "clients.list[1].attach[1]",
        "named twice");
  }

  @Test
  void portClashAndPoolOverlap_areErrors() {
    // Client 1 at port-base 51001 is host 1's port (portbase 51000 + 1).
    assertError(
        section("").replace("port-base: default", "port-base: 51000"),
        "clients.list[0].number",
        "also the port of host router1");
    assertError(
        section("")
            .replace("198.51.100.128/25", "10.1.0.0/16")
            .replace("198.51.100.129", "10.1.0.9"),
        "clients.pool-ipv4",
        "overlaps LAN 10.1.0.0/24 of host router1");
  }

  @Test
  void removingAnAttachedHost_isRefused() throws Exception {
    Site site = withSection(section(""));
    assertThatThrownBy(() -> site.withoutHost(site.hostNamed("router2").orElseThrow().uuid()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown host 'router2'");
  }

  @Test
  void aSiteKeyRoll_keepsTheClients() throws Exception {
    Site site = withSection(section(""));
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    Site rolling = SiteKeyRolls.start(site, yaml, Duration.ofDays(14), now);
    assertThat(rolling.clients()).isEqualTo(site.clients());
    Site done = SiteKeyRolls.complete(rolling, yaml, now.plus(Duration.ofDays(15))).orElseThrow();
    assertThat(done.clients()).isEqualTo(site.clients());
    assertThat(SiteFile.load(yaml).clients()).isEqualTo(site.clients());
  }

  @Test
  void pools_allocateTheNthAddressElseTheLowestFree() {
    IpPrefix pool = IpPrefix.parse("198.51.100.0/30", "t");
    assertThat(ClientPools.allocate(pool, 2, List.of()))
        .contains(IpAddress.parse("198.51.100.2", "t"));
    assertThat(ClientPools.allocate(pool, 7, List.of(IpAddress.parse("198.51.100.1", "t"))))
        .contains(IpAddress.parse("198.51.100.2", "t"));
    assertThat(
            ClientPools.allocate(
                pool,
                1,
                List.of(
                    IpAddress.parse("198.51.100.1", "t"), IpAddress.parse("198.51.100.2", "t"))))
        .isEmpty();
    assertThat(ClientPools.addressAt(IpPrefix.parse("fd12:3456:789a:0:2::/80", "t"), 0x1234))
        .contains(IpAddress.parse("fd12:3456:789a:0:2::1234", "t"));
  }
}
