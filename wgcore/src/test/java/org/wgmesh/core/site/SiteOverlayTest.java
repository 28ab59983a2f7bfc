package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.IpPrefix;

/** The {@code overlay: vxlan:} section (issue 25): defaults, round trip, errors with lines. */
class SiteOverlayTest {
  @TempDir Path dir;
  Path yaml;
  String good;

  private static final String AT = "publish: ";

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    SiteFixtures.twoHosts(yaml);
    good = Files.readString(yaml);
    assertThat(good).contains("\n" + AT).doesNotContain("overlay");
  }

  private String with(String overlay) {
    return good.replace("\n" + AT, "\n" + overlay + AT);
  }

  private Site loadWith(String overlay) throws Exception {
    Files.writeString(yaml, with(overlay));
    return SiteFile.load(yaml);
  }

  private void assertError(String overlay, String... messages) throws Exception {
    Files.writeString(yaml, with(overlay));
    byte[] before = Files.readAllBytes(yaml);
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG))
        .hasMessageContaining(messages[0])
        .satisfies(
            e -> {
              for (String m : messages) {
                assertThat(e.getMessage()).contains(m);
              }
            });
    assertThat(Files.readAllBytes(yaml)).isEqualTo(before);
  }

  @Test
  void noSection_noOverlay() throws Exception {
    assertThat(SiteFile.load(yaml).settings().overlay()).isEmpty();
  }

  @Test
  void vniOnly_takesTheDefaults() throws Exception {
    Site s = loadWith("overlay:\n  vxlan:\n    vni: 4242\n");
    VxlanOverlay o = s.settings().overlay().orElseThrow();
    assertThat(o.vni()).isEqualTo(4242);
    assertThat(o.port()).isEqualTo(4789);
    assertThat(o.ipv4()).isEmpty();
    assertThat(o.ipv6()).hasToString("fd12:3456:789a:0:3::/80");
    assertThat(o.ipv6Address(2)).hasToString("fd12:3456:789a:0:3::2/80");
  }

  @Test
  void everyKey_roundTripsByteForByte() throws Exception {
    String section =
        "overlay:\n  vxlan:\n    vni: 16777215\n    port: 8472\n    ipv4: 198.51.100.0/24\n"
            + "    ipv6: default\n";
    Site s = loadWith(section);
    VxlanOverlay o = s.settings().overlay().orElseThrow();
    assertThat(o.ipv4Address(2)).contains(IpPrefix.parseInterface("198.51.100.2/24", "t"));
    assertThat(SiteCodec.render(s)).isEqualTo(with(section));
    String own = "overlay:\n  vxlan:\n    vni: 1\n    port: 4789\n    ipv6: 2001:db8:0:7::/64\n";
    Site t = loadWith(own);
    assertThat(t.settings().overlay().orElseThrow().ipv6Address(1))
        .hasToString("2001:db8:0:7::1/64");
    assertThat(SiteCodec.render(t)).isEqualTo(with(own));
  }

  @Test
  void badValues_nameKeyAndLine() throws Exception {
    int line = (int) with("").lines().takeWhile(l -> !l.startsWith(AT)).count() + 1;
    assertError("overlay:\n  vxlan:\n    port: 4789\n", "missing required key 'vni'");
    assertError(
        "overlay:\n  vxlan:\n    vni: 16777216\n",
        "Property 'overlay.vxlan.vni' at line " + (line + 2));
    assertError("overlay:\n  vxlan:\n    vni: 0\n", "overlay.vxlan.vni");
    assertError("overlay:\n  vxlan:\n    vni: 5\n    port: 70000\n", "overlay.vxlan.port");
    assertError("overlay:\n  vxlan:\n    vni: 5\n    ttl: 3\n", "overlay.vxlan.ttl");
    assertError("overlay:\n  vlan: {}\n", "overlay.vlan");
    assertError(
        "overlay:\n  vxlan:\n    vni: 5\n    ipv4: 198.51.100.0/31\n",
        "Property 'overlay.vxlan.ipv4' at line " + (line + 3),
        "leaves no room for hosts");
    assertError("overlay:\n  vxlan:\n    vni: 5\n    ipv4: 2001:db8::/64\n", "is an IPv6 prefix");
    assertError(
        "overlay:\n  vxlan:\n    vni: 5\n    ipv6: 2001:db8::/48\n",
        "overlay.vxlan.ipv6",
        "must be an IPv6 /64 or 'default'");
    assertError(
        "overlay:\n  vxlan:\n    vni: 5\n    ipv6: fd12:3456:789a:1::/64\n",
        "is inside the tunnel prefix");
    assertError(
        "overlay:\n  vxlan:\n    vni: 5\n    ipv4: 10.1.0.0/16\n",
        "Property 'overlay.vxlan.ipv4' at line " + (line + 3),
        "overlaps the LAN 10.1.0.0/24");
  }

  @Test
  void ipv4Network_mustHaveAnAddressForEveryHostNumber() throws Exception {
    // Hosts 1 and 2: a /30 has .1 and .2 (.3 is its broadcast address).
    Site s = loadWith("overlay:\n  vxlan:\n    vni: 5\n    ipv4: 198.51.100.0/30\n");
    assertThat(s.hosts()).extracting(h -> h.number()).containsExactly(1, 2);
    // Admitting host 4 (3 is retired) is refused: the rule runs on every site built in code too.
    assertThatThrownBy(() -> s.withHost(SiteFixtures.host(4, "10.4.0.0/24")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Property 'overlay.vxlan.ipv4'")
        .hasMessageContaining("198.51.100.0/30 has addresses for host numbers 1..2")
        .hasMessageContaining("is 4");
  }

  @Test
  void removingTheSection_removesTheOverlay() throws Exception {
    Site s = loadWith("overlay:\n  vxlan:\n    vni: 5\n");
    Site without =
        new Site(
            s.settings().withOverlay(Optional.empty()),
            s.hosts(),
            s.keys(),
            s.asnRange(),
            s.publishTarget(),
            s.ttl(),
            s.recordLifetime(),
            s.retired(),
            s.keyPolicy(),
            s.enrolment());
    assertThat(SiteCodec.render(without)).isEqualTo(good);
  }
}
