package org.wgmesh.endpoint.deploy.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wgmesh.endpoint.deploy.Fixtures;
import org.wgmesh.endpoint.deploy.plan.Planner;

class TemplateModelTest {
  @Test
  void of_bgp_ownPrefixesAndEachPeersPrefixesWithItsAsn() {
    Map<String, Object> m =
        TemplateModel.of(Planner.plan(Fixtures.view(), Fixtures.endpoint(Path.of("/srv/h1"))));
    @SuppressWarnings("unchecked")
    Map<String, Object> bgp = (Map<String, Object>) m.get("bgp");
    assertThat(bgp.get("ownV4")).isEqualTo(List.of("198.18.1.0/24"));
    assertThat(bgp.get("ownV6")).isEqualTo(List.of("fd00:18:1::/64"));
    assertThat(bgp.get("meshAddress")).isEqualTo("fd12:3456:789a:0:1::1/128");
    // host 2: both families; host 3: IPv6 only; host 5: none. Each with its mesh address (issue
    // 25).
    assertThat(bgp.get("origins"))
        .isEqualTo(
            List.of(
                Map.of(
                    "number",
                    2,
                    "hostname",
                    "host2",
                    "asn",
                    64602L,
                    "v4",
                    List.of("198.18.2.0/24"),
                    "v6",
                    List.of("fd00:18:2::/64"),
                    "meshAddress",
                    "fd12:3456:789a:0:1::2/128"),
                Map.of(
                    "number",
                    3,
                    "hostname",
                    "host3",
                    "asn",
                    64603L,
                    "v4",
                    List.of(),
                    "v6",
                    List.of("fd00:18:3::/64"),
                    "meshAddress",
                    "fd12:3456:789a:0:1::3/128"),
                Map.of(
                    "number",
                    5,
                    "hostname",
                    "host5",
                    "asn",
                    64605L,
                    "v4",
                    List.of(),
                    "v6",
                    List.of(),
                    "meshAddress",
                    "fd12:3456:789a:0:1::5/128")));
  }
}
