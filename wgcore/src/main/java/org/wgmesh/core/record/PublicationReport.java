package org.wgmesh.core.record;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.error.RecordException;

/**
 * What {@link PublicationVerifier} found in a published mesh: every problem (record name, field,
 * message), how many RRsets it read, the mesh serial and the earliest expiry.
 *
 * @param domain the mesh domain
 * @param checkedAt when it was checked (the verifier's clock)
 * @param records how many RRsets were read (mesh, host and key records found)
 * @param meshSerial the serial of the mesh record, when it decoded with the site key
 * @param problems every problem, mesh record first, then host records and key records by host
 *     number; empty when everything verified
 * @param earliestExpiry the record (mesh or host; key records carry no expiry) that expires first
 *     among those whose signed header decoded, expired ones included
 */
public record PublicationReport(
    String domain,
    Instant checkedAt,
    int records,
    OptionalLong meshSerial,
    List<Problem> problems,
    Optional<Expiry> earliestExpiry) {

  public PublicationReport {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(checkedAt, "checkedAt");
    problems = List.copyOf(problems);
  }

  /** Whether every record verified. */
  public boolean ok() {
    return problems.isEmpty();
  }

  /**
   * One thing wrong with one record.
   *
   * @param name the record's DNS name
   * @param field the field as {@code docs/record-format.md} names it ({@code signature}, {@code
   *     expires}, {@code chunks}, ...), or {@code record} when the whole record is missing
   * @param message what is wrong, without the field
   */
  public record Problem(String name, String field, String message) {
    private static final Pattern FIELD = Pattern.compile("field '([^']+)': (.*)", Pattern.DOTALL);

    public Problem {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }

    /** The problem a decoder reported: its {@code why} is {@code field '<field>': <message>}. */
    static Problem of(RecordException e) {
      Matcher m = FIELD.matcher(e.why());
      return m.matches()
          ? new Problem(e.what(), m.group(1), m.group(2))
          : new Problem(e.what(), "record", e.why());
    }

    /** As the error lines of every command: {@code <name>: field '<field>': <message>}. */
    @Override
    public String toString() {
      return name + ": field '" + field + "': " + message;
    }
  }

  /**
   * When a record expires.
   *
   * @param name the record's DNS name
   * @param expires its expiry time
   */
  public record Expiry(String name, Instant expires) {}
}
