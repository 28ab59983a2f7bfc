package org.wgmesh.site.publish;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.metrics.PrometheusText;
import org.wgmesh.core.record.PublicationReport;
import org.wgmesh.core.record.PublicationReport.Expiry;
import org.wgmesh.core.record.PublicationReport.Problem;

/**
 * Renders a {@code wgpub --verify} result for people (text), programs (JSON) and Prometheus (the
 * text exposition format, for node_exporter's textfile collector). Returns text, never prints. The
 * JSON fields and metric names are documented in docs/publishing.md and stay stable.
 */
public final class VerifyFormat {
  private VerifyFormat() {}

  /**
   * One line per problem ({@code NAME: field 'FIELD': message}), then a summary: the target, how
   * many records, the mesh serial and the earliest expiry with the time left.
   */
  public static String text(PublishVerification.Verified v) {
    PublicationReport r = v.report();
    StringBuilder b = new StringBuilder();
    r.problems().forEach(p -> b.append(p).append(System.lineSeparator()));
    b.append(v.target()).append(": ");
    b.append(
        r.ok()
            ? r.records() + " record(s) verified"
            : r.records() + " record(s) read, " + r.problems().size() + " problem(s)");
    r.meshSerial().ifPresent(s -> b.append("; mesh serial ").append(s));
    r.earliestExpiry()
        .ifPresentOrElse(
            e ->
                b.append("; earliest expiry ")
                    .append(e.name())
                    .append(" at ")
                    .append(e.expires())
                    .append(" (")
                    .append(left(Duration.between(r.checkedAt(), e.expires())))
                    .append(')'),
            () -> b.append("; no expiry read"));
    return b.append(System.lineSeparator()).toString();
  }

  /**
   * {@code
   * {"target","domain","ok","checkedAt","records","meshSerial","earliestExpiry":{"name","expires","secondsLeft"},
   * "problems":[{"name","field","message"}]}} on one line; {@code meshSerial} and {@code
   * earliestExpiry} are null when not known, times are ISO-8601 UTC.
   */
  public static String json(PublishVerification.Verified v) {
    PublicationReport r = v.report();
    ObjectNode root =
        Json.object()
            .put("target", v.target())
            .put("domain", r.domain())
            .put("ok", r.ok())
            .put("checkedAt", r.checkedAt().toString())
            .put("records", r.records());
    if (r.meshSerial().isPresent()) {
      root.put("meshSerial", r.meshSerial().getAsLong());
    } else {
      root.putNull("meshSerial");
    }
    if (r.earliestExpiry().isPresent()) {
      Expiry e = r.earliestExpiry().get();
      root.putObject("earliestExpiry")
          .put("name", e.name())
          .put("expires", e.expires().toString())
          .put("secondsLeft", Duration.between(r.checkedAt(), e.expires()).getSeconds());
    } else {
      root.putNull("earliestExpiry");
    }
    ArrayNode problems = root.putArray("problems");
    for (Problem p : r.problems()) {
      problems
          .addObject()
          .put("name", p.name())
          .put("field", p.field())
          .put("message", p.message());
    }
    return Json.write(root) + System.lineSeparator();
  }

  /**
   * The report as Prometheus metrics (text format 0.0.4), every sample labelled with the domain.
   */
  public static String metrics(PublicationReport r) {
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
  public static String unreadableMetrics(String domain, Instant checkedAt) {
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

  /** {@code in 6d 23h 59m}, {@code expired 2h 5m ago}. */
  static String left(Duration d) {
    Duration a = d.abs();
    long days = a.toDays();
    String text =
        days > 0
            ? String.format(Locale.ROOT, "%dd %dh %dm", days, a.toHoursPart(), a.toMinutesPart())
            : a.toHours() > 0
                ? String.format(Locale.ROOT, "%dh %dm", a.toHours(), a.toMinutesPart())
                : String.format(Locale.ROOT, "%dm %ds", a.toMinutes(), a.toSecondsPart());
    return d.isNegative() || d.isZero() ? "expired " + text + " ago" : "in " + text;
  }
}
