package org.wgmesh.site.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {
  @Test
  void nearestRank_overAHundredSamples_inAnyOrder() {
    LatencyStats s = new LatencyStats();
    for (int i = 100; i >= 1; i--) {
      s.add(i * 1000L);
    }
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.percentile(50)).isEqualTo(50_000);
    assertThat(s.percentile(99)).isEqualTo(99_000);
    assertThat(s.percentile(99.5)).isEqualTo(100_000);
    assertThat(s.max()).isEqualTo(100_000);
    assertThat(s.summary())
        .isEqualTo("p50 50.0 ms, p90 90.0 ms, p99 99.0 ms, max 100.0 ms (100 requests)");
  }

  @Test
  void oneSlowRequestInTwoThousand_isTheMax_notTheP99() {
    LatencyStats s = new LatencyStats();
    for (int i = 0; i < 1999; i++) {
      s.add(5_000);
    }
    s.add(900_000);
    assertThat(s.percentile(99)).isEqualTo(5_000);
    assertThat(s.max()).isEqualTo(900_000);
  }

  @Test
  void fewSamples_andNone() {
    LatencyStats s = new LatencyStats();
    assertThat(s.summary()).isEqualTo("no samples");
    assertThatThrownBy(() -> s.percentile(50)).isInstanceOf(IllegalStateException.class);
    s.add(7);
    assertThat(s.percentile(1)).isEqualTo(7);
    assertThat(s.percentile(99)).isEqualTo(7);
    assertThatThrownBy(() -> s.percentile(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.add(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
