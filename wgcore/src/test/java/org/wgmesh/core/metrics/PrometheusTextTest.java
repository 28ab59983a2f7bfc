package org.wgmesh.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void text_familiesWithHelpTypeAndEscapedLabels() {
    String t =
        new PrometheusText()
            .gauge("wgmesh_up", "Whether it is up.")
            .counter("wgmesh_bytes_total", "Bytes.")
            .gauge("wgmesh_unused", "No sample: left out.")
            .sample("wgmesh_bytes_total", 12345678901L, "peer", "h\"2\\")
            .sample("wgmesh_up", 1)
            .sample("wgmesh_up", 0.5, "a", "b")
            .text();
    assertThat(t)
        .isEqualTo(
            """
        # HELP wgmesh_up Whether it is up.
        # TYPE wgmesh_up gauge
        wgmesh_up 1
        wgmesh_up{a="b"} 0.5
        # HELP wgmesh_bytes_total Bytes.
        # TYPE wgmesh_bytes_total counter
        wgmesh_bytes_total{peer="h\\"2\\\\"} 12345678901
        """);
  }

  @Test
  void misuse_isRefused() {
    assertThatThrownBy(() -> new PrometheusText().counter("wgmesh_bytes", "x"))
        .hasMessageContaining("_total");
    assertThatThrownBy(() -> new PrometheusText().sample("nope", 1))
        .hasMessageContaining("not declared");
    assertThatThrownBy(() -> new PrometheusText().gauge("1bad", "x"))
        .hasMessageContaining("not a metric name");
  }
}
