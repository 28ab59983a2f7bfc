package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.NamesPolicy;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/** The {@code names:} section (issue 25): syntax, validation with lines, round trip. */
class SiteNamesTest {
  @TempDir Path dir;
  Path yaml;
  String good;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    SiteFixtures.twoHosts(yaml);
    good = Files.readString(yaml);
  }

  private Site loadWith(String names) throws Exception {
    Files.writeString(yaml, good + names);
    return SiteFile.load(yaml);
  }

  private void assertError(String names, String... messages) throws Exception {
    Files.writeString(yaml, good + names);
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage() + " / hint: " + ((ConfigException) e).hint().orElse(""))
                    .contains(messages));
  }

  @Test
  void noSection_noNames_andTheFileIsWrittenBackUnchanged() throws Exception {
    Site s = SiteFile.load(yaml);
    assertThat(s.names()).isEmpty();
    assertThat(SiteCodec.render(s)).isEqualTo(good);
  }

  @Test
  void tunnel_readsAndRoundTrips() throws Exception {
    Site s =
        loadWith(
            "names:\n  addresses: tunnel\n  ttl: 10m\n  reverse-zones: [A.9.8.7.6.5.4.3.2.1.D.F.ip6.arpa.]\n");
    NamesPolicy p = s.names().orElseThrow();
    assertThat(p.addresses()).isEqualTo(NamesPolicy.Addresses.TUNNEL);
    assertThat(p.ttl()).contains(Duration.ofMinutes(10));
    assertThat(p.reverseZones()).containsExactly("a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa");
    assertThat(p.addressesOf(s.hosts().get(0), s.settings().tunnelPrefix()))
        .containsExactly(IpAddress.parse("fd12:3456:789a:0:1::1", "t"));
    String rendered = SiteCodec.render(s);
    assertThat(rendered)
        .endsWith(
            "names:\n  addresses: tunnel\n  ttl: 10m\n  reverse-zones:\n"
                + "  - a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa\n");
    Files.writeString(yaml, rendered);
    assertThat(SiteFile.load(yaml).names()).isEqualTo(s.names());
  }

  @Test
  void lan_usesOverrideElseSharedLanAddress() throws Exception {
    Site s =
        loadWith(
            "names:\n  addresses: lan\n  lan-addresses:\n    router1: [10.1.0.1]\n"
                + "    router2: [10.2.0.1, 10.2.0.2]\n    router9: [192.168.9.1]\n");
    NamesPolicy p = s.names().orElseThrow();
    assertThat(p.addressesOf(s.hosts().get(1), s.settings().tunnelPrefix()))
        .containsExactly(IpAddress.parse("10.2.0.1", "t"), IpAddress.parse("10.2.0.2", "t"));
    HostEntry shared =
        SiteFixtures.host(4, "10.4.0.0/24").toBuilder()
            .sharedLans(List.of(IpPrefix.parseInterface("192.168.7.10/24", "t")))
            .build();
    Site more = s.withHost(shared);
    assertThat(p.addressesOf(more.hostNamed("router4").orElseThrow(), s.settings().tunnelPrefix()))
        .containsExactly(IpAddress.parse("192.168.7.10", "t"));
    assertThat(p.reverseZoneOf(IpAddress.parse("192.168.7.10", "t")))
        .contains("7.168.192.in-addr.arpa");
  }

  @Test
  void lan_hostWithoutAnyLanAddress_isRefusedNamingTheHost() throws Exception {
    assertError(
        "names:\n  addresses: lan\n  lan-addresses:\n    router1: [10.1.0.1]\n",
        "Property 'names' at line",
        "host router2 (h2): names.addresses is lan, but the site knows no LAN address",
        "names.lan-addresses.router2");
    // Admitting a host the names cannot cover is refused as well, so nothing changes.
    Site s =
        loadWith(
            "names:\n  addresses: lan\n  lan-addresses:\n    router1: [10.1.0.1]\n    router2: [10.2.0.1]\n");
    assertThatThrownBy(() -> s.withHost(SiteFixtures.host(5, "10.5.0.0/24")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("host router5 (h5)");
  }

  @Test
  void badInput_isRefusedNamingPropertyAndLine() throws Exception {
    int line = (int) good.lines().count() + 2;
    assertError(
        "names:\n  addresses: dns\n",
        "Property 'names.addresses' at line " + line,
        "unknown addresses 'dns'");
    assertError("names:\n  ttl: 300\n", "'addresses'");
    assertError(
        "names:\n  addresses: tunnel\n  reverse-zones: [example.com]\n",
        "'example.com' is not a reverse zone");
    assertError(
        "names:\n  addresses: tunnel\n  reverse-zones: [300.in-addr.arpa]\n",
        "label '300' is not an octet");
    assertError(
        "names:\n  addresses: tunnel\n  reverse-zones: [2.0.192.in-addr.arpa]\n",
        "host router1 (h1): no reverse zone in names.reverse-zones holds fd12:3456:789a:0:1::1");
    assertError(
        "names:\n  addresses: tunnel\n  lan-addresses:\n    router1: [10.1.0.1]\n",
        "only goes with addresses: lan");
    assertError(
        "names:\n  addresses: lan\n  lan-addresses:\n    router1: [10.9.0.1]\n    router2: [10.2.0.1]\n",
        "host router1 (h1): LAN address 10.9.0.1 is in none of its lan-prefixes");
    assertError(
        "names:\n  addresses: lan\n  lan-addresses:\n    router1: [10.1.0.1]\n    router2: [not-an-ip]\n",
        "'not-an-ip' is not an IPv4 or IPv6 address");
    assertError("names:\n  addresses: tunnel\n  colour: blue\n", "colour");
  }

  @Test
  void hostNamedLikeAHostRecord_isRefused() throws Exception {
    Site s = loadWith("names:\n  addresses: tunnel\n");
    HostEntry h2 = s.hosts().get(1).toBuilder().hostname("h7").build();
    assertThatThrownBy(() -> s.withHost(h2))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("h7.mesh.example.com is the name of a wgmesh record");
    // Without names the same host is fine: its name is not published.
    assertThat(s.withNames(Optional.empty()).withHost(h2).hostNamed("h7")).isPresent();
  }

  private static String clientsSection(String name) {
    return """
        clients:
          pool-ipv4: 198.51.100.128/25
          list:
            - name: %s
              number: 1
              public-key: %s
              addresses: [198.51.100.129, 'fd12:3456:789a:0:2::1']
              attach: [router1]
        """
        .formatted(name, X25519PrivateKey.generate().publicKey().toBase64());
  }

  @Test
  void clients_areCheckedWithTheHosts() throws Exception {
    Site s = loadWith(clientsSection("anna-laptop") + "names:\n  addresses: tunnel\n");
    assertThat(s.clients().list()).hasSize(1);
    assertThat(s.names()).isPresent();
    // c<number> is a client record's name, as h<number> is a host record's.
    assertError(
        clientsSection("c7") + "names:\n  addresses: tunnel\n",
        "client c7 (c1): its name c7.mesh.example.com is the name of a wgmesh record");
    // An address no reverse zone holds is refused for a client as for a host.
    assertError(
        clientsSection("anna-laptop")
            + "names:\n  addresses: tunnel\n  reverse-zones: [a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa]\n",
        "client anna-laptop (c1): no reverse zone in names.reverse-zones holds 198.51.100.129");
    // Without names the same client name is fine: it is not published.
    assertThat(loadWith(clientsSection("c7")).clients().list().get(0).name()).isEqualTo("c7");
  }
}
