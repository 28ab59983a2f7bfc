package org.wgmesh.endpoint.deploy.health;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.metrics.PrometheusText;
import org.wgmesh.endpoint.settings.Roots;

/**
 * The Prometheus text files for node_exporter's textfile collector ({@code docs/operator-guide.md},
 * "Metrics"). The check and the deploy each write a file of their own, so neither overwrites the
 * other's numbers and the two never race for one file; their metric names do not overlap.
 */
public final class Metrics {
  private Metrics() {}

  /** {@code <metrics root>/wgmesh-<domain>-check.prom}. */
  public static Path checkFile(Roots roots, String domain) {
    return roots.metrics().resolve("wgmesh-" + domain + "-check.prom");
  }

  /** {@code <metrics root>/wgmesh-<domain>-deploy.prom}. */
  public static Path deployFile(Roots roots, String domain) {
    return roots.metrics().resolve("wgmesh-" + domain + "-deploy.prom");
  }

  /**
   * Writes a metrics file atomically, readable by node_exporter, when its directory exists: without
   * node_exporter's textfile directory there is no one to read it, and no directory is created.
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be written
   */
  public static void write(Path file, String text) {
    if (Files.isDirectory(file.getParent())) {
      AtomicFiles.write(file, text, AtomicFiles.PUBLIC);
    }
  }

  /** What {@code wgdeploy --check} found, as metrics. */
  public static String check(HealthReport r) {
    String d = r.domain();
    long now = r.at().getEpochSecond();
    PrometheusText t =
        new PrometheusText()
            .gauge(
                "wgmesh_check_ok", "Whether a check of wgdeploy --check passed (1) or failed (0).")
            .gauge("wgmesh_check_timestamp_seconds", "When wgdeploy --check last ran.")
            .gauge("wgmesh_link_up", "Whether the WireGuard interface to a peer is up.")
            .gauge(
                "wgmesh_link_handshake_age_seconds",
                "Seconds since the latest WireGuard handshake with the peer (absent: never).")
            .counter(
                "wgmesh_link_receive_bytes_total", "Bytes received from the peer over WireGuard.")
            .counter("wgmesh_link_transmit_bytes_total", "Bytes sent to the peer over WireGuard.")
            .gauge(
                "wgmesh_link_bgp_established",
                "Whether the BGP session over the link is Established.")
            .gauge("wgmesh_link_bfd_up", "Whether the BFD session over the link is Up.")
            .gauge("wgmesh_link_mtu_bytes", "The MTU of the WireGuard interface to the peer.")
            .gauge(
                "wgmesh_link_planned_mtu_bytes",
                "The MTU wgdeploy planned for the interface (from the site, the endpoint or the"
                    + " underlay family).")
            .gauge("wgmesh_client_up", "Whether the WireGuard interface to a client is up.")
            .gauge(
                "wgmesh_client_handshake_age_seconds",
                "Seconds since the latest WireGuard handshake with the client (absent: never).")
            .counter(
                "wgmesh_client_receive_bytes_total",
                "Bytes received from the client over WireGuard.")
            .counter(
                "wgmesh_client_transmit_bytes_total", "Bytes sent to the client over WireGuard.")
            .gauge("wgmesh_bgp_routes", "Routes BGP brought into the main table, by family.")
            .gauge("wgmesh_mesh_record_serial", "Serial of the mesh record deployed.")
            .gauge(
                "wgmesh_mesh_record_accepted_serial",
                "Highest mesh record serial verified on this host.")
            .gauge(
                "wgmesh_mesh_record_expiry_timestamp_seconds",
                "When the deployed mesh record expires.")
            .gauge(
                "wgmesh_mesh_record_expires_in_seconds",
                "Seconds until the deployed mesh record expires (negative: expired).");
    for (HealthReport.Item i : r.items()) {
      t.sample("wgmesh_check_ok", i.ok() ? 1 : 0, "domain", d, "check", i.name());
    }
    t.sample("wgmesh_check_timestamp_seconds", now, "domain", d);
    for (HealthReport.LinkStatus l : r.links()) {
      String[] labels = {"domain", d, "interface", l.iface(), "peer", l.peer()};
      t.sample("wgmesh_link_up", l.up() ? 1 : 0, labels);
      if (l.lastHandshake().isPresent()) {
        t.sample(
            "wgmesh_link_handshake_age_seconds",
            Math.max(0, now - l.lastHandshake().getAsLong()),
            labels);
      }
      t.sample("wgmesh_link_receive_bytes_total", l.receiveBytes(), labels);
      t.sample("wgmesh_link_transmit_bytes_total", l.transmitBytes(), labels);
      t.sample("wgmesh_link_bgp_established", "Established".equals(l.bgp()) ? 1 : 0, labels);
      t.sample("wgmesh_link_bfd_up", "Up".equals(l.bfd()) ? 1 : 0, labels);
      if (l.mtu() > 0) {
        t.sample("wgmesh_link_mtu_bytes", l.mtu(), labels);
      }
      if (l.plannedMtu() > 0) {
        t.sample("wgmesh_link_planned_mtu_bytes", l.plannedMtu(), labels);
      }
    }
    for (HealthReport.ClientStatus c : r.clients()) {
      String[] labels = {"domain", d, "interface", c.iface(), "client", c.client()};
      t.sample("wgmesh_client_up", c.up() ? 1 : 0, labels);
      if (c.lastHandshake().isPresent()) {
        t.sample(
            "wgmesh_client_handshake_age_seconds",
            Math.max(0, now - c.lastHandshake().getAsLong()),
            labels);
      }
      t.sample("wgmesh_client_receive_bytes_total", c.receiveBytes(), labels);
      t.sample("wgmesh_client_transmit_bytes_total", c.transmitBytes(), labels);
    }
    r.bgpRoutes().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> t.sample("wgmesh_bgp_routes", e.getValue(), "domain", d, "family", e.getKey()));
    HealthReport.RecordStatus rec = r.record();
    if (rec.serial() > 0) {
      t.sample("wgmesh_mesh_record_serial", rec.serial(), "domain", d);
    }
    if (rec.accepted() > 0) {
      t.sample("wgmesh_mesh_record_accepted_serial", rec.accepted(), "domain", d);
    }
    if (rec.expires() > 0) {
      t.sample("wgmesh_mesh_record_expiry_timestamp_seconds", rec.expires(), "domain", d);
      t.sample("wgmesh_mesh_record_expires_in_seconds", rec.expires() - now, "domain", d);
    }
    return t.text();
  }

  /**
   * How the last deploy went.
   *
   * @param serial the mesh serial it read, 0 when it failed before reading one
   */
  public static String deploy(
      String domain, Instant start, Duration took, boolean success, long serial) {
    PrometheusText t =
        new PrometheusText()
            .gauge(
                "wgmesh_deploy_last_timestamp_seconds",
                "When the last wgdeploy run (not a dry run) started.")
            .gauge("wgmesh_deploy_last_duration_seconds", "How long the last wgdeploy run took.")
            .gauge(
                "wgmesh_deploy_last_success",
                "Whether the last wgdeploy run succeeded (1) or failed (0).")
            .gauge(
                "wgmesh_deploy_last_serial", "The mesh record serial the last wgdeploy run read.")
            .sample(
                "wgmesh_deploy_last_timestamp_seconds", start.getEpochSecond(), "domain", domain)
            .sample(
                "wgmesh_deploy_last_duration_seconds", took.toMillis() / 1000.0, "domain", domain)
            .sample("wgmesh_deploy_last_success", success ? 1 : 0, "domain", domain);
    if (serial > 0) {
      t.sample("wgmesh_deploy_last_serial", serial, "domain", domain);
    }
    return t.text();
  }
}
