package org.wgmesh.endpoint.enrol;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.error.SafeText;
import org.wgmesh.core.json.Json;

/**
 * The service's answer to {@code POST /v1/enrol} (docs/enrolment.md, "API"), checked: a decision, a
 * reason, and with an admission the site fingerprint to pin. Fields the service may add later are
 * ignored; a missing or mistyped one makes the whole answer malformed.
 *
 * @param decision admitted, queued or refused
 * @param reason why, as the site said it (control characters escaped, at most {@link #MAX_REASON})
 * @param siteFingerprint with {@code admitted} only: the site key's fingerprint
 * @param reportCredential with {@code admitted} by a join token: the credential the host sends its
 *     health reports with; never shown ({@link #toString} hides it)
 */
public record ServiceAnswer(
    Decision decision,
    String reason,
    Optional<String> siteFingerprint,
    Optional<String> reportCredential) {
  /** Longer reasons are cut: the site writes one sentence. */
  static final int MAX_REASON = 500;

  private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");
  private static final Pattern CREDENTIAL =
      Pattern.compile("wgrc1\\.[a-z0-9-]{1,63}\\.[A-Za-z0-9_-]{43}");

  /** The three decisions of a well-formed request. */
  public enum Decision {
    ADMITTED,
    QUEUED,
    REFUSED;

    /** As the API and the output spell it. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ServiceAnswer {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(siteFingerprint, "siteFingerprint");
    Objects.requireNonNull(reportCredential, "reportCredential");
  }

  /** An answer without a report credential. */
  public ServiceAnswer(Decision decision, String reason, Optional<String> siteFingerprint) {
    this(decision, reason, siteFingerprint, Optional.empty());
  }

  @Override
  public String toString() {
    return "ServiceAnswer[decision="
        + decision
        + ", reason="
        + reason
        + ", siteFingerprint="
        + siteFingerprint
        + ", reportCredential="
        + (reportCredential.isPresent() ? "(hidden)" : "none")
        + "]";
  }

  /**
   * Parses a 200 answer's body.
   *
   * @param from the service, for the error
   * @throws RecordException when it is not UTF-8 JSON of the documented form
   */
  static ServiceAnswer parse(byte[] body, String from) {
    JsonNode root = object(body, from);
    String word = text(root, "decision", from);
    Decision decision;
    try {
      decision = Decision.valueOf(word.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw malformed(from, "unknown decision '" + SafeText.abbreviate(word, 40) + "'");
    }
    String reason = SafeText.abbreviate(text(root, "reason", from), MAX_REASON);
    Optional<String> fingerprint = Optional.empty();
    if (decision == Decision.ADMITTED) {
      String fp = text(root, "siteFingerprint", from);
      if (!FINGERPRINT.matcher(fp).matches()) {
        throw malformed(from, "siteFingerprint is not a SHA256: fingerprint");
      }
      fingerprint = Optional.of(fp);
    }
    Optional<String> credential = Optional.empty();
    JsonNode c = root.get("reportCredential");
    if (decision == Decision.ADMITTED && c != null) {
      if (!c.isTextual() || !CREDENTIAL.matcher(c.asText()).matches()) {
        throw malformed(from, "reportCredential is not a wgrc1 credential");
      }
      credential = Optional.of(c.asText());
    }
    return new ServiceAnswer(decision, reason, fingerprint, credential);
  }

  /**
   * The hostname of a {@code POST /v1/report} answer, {@code {"stored": HOST}}.
   *
   * @throws RecordException when the answer is not of that form
   */
  static String stored(byte[] body, String from) {
    JsonNode root = object(body, from);
    return SafeText.abbreviate(text(root, "stored", from), 253);
  }

  /**
   * The serial of a {@code GET /v1/nudge} answer, {@code {"serial": N}}.
   *
   * @throws RecordException when the answer is not of that form
   */
  static long serial(byte[] body, String from) {
    JsonNode n = object(body, from).get("serial");
    if (n == null || !n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
      throw malformed(from, "no serial (a number, 0 or more) in the nudge");
    }
    return n.asLong();
  }

  /** The answer's body as a JSON object, or the error that names the service and the fault. */
  private static JsonNode object(byte[] body, String from) {
    JsonNode root;
    try {
      root = Json.readTree(utf8(body, from), "the answer of " + from);
    } catch (InputException e) {
      throw malformed(from, e.why());
    }
    if (!root.isObject()) {
      throw malformed(from, "not a JSON object");
    }
    return root;
  }

  /** The {@code message} of an error answer, when it has one; for the error shown. */
  static Optional<String> errorMessage(byte[] body) {
    try {
      JsonNode root = Json.readTree(utf8(body, "error"), "error");
      JsonNode m = root.path("message");
      return m.isTextual()
          ? Optional.of(SafeText.abbreviate(m.asText(), MAX_REASON))
          : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String text(JsonNode root, String field, String from) {
    JsonNode n = root.get(field);
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      throw malformed(from, "no text field '" + field + "'");
    }
    return n.asText();
  }

  private static String utf8(byte[] body, String from) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed(from, "not UTF-8");
    }
  }

  private static RecordException malformed(String from, String why) {
    return new RecordException(
        from,
        "the enrolment service's answer is malformed: " + why,
        "is this URL the site's enrolment service (wgsite --serve), of a matching version?");
  }
}
