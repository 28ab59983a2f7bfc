package org.wgmesh.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wgmesh.core.error.InputException;

class NetTypesTest {
  @Test
  void ipAddress_parsesLiteralsCanonically() {
    assertThat(IpAddress.parse("192.0.2.7", "x").toString()).isEqualTo("192.0.2.7");
    assertThat(IpAddress.parse("2001:DB8:0:0:0:0:0:1", "x").toString()).isEqualTo("2001:db8::1");
    assertThat(IpAddress.parse("[2001:db8::1]", "x").forEndpoint()).isEqualTo("[2001:db8::1]");
    assertThat(IpAddress.parse("192.0.2.7", "x").forEndpoint()).isEqualTo("192.0.2.7");
    assertThat(IpAddress.parse("2001:db8:0:1:0:0:0:1", "x").toString())
        .isEqualTo("2001:db8:0:1::1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "localhost", "256.1.1.1", "1.2.3", "", "::g", "1.2.3.4.5"})
  void ipAddress_rejectsNonLiteralsWithoutLookup(String text) {
    assertThatThrownBy(() -> IpAddress.parse(text, "public-address"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("public-address");
  }

  @Test
  void ipPrefix_rejectsHostBitsWithSuggestion() {
    assertThatThrownBy(() -> IpPrefix.parse("198.51.100.1/24", "lan"))
        .isInstanceOf(InputException.class)
        .satisfies(
            e -> assertThat(((InputException) e).hint()).contains("did you mean 198.51.100.0/24?"));
    assertThat(IpPrefix.parseInterface("198.51.100.1/24", "lan").masked().toString())
        .isEqualTo("198.51.100.0/24");
  }

  @Test
  void ipPrefix_containsAndOverlaps() {
    IpPrefix bench = IpPrefix.parse("198.18.0.0/15", "x");
    assertThat(bench.contains(IpPrefix.parse("198.19.4.0/24", "x"))).isTrue();
    assertThat(bench.contains(IpPrefix.parse("198.20.0.0/24", "x"))).isFalse();
    assertThat(bench.contains(IpPrefix.parse("198.0.0.0/8", "x"))).isFalse();
    assertThat(bench.overlaps(IpPrefix.parse("198.0.0.0/8", "x"))).isTrue();
    assertThat(IpPrefix.parse("fd00::/8", "x").contains(IpPrefix.parse("fd12:3456::/32", "x")))
        .isTrue();
    assertThat(IpPrefix.parse("fd00::/8", "x").contains(IpPrefix.parse("10.0.0.0/8", "x")))
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "fd00::/129", "10.0.0.0/x"})
  void ipPrefix_rejectsMalformed(String text) {
    assertThatThrownBy(() -> IpPrefix.parse(text, "tunnel-prefix"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("tunnel-prefix");
  }

  @Test
  void asnRange_parsesGrammarAndCollapses() {
    AsnRange r = AsnRange.parse("64600:64602, 64512,4200000000:4200000001", "asn-range");
    assertThat(r.toString()).isEqualTo("64512,64600:64602,4200000000:4200000001");
    assertThat(r.size()).isEqualTo(6);
    assertThat(r.contains(64601)).isTrue();
    assertThat(r.contains(64513)).isFalse();
    assertThat(r.lowestFree(Set.of(64512L, 64600L))).isEqualTo(64601);
    assertThat(AsnRange.parse("64512", "x").lowestFree(Set.of(64512L))).isEqualTo(-1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "100:200",
        "64512:70000",
        "64999:64512",
        "64512:64600,64550:64700",
        "a:b",
        "1:2:3"
      })
  void asnRange_rejectsPublicOverlappingOrMalformed(String text) {
    assertThatThrownBy(() -> AsnRange.parse(text, "asn-range"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("asn-range");
  }

  @Test
  void addressing_linkAddressesAreSymmetricAndDistinct() {
    IpPrefix p = IpPrefix.parse("fd12:3456:789a::/48", "x");
    assertThat(Addressing.linkAddress(p, 1, 2).toString()).isEqualTo("fd12:3456:789a:1:2::1");
    assertThat(Addressing.linkAddress(p, 2, 1).toString()).isEqualTo("fd12:3456:789a:1:2::2");
    assertThat(Addressing.linkNetwork(p, 2, 1)).isEqualTo(Addressing.linkNetwork(p, 1, 2));
    assertThat(Addressing.linkNetwork(p, 1, 2).toString()).isEqualTo("fd12:3456:789a:1:2::/80");
    assertThat(Addressing.linkAddress(p, 300, 65535).toString())
        .isEqualTo("fd12:3456:789a:12c:ffff::1");
    assertThat(Addressing.interfaceName(17)).isEqualTo("wg17");
    assertThat(Addressing.listenPort(51000, 17)).isEqualTo(51017);
    assertThat(Addressing.routerId(1)).isEqualTo("1.0.0.1");
    assertThat(Addressing.routerId(65535)).isEqualTo("1.0.255.255");
  }

  @Test
  void addressing_noCollisionsAmong1200Hosts() {
    IpPrefix p = IpPrefix.parse("fd12:3456:789a::/48", "x");
    Set<String> routerIds = new HashSet<>();
    Set<IpAddress> addresses = new HashSet<>();
    Set<IpPrefix> links = new HashSet<>();
    int n = 1200;
    for (int a = 1; a <= n; a++) {
      assertThat(routerIds.add(Addressing.routerId(a))).isTrue();
    }
    // every link of a sample of hosts against all others
    for (int a = 1; a <= n; a += 97) {
      for (int b = 1; b <= n; b++) {
        if (a == b) {
          continue;
        }
        assertThat(addresses.add(Addressing.linkAddress(p, a, b))).isTrue();
        IpPrefix net = Addressing.linkNetwork(p, a, b);
        assertThat(net.contains(new IpPrefix(Addressing.linkAddress(p, b, a), 128))).isTrue();
        links.add(net);
      }
    }
    assertThat(links).hasSizeGreaterThan(n);
  }

  @Test
  void addressing_rejectsOutOfRange() {
    IpPrefix p = IpPrefix.parse("fd12:3456:789a::/48", "x");
    assertThatThrownBy(() -> Addressing.linkAddress(p, 0, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Addressing.linkAddress(p, 3, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Addressing.interfaceName(65536))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void addressing_meshClientAndOverlayRowsLieOutsideEveryLink() {
    IpPrefix p = IpPrefix.parse("fd12:3456:789a::/48", "x");
    assertThat(Addressing.meshAddress(p, 1).toString()).isEqualTo("fd12:3456:789a:0:1::1");
    assertThat(Addressing.meshAddress(p, 65535).toString()).isEqualTo("fd12:3456:789a:0:1::ffff");
    assertThat(Addressing.clientPool6(p).toString()).isEqualTo("fd12:3456:789a:0:2::/80");
    // A real network (no host bits), so it parses back and holds no mesh address.
    assertThat(IpPrefix.parse(Addressing.clientPool6(p).toString(), "x"))
        .isEqualTo(Addressing.clientPool6(p));
    assertThat(Addressing.clientPool6(p).contains(new IpPrefix(Addressing.meshAddress(p, 1), 128)))
        .isFalse();
    // An /80: the rows differ in the fifth group, which a /64 would leave in its host bits.
    assertThat(Addressing.overlayNetwork6(p).toString()).isEqualTo("fd12:3456:789a:0:3::/80");
    assertThat(Addressing.overlayNetwork6(p).masked()).isEqualTo(Addressing.overlayNetwork6(p));
    assertThat(Addressing.overlayAddress(Addressing.overlayNetwork6(p), 300))
        .hasToString("fd12:3456:789a:0:3::12c/80");
    assertThat(Addressing.overlayAddress(IpPrefix.parse("198.51.100.0/24", "x"), 254))
        .hasToString("198.51.100.254/24");
    assertThat(Addressing.overlayAddress(IpPrefix.parse("10.0.0.0/16", "x"), 300))
        .hasToString("10.0.1.44/16");
    assertThatThrownBy(() -> Addressing.overlayAddress(IpPrefix.parse("198.51.100.0/24", "x"), 255))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Addressing.clientInterfaceName(7)).isEqualTo("wgc7");
    assertThat(Addressing.CLIENT_INTERFACE_NAME.matcher("wgc7").matches()).isTrue();
    assertThat(Addressing.INTERFACE_NAME.matcher("wgc7").matches()).isFalse();
    IpPrefix firstLink = Addressing.linkNetwork(p, 1, 2);
    for (IpAddress a :
        new IpAddress[] {
          Addressing.meshAddress(p, 1),
          Addressing.clientPool6(p).network(),
          Addressing.overlayNetwork6(p).network()
        }) {
      assertThat(firstLink.contains(new IpPrefix(a, 128))).isFalse();
      assertThat(new IpPrefix(a, 128).masked().network().bytes()[7]).isZero();
    }
    assertThatThrownBy(() -> Addressing.meshAddress(p, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Addressing.clientInterfaceName(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Addressing.meshAddress(IpPrefix.parse("fd12::/64", "x"), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
