package org.wgmesh.endpoint.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.record.MeshRecord;
import org.wgmesh.endpoint.deploy.Fixtures;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * The planner and renderer of one endpoint of a large mesh, in process: what {@code wgdeploy
 * --dry-run} computes before it touches the host (no DNS, no probe, no process). For a hub and a
 * spoke of an N-host hub-and-spoke mesh and for a host of the N-host full mesh: time of {@code
 * Planner.plan} + {@code TemplateRenderer.render} (the first, cold run in a fresh JVM and the
 * median of the warm ones), bytes allocated per run, links and bytes rendered; and the mesh
 * record's size under each policy (host records do not depend on the policy: it is not one of their
 * inputs). Method and figures: docs/benchmarks.md, "Topologies".
 *
 * <p>The mesh: hosts 1..N, hubs 1 and 2, every fifth host behind NAT (no endpoint address), hosts
 * 10k and 10k+1 share a LAN; one IPv4 and one IPv6 LAN prefix per host.
 */
public final class TopologyBench {
  private TopologyBench() {}

  /** One measured case. */
  public record Result(
      String name,
      int links,
      int files,
      long renderedBytes,
      long birdBytes,
      double coldMs,
      double warmMedianMs,
      long allocatedBytesPerRun) {
    String line() {
      return String.format(
          Locale.ROOT,
          "%-34s links %5d  files %5d  rendered %9d B (bird.conf %8d B)  cold %8.1f ms  warm"
              + " median %8.1f ms  allocated %7.1f MB/run",
          name,
          links,
          files,
          renderedBytes,
          birdBytes,
          coldMs,
          warmMedianMs,
          allocatedBytesPerRun / 1e6);
    }
  }

  static MeshSettings settings(Topology t) {
    return new MeshSettings(
        Fixtures.DOMAIN,
        "lab",
        IpPrefix.parse("fd12:3456:789a::/48", "t"),
        50000,
        List.of(IpPrefix.parse("10.0.0.0/8", "t"), IpPrefix.parse("fd00::/8", "t")),
        t);
  }

  /** Host n of the bench mesh. */
  static HostEntry host(int n, X25519PrivateKey key) {
    List<IpAddress> eps =
        n % 5 == 0 && n > 2
            ? List.of()
            : List.of(
                IpAddress.parse((n % 2 == 0 ? "198.51.100." : "203.0.113.") + (1 + n % 250), "t"));
    List<IpPrefix> shared =
        n % 10 == 0 || n % 10 == 1 && n > 10
            ? List.of(
                IpPrefix.parseInterface(
                    "192.168." + (n / 10 % 256) + "." + (n % 10 + 1) + "/24", "t"))
            : List.of();
    return HostEntry.builder()
        .uuid(new UUID(0x5eed, n))
        .hostname("host" + n)
        .number(n)
        .asn(4200000000L + n)
        .publicKey(key.publicKey())
        .endpoints(eps)
        .lanPrefixes(
            List.of(
                IpPrefix.parse("10." + (n >> 8) + "." + (n & 0xff) + ".0/24", "t"),
                IpPrefix.parse("fd00:" + Integer.toHexString(n) + "::/64", "t")))
        .sharedLans(shared)
        .build();
  }

  static List<HostEntry> hosts(int count) {
    List<HostEntry> out = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      byte[] k = new byte[32];
      Arrays.fill(k, (byte) n);
      k[0] = (byte) (n >> 8);
      out.add(host(n, new X25519PrivateKey(k)));
    }
    return out;
  }

  static MeshView view(Topology t, List<HostEntry> hosts, int self) {
    List<HostEntry> peers = new ArrayList<>(hosts);
    HostEntry me = peers.remove(self - 1);
    return new MeshView(
        settings(t),
        7,
        Instant.parse("2029-12-25T00:00:00Z"),
        Instant.parse("2030-01-01T00:00:00Z"),
        new Ed25519PublicKey(new byte[32]),
        Fixtures.key(99).publicKey(),
        me,
        peers);
  }

  /** Plans and renders host {@code self} {@code runs} times (after one cold run). */
  public static Result measure(
      String name, Topology t, List<HostEntry> hosts, int self, int runs, Path root) {
    MeshView v = view(t, hosts, self);
    EndpointConfig config = Fixtures.endpoint(root);
    X25519PrivateKey key = Fixtures.key(self);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long t0 = System.nanoTime();
    DeployPlan plan = Planner.plan(v, config);
    List<RenderedFile> files = new TemplateRenderer(java.util.Optional.empty()).render(plan, key);
    double cold = (System.nanoTime() - t0) / 1e6;
    double[] warm = new double[runs];
    long allocated = 0;
    for (int i = 0; i < runs; i++) {
      long a0 = mx.getThreadAllocatedBytes(tid);
      long s = System.nanoTime();
      plan = Planner.plan(v, config);
      files = new TemplateRenderer(java.util.Optional.empty()).render(plan, key);
      warm[i] = (System.nanoTime() - s) / 1e6;
      allocated += mx.getThreadAllocatedBytes(tid) - a0;
    }
    Arrays.sort(warm);
    long bytes = 0;
    long bird = 0;
    for (RenderedFile f : files) {
      int b = f.content().getBytes(StandardCharsets.UTF_8).length;
      bytes += b;
      if (f.component() == Component.BIRD) {
        bird += b;
      }
    }
    return new Result(
        name,
        plan.links().size(),
        files.size(),
        bytes,
        bird,
        cold,
        runs == 0 ? cold : warm[runs / 2],
        runs == 0 ? 0 : allocated / runs);
  }

  /** The mesh record of {@code count} consecutive members under {@code t}: TXT data bytes. */
  public static int meshRecordBytes(Topology t, int count) {
    SiteKeys k = SiteKeys.generate();
    TreeSet<Integer> members = new TreeSet<>();
    for (int n = 1; n <= count; n++) {
      members.add(n);
    }
    MeshRecord m =
        MeshRecord.builder()
            .settings(settings(t))
            .siteSigningKey(k.signing().publicKey())
            .siteBoxKey(k.box().publicKey())
            .serial(7)
            .issued(Instant.parse("2026-01-01T00:00:00Z"))
            .expires(Instant.parse("2026-01-08T00:00:00Z"))
            .members(members)
            .epoch(1)
            .build();
    return m.encode(k.signing(), 300).dataBytes();
  }

  /** The cases: a hub and a spoke of the hub-and-spoke mesh, a host of the full mesh. */
  public static List<Result> run(int count, int runs, Path root) {
    List<HostEntry> hosts = hosts(count);
    Topology hubs = Topology.HubAndSpoke.of(List.of(1, 2));
    List<Result> out = new ArrayList<>();
    out.add(measure("hub-and-spoke " + count + ": hub 1", hubs, hosts, 1, runs, root));
    out.add(measure("hub-and-spoke " + count + ": spoke 3", hubs, hosts, 3, runs, root));
    out.add(measure("hub-and-spoke " + count + ": NAT spoke 5", hubs, hosts, 5, runs, root));
    out.add(measure("hub-and-spoke " + count + ": LAN spoke 21", hubs, hosts, 21, runs, root));
    out.add(measure("full-mesh " + count + ": host 3", Topology.FULL_MESH, hosts, 3, runs, root));
    return out;
  }

  /** {@code TopologyBench [HOSTS [RUNS]]}: prints one line per case. */
  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    for (Result r : run(count, runs, Path.of("/srv/bench"))) {
      System.out.println(r.line());
    }
    System.out.printf(
        Locale.ROOT,
        "mesh record, %d members: full-mesh %d B, hub-and-spoke:1,2 %d B (TXT data)%n",
        count,
        meshRecordBytes(Topology.FULL_MESH, count),
        meshRecordBytes(Topology.HubAndSpoke.of(List.of(1, 2)), count));
  }
}
