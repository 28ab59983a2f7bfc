package org.wgmesh.endpoint.deploy.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 19: the rule set that validates the sources of every WireGuard link. */
class SourceValidationTest {
  /** What nft 1.0.6 prints for the table the script writes. */
  private static final String LISTED =
      """
      table inet wgmesh {
      \tchain prerouting {
      \t\ttype filter hook prerouting priority raw; policy accept;
      \t\tiifname "wg*" fib saddr . iif oif missing counter packets 0 bytes 0 drop comment "source not routed back over this WireGuard link"
      \t}
      }
      """;

  @Test
  void script_replacesTheTableAtomicallyWithTheStrictReversePathRule() {
    String script = SourceValidation.apply("mesh1").argv().get(5);
    assertThat(SourceValidation.apply("mesh1").argv())
        .startsWith("ip", "netns", "exec", "mesh1", "nft")
        .hasSize(6);
    // Made sure to exist, deleted, written again: one transaction, whatever was there.
    assertThat(script)
        .startsWith("add table inet wgmesh\ndelete table inet wgmesh\ntable inet wgmesh {")
        // Before conntrack and routing, both families, only WireGuard interfaces.
        .contains("type filter hook prerouting priority raw; policy accept;")
        .contains("iifname \"wg*\" fib saddr . iif oif missing counter drop");
    assertThat(SourceValidation.apply("mesh1").mutates()).isTrue();
    assertThat(SourceValidation.list("mesh1").mutates()).isFalse();
  }

  @Test
  void inPlace_onlyWhenTheListedTableHoldsTheRule() {
    assertThat(SourceValidation.inPlace(LISTED)).isTrue();
    assertThat(SourceValidation.inPlace(LISTED.replace(" drop", " accept"))).isFalse();
    assertThat(SourceValidation.inPlace(LISTED.replace("oif missing", "oif exists"))).isFalse();
    assertThat(
            SourceValidation.inPlace(
                "table inet wgmesh {\n\tchain prerouting {\n\t\ttype filter hook prerouting"
                    + " priority raw; policy accept;\n\t}\n}\n"))
        .isFalse();
    assertThat(SourceValidation.inPlace("")).isFalse();
  }
}
