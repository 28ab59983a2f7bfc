package org.wgmesh.site.publish;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.record.PublicationReport;
import org.wgmesh.core.record.PublicationReport.Expiry;
import org.wgmesh.core.record.PublicationReport.Problem;

/**
 * Renders a {@code wgpub --verify} result for people (text) and programs (JSON); the command prints
 * it. Returns text, never prints. The JSON fields are documented in docs/publishing.md and stay
 * stable. The metrics file is {@link VerifyMetrics}'s, written by the service.
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
