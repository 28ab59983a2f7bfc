package org.wgmesh.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.InputException;

class ReverseNamesTest {
  private static IpAddress ip(String s) {
    return IpAddress.parse(s, "t");
  }

  @Test
  void ptrName_ofBothFamilies() {
    assertThat(ReverseNames.ptrName(ip("192.0.2.10"))).isEqualTo("10.2.0.192.in-addr.arpa");
    assertThat(ReverseNames.ptrName(ip("2001:db8::1")))
        .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  }

  @Test
  void defaultZone_isThe24OrThe48() {
    assertThat(ReverseNames.defaultZone(ip("192.0.2.10"))).isEqualTo("2.0.192.in-addr.arpa");
    assertThat(ReverseNames.defaultZone(ip("fd12:3456:789a:1::5")))
        .isEqualTo("a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa");
  }

  @Test
  void zoneFor_picksTheMostSpecificHoldingZone() {
    List<String> zones = List.of("0.192.in-addr.arpa", "2.0.192.in-addr.arpa", "10.in-addr.arpa");
    assertThat(ReverseNames.zoneFor(ip("192.0.2.1"), zones)).contains("2.0.192.in-addr.arpa");
    assertThat(ReverseNames.zoneFor(ip("192.0.3.1"), zones)).contains("0.192.in-addr.arpa");
    assertThat(ReverseNames.zoneFor(ip("198.51.100.1"), zones)).isEmpty();
    // Whole labels: 2.0.192 does not hold 12.0.192's addresses.
    assertThat(ReverseNames.zoneFor(ip("192.0.12.1"), List.of("2.0.192.in-addr.arpa"))).isEmpty();
  }

  @Test
  void checkZone_acceptsReverseZonesOnly() {
    assertThat(ReverseNames.checkZone("2.0.192.IN-ADDR.ARPA.", "z"))
        .isEqualTo("2.0.192.in-addr.arpa");
    assertThat(ReverseNames.checkZone("8.b.d.0.1.0.0.2.ip6.arpa", "z"))
        .isEqualTo("8.b.d.0.1.0.0.2.ip6.arpa");
    assertThatThrownBy(() -> ReverseNames.checkZone("ab.ip6.arpa", "z"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("not one hex nibble");
    assertThatThrownBy(() -> ReverseNames.checkZone("1.2.3.4.5.in-addr.arpa", "z"))
        .hasMessageContaining("more than 4");
    assertThatThrownBy(() -> ReverseNames.checkZone("in-addr.arpa", "z"))
        .hasMessageContaining("not a reverse zone");
  }
}
