package org.wgmesh.endpoint.deploy.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.net.IpAddress;

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

  private static final SourceValidation.Snat NONE = SourceValidation.Snat.NONE;

  private static final SourceValidation.Snat BOTH =
      new SourceValidation.Snat(
          Optional.of(IpAddress.parse("198.18.1.1", "t")),
          Optional.of(IpAddress.parse("fd00:18:1::1", "t")));

  /** What nft 1.0.6 prints for the table with both SNAT rules (checked on this machine). */
  private static final String LISTED_SNAT =
      LISTED.replace(
          "\t}\n}\n",
          "\t}\n\n\tchain postrouting {\n"
              + "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
              + "\t\toifname \"wg*\" ip saddr 169.254.0.1 counter packets 3 bytes 252 snat ip to"
              + " 198.18.1.1 comment \"the router's own packets\"\n"
              + "\t\toifname \"wg*\" ip6 saddr fdff:a9fe::1 counter packets 0 bytes 0 snat ip6 to"
              + " fd00:18:1::1 comment \"the router's own packets\"\n"
              + "\t}\n}\n");

  @Test
  void script_routerOnTheMesh_snatsTheVethSourceToTheTrustAddressInTheSameTransaction() {
    String script = SourceValidation.apply("mesh1", BOTH).argv().get(5);
    assertThat(script)
        .startsWith("add table inet wgmesh\ndelete table inet wgmesh\ntable inet wgmesh {")
        .contains("iifname \"wg*\" fib saddr . iif oif missing counter drop")
        .contains("type nat hook postrouting priority srcnat; policy accept;")
        .contains("oifname \"wg*\" ip saddr 169.254.0.1 counter snat ip to 198.18.1.1")
        .contains("oifname \"wg*\" ip6 saddr fdff:a9fe::1 counter snat ip6 to fd00:18:1::1");
    assertThat(SourceValidation.apply("mesh1", NONE).argv().get(5)).doesNotContain("snat");
    String v4only =
        SourceValidation.apply(
                "mesh1",
                new SourceValidation.Snat(
                    Optional.of(IpAddress.parse("198.18.1.1", "t")), Optional.empty()))
            .argv()
            .get(5);
    assertThat(v4only).contains("snat ip to").doesNotContain("snat ip6");
  }

  @Test
  void inPlace_snatRulesMustBeExactlyThePlannedOnes() {
    assertThat(SourceValidation.inPlace(LISTED_SNAT, BOTH)).isTrue();
    assertThat(SourceValidation.inPlace(LISTED, BOTH)).isFalse();
    assertThat(SourceValidation.inPlace(LISTED_SNAT, NONE)).isFalse();
    assertThat(
            SourceValidation.inPlace(LISTED_SNAT.replace("to 198.18.1.1", "to 198.18.1.9"), BOTH))
        .isFalse();
  }

  @Test
  void script_replacesTheTableAtomicallyWithTheStrictReversePathRule() {
    String script = SourceValidation.apply("mesh1", SourceValidation.Snat.NONE).argv().get(5);
    assertThat(SourceValidation.apply("mesh1", SourceValidation.Snat.NONE).argv())
        .startsWith("ip", "netns", "exec", "mesh1", "nft")
        .hasSize(6);
    // Made sure to exist, deleted, written again: one transaction, whatever was there.
    assertThat(script)
        .startsWith("add table inet wgmesh\ndelete table inet wgmesh\ntable inet wgmesh {")
        // Before conntrack and routing, both families, only WireGuard interfaces.
        .contains("type filter hook prerouting priority raw; policy accept;")
        .contains("iifname \"wg*\" fib saddr . iif oif missing counter drop");
    assertThat(SourceValidation.apply("mesh1", SourceValidation.Snat.NONE).mutates()).isTrue();
    assertThat(SourceValidation.list("mesh1").mutates()).isFalse();
  }

  @Test
  void inPlace_onlyWhenTheListedTableHoldsTheRule() {
    assertThat(SourceValidation.inPlace(LISTED, NONE)).isTrue();
    assertThat(SourceValidation.inPlace(LISTED.replace(" drop", " accept"), NONE)).isFalse();
    assertThat(SourceValidation.inPlace(LISTED.replace("oif missing", "oif exists"), NONE))
        .isFalse();
    assertThat(
            SourceValidation.inPlace(
                "table inet wgmesh {\n\tchain prerouting {\n\t\ttype filter hook prerouting"
                    + " priority raw; policy accept;\n\t}\n}\n",
                NONE))
        .isFalse();
    assertThat(SourceValidation.inPlace("", NONE)).isFalse();
  }
}
