package org.wgmesh.site.publish;

import java.time.Instant;
import org.wgmesh.core.metrics.PrometheusText;
import org.wgmesh.core.record.PublicationReport;

/**
 * A {@code wgpub --verify} result as Prometheus metrics (the text exposition format, for
 * node_exporter's textfile collector), written by {@link PublishVerification} itself, which is why
 * it is apart from {@link VerifyFormat}: the service uses this, the command's formatter uses the
 * service's result, and neither file uses the other back. The metric names are documented in
 * docs/publishing.md and stay stable.
 */
final class VerifyMetrics {
  private VerifyMetrics() {}

  /**
   * The report as Prometheus metrics (text format 0.0.4), every sample labelled with the domain.
   */
  static String metrics(PublicationReport r) {
    PrometheusText m = families();
    String domain = r.domain();
    m.sample(OK, r.ok() ? 1 : 0, "domain", domain)
        .sample(CHECKED, r.checkedAt().getEpochSecond(), "domain", domain)
        .sample(RECORDS, r.records(), "domain", domain)
        .sample(PROBLEMS, r.problems().size(), "domain", domain);
    r.earliestExpiry()
        .ifPresent(e -> m.sample(EXPIRY, e.expires().getEpochSecond(), "domain", domain));
    r.meshSerial().ifPresent(s -> m.sample(SERIAL, s, "domain", domain));
    return m.text();
  }

  /** The metrics of a check that could not read the target: not ok, and when it tried. */
  static String unreadableMetrics(String domain, Instant checkedAt) {
    return families()
        .sample(OK, 0, "domain", domain)
        .sample(CHECKED, checkedAt.getEpochSecond(), "domain", domain)
        .text();
  }

  private static final String OK = "wgmesh_publish_verify_ok";
  private static final String CHECKED = "wgmesh_publish_verify_timestamp_seconds";
  private static final String RECORDS = "wgmesh_publish_records";
  private static final String PROBLEMS = "wgmesh_publish_record_problems";
  private static final String EXPIRY = "wgmesh_publish_earliest_expiry_timestamp_seconds";
  private static final String SERIAL = "wgmesh_publish_mesh_serial";

  private static PrometheusText families() {
    return new PrometheusText()
        .gauge(
            OK,
            "1 when every record published for the mesh verified as endpoints verify it, else 0.")
        .gauge(CHECKED, "When wgpub --verify last checked the publication (Unix time).")
        .gauge(RECORDS, "Published mesh, host and key records (RRsets) read by the last check.")
        .gauge(PROBLEMS, "Problems found in the published records by the last check.")
        .gauge(EXPIRY, "When the first published mesh or host record expires (Unix time).")
        .gauge(SERIAL, "Serial of the published mesh record.");
  }
}
