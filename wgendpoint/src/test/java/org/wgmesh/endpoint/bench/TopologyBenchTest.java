package org.wgmesh.endpoint.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.model.Topology;

/**
 * The bench harness at a small size (it must keep working), and its full run when asked: {@code
 * -Dwgmesh.topologyBench=1000} (figures in docs/benchmarks.md).
 */
class TopologyBenchTest {
  @Test
  void run_smallMesh_linkCountsPerPolicy() {
    List<TopologyBench.Result> r = TopologyBench.run(60, 1, Path.of("/srv/bench"));
    // Hub 1: hub 2 and the 58 spokes. Spoke 3: both hubs. Spoke 21: hubs and 20 (shared LAN).
    // Full-mesh host 3 has a public address: every other host.
    assertThat(r).extracting(TopologyBench.Result::links).containsExactly(59, 2, 2, 3, 59);
    // The policy's text is the only difference: 8 more bytes, 11 or 12 in base64 (deflate may
    // take some back).
    int full = TopologyBench.meshRecordBytes(Topology.FULL_MESH, 60);
    assertThat(TopologyBench.meshRecordBytes(Topology.HubAndSpoke.of(List.of(1, 2)), 60))
        .isBetween(full, full + 16);
  }

  @Test
  void run_full_whenAsked() {
    String n = System.getProperty("wgmesh.topologyBench");
    if (n == null) {
      return;
    }
    TopologyBench.main(new String[] {n, System.getProperty("wgmesh.topologyBenchRuns", "5")});
  }
}
