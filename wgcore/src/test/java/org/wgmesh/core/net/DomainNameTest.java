package org.wgmesh.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.InputException;

class DomainNameTest {
  @Test
  void parse_caseAndTrailingDot_sameName() {
    assertThat(DomainName.parse("Mesh.Example.COM.", "domain"))
        .isEqualTo(DomainName.parse("mesh.example.com", "domain"));
    assertThat(DomainName.parse("Mesh.Example.COM.", "domain").toString())
        .isEqualTo("mesh.example.com");
  }

  @Test
  void parse_badNames_nameTheSource() {
    for (String bad :
        new String[] {"", "a..b", "-a.example", "a_b.example", "a b", "x".repeat(254), "."}) {
      assertThatThrownBy(() -> DomainName.parse(bad, "--domain"))
          .as(bad)
          .isInstanceOf(InputException.class)
          .hasMessageContaining("--domain");
    }
  }

  @Test
  void contains_wholeLabelsOnly() {
    DomainName d = DomainName.parse("mesh.example", "d");
    assertThat(d.contains("a.mesh.example.")).isTrue();
    assertThat(d.contains("MESH.example")).isTrue();
    assertThat(d.contains("amesh.example")).isFalse();
    assertThat(d.child("h1")).isEqualTo("h1.mesh.example");
  }
}
