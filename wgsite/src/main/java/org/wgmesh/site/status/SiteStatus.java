package org.wgmesh.site.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.metrics.PrometheusText;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.site.Site;

/**
 * {@code wgsite --status}: every host of the site file with its latest report, judged at one
 * instant; as a table, JSON, or Prometheus text. Reports of hosts no longer in the site file are
 * left out (the file keeps them until the host is gone from it and a later cleanup drops them).
 *
 * @param at when the hosts were judged
 * @param staleAfter a report older than this makes its host stale
 * @param hosts the hosts in site-file order
 */
public record SiteStatus(Instant at, Duration staleAfter, List<HostStatus> hosts) {
  /** The default stale age: a host reports from its timer every few minutes. */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(10);

  public SiteStatus {
    hosts = List.copyOf(hosts);
  }

  /** The status of {@code site}'s hosts from its status file. */
  public static SiteStatus of(Site site, Path siteFile, Instant now, Duration staleAfter) {
    Map<String, StatusFile.Received> reports = StatusFile.read(StatusFile.beside(siteFile));
    List<HostStatus> hosts =
        site.hosts().stream()
            .map(HostEntry::hostname)
            .map(h -> HostStatus.judge(h, Optional.ofNullable(reports.get(h)), now, staleAfter))
            .toList();
    return new SiteStatus(now, staleAfter, hosts);
  }

  /** How many hosts are in {@code health}. */
  public long count(HostStatus.Health health) {
    return hosts.stream().filter(h -> h.health() == health).count();
  }

  /** The table, one line a host; {@code -} where a host has no report. */
  public String table() {
    String f = "%-24s  %8s  %7s  %10s  %11s  %s%n";
    StringBuilder out = new StringBuilder();
    out.append(String.format(f, "HOST", "SERIAL", "LINKS", "HANDSHAKE", "LAST REPORT", "HEALTH"));
    for (HostStatus h : hosts) {
      Optional<StatusFile.Received> r = h.latest();
      out.append(
          String.format(
              f,
              h.hostname(),
              r.map(x -> Long.toString(x.report().serial())).orElse("-"),
              r.map(x -> x.report().linksUp() + "/" + x.report().peers().size()).orElse("-"),
              r.flatMap(x -> x.report().oldestHandshake()).map(SiteStatus::age).orElse("-"),
              r.map(x -> age(Duration.between(x.received(), at)) + " ago").orElse("-"),
              h.health().text()));
    }
    out.append(clientLines());
    return out.toString();
  }

  /**
   * After the table, a line per client as its host's latest report saw it (issue 25): {@code client
   * anna on gw1 (wgc1): handshake 30s ago from 203.0.113.77:41641}, or {@code never connected}.
   * Shown, never judged; nothing when no report has a client.
   */
  private String clientLines() {
    StringBuilder out = new StringBuilder();
    for (HostStatus h : hosts) {
      for (ClientState c : h.latest().map(r -> r.report().clients()).orElse(List.of())) {
        out.append(clientLine(h.hostname(), c)).append(System.lineSeparator());
      }
    }
    return out.isEmpty() ? "" : System.lineSeparator() + out;
  }

  private static String clientLine(String host, ClientState c) {
    String seen =
        c.handshakeAge().isEmpty()
            ? "never connected"
            : "handshake "
                + age(c.handshakeAge().get())
                + " ago"
                + c.endpoint().map(e -> " from " + e).orElse("");
    return "client " + c.client() + " on " + host + " (" + c.iface() + "): " + seen;
  }

  /** The JSON document ({@code docs/enrolment.md}, "Status"). */
  public ObjectNode json() {
    ObjectNode root = Json.object();
    root.put("time", at.toString());
    root.put("stale-after", staleAfter.toSeconds());
    ArrayNode list = root.putArray("hosts");
    for (HostStatus h : hosts) {
      ObjectNode o = list.addObject();
      o.put("host", h.hostname());
      o.put("health", h.health().text());
      if (h.latest().isEmpty()) {
        continue;
      }
      StatusFile.Received r = h.latest().get();
      HealthReport report = r.report();
      o.put("serial", report.serial());
      o.put("links-up", report.linksUp());
      o.put("peers", report.peers().size());
      report.oldestHandshake().ifPresent(d -> o.put("oldest-handshake", d.toSeconds()));
      o.put("received", r.received().toString());
      o.put("report-age", Duration.between(r.received(), at).toSeconds());
      o.put("check", report.checkStatus());
      report.failedChecks().forEach(o.withArray("failed-checks")::add);
      for (ClientState c : report.clients()) {
        ObjectNode client = o.withArray("clients").addObject();
        client.put("client", c.client());
        client.put("connected", c.connected());
        HealthReport.wireGuard(client, c.handshakeAge(), c.rxBytes(), c.txBytes(), c.endpoint());
      }
    }
    return root;
  }

  /** Prometheus text: hosts in the site, reporting (not stale, not never), stale, unhealthy. */
  public String metrics() {
    PrometheusText m =
        new PrometheusText()
            .gauge("wgmesh_site_hosts", "Hosts in the site file.")
            .gauge("wgmesh_site_hosts_reporting", "Hosts whose latest report is recent.")
            .gauge(
                "wgmesh_site_hosts_stale", "Hosts whose latest report is older than the stale age.")
            .gauge("wgmesh_site_hosts_never_reported", "Hosts that never reported.")
            .gauge("wgmesh_site_hosts_unhealthy", "Hosts whose recent report shows a problem.")
            .gauge("wgmesh_site_status_timestamp_seconds", "When the status was computed.");
    m.sample("wgmesh_site_hosts", hosts.size());
    m.sample(
        "wgmesh_site_hosts_reporting",
        count(HostStatus.Health.HEALTHY) + count(HostStatus.Health.UNHEALTHY));
    m.sample("wgmesh_site_hosts_stale", count(HostStatus.Health.STALE));
    m.sample("wgmesh_site_hosts_never_reported", count(HostStatus.Health.NEVER));
    m.sample("wgmesh_site_hosts_unhealthy", count(HostStatus.Health.UNHEALTHY));
    m.sample("wgmesh_site_status_timestamp_seconds", at.getEpochSecond());
    return m.text();
  }

  /** An age as a person reads it: {@code 42s}, {@code 7m}, {@code 3h}, {@code 2d}. */
  static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 2 * 3600) {
      return s / 60 + "m";
    }
    return s < 2 * 86400 ? s / 3600 + "h" : s / 86400 + "d";
  }
}
