package org.wgmesh.site.service;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@link EnrolmentDecider} decided about one request: admitted (published by the same code
 * as {@code wgpub}), queued for a human ({@code wgsite} lists the queue), or refused; always with a
 * reason a person can act on. The reason goes to the client and to the log, so it never holds a
 * secret.
 *
 * @param outcome admitted, queued or refused
 * @param reason why, e.g. {@code device certificate CN=web-3 matches rule "web-*"}
 * @param siteFingerprint for an admitted host, the site signing key's fingerprint ({@code
 *     SHA256:...}) the endpoint pins for what follows; empty otherwise
 * @param subject who asked, as the decider names it for the log ({@code token:<id>}); empty: the
 *     log shows the client certificate's subject
 * @param reportCredential for a host admitted with a join token, the credential it sends its health
 *     reports with ({@code POST /v1/report}); answered once, never logged ({@link #toString} hides
 *     it)
 */
public record Decision(
    Outcome outcome,
    String reason,
    Optional<String> siteFingerprint,
    Optional<String> subject,
    Optional<String> reportCredential) {
  /** The three answers the service gives to a well-formed request. */
  public enum Outcome {
    ADMITTED,
    QUEUED,
    REFUSED;

    /** The outcome as the API and the log spell it: {@code admitted}, {@code queued}... */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Decision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(siteFingerprint, "siteFingerprint");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(reportCredential, "reportCredential");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("a decision needs a reason");
    }
    if (siteFingerprint.isPresent() != (outcome == Outcome.ADMITTED)) {
      throw new IllegalArgumentException(
          "a site fingerprint comes with an admission, and only then");
    }
    if (reportCredential.isPresent() && outcome != Outcome.ADMITTED) {
      throw new IllegalArgumentException("a report credential comes with an admission only");
    }
  }

  /** A decision without a report credential. */
  public Decision(
      Outcome outcome, String reason, Optional<String> siteFingerprint, Optional<String> subject) {
    this(outcome, reason, siteFingerprint, subject, Optional.empty());
  }

  public static Decision admitted(String reason, String siteFingerprint) {
    return new Decision(Outcome.ADMITTED, reason, Optional.of(siteFingerprint), Optional.empty());
  }

  public static Decision queued(String reason) {
    return new Decision(Outcome.QUEUED, reason, Optional.empty(), Optional.empty());
  }

  public static Decision refused(String reason) {
    return new Decision(Outcome.REFUSED, reason, Optional.empty(), Optional.empty());
  }

  /** This decision, logged as about {@code subject} (a token's id; never its secret). */
  public Decision withSubject(String subject) {
    return new Decision(outcome, reason, siteFingerprint, Optional.of(subject), reportCredential);
  }

  /** This admission, answered with the host's new report credential. */
  public Decision withReportCredential(String credential) {
    return new Decision(outcome, reason, siteFingerprint, subject, Optional.of(credential));
  }

  /** Without the report credential: decisions are logged. */
  @Override
  public String toString() {
    return "Decision[outcome="
        + outcome
        + ", reason="
        + reason
        + ", siteFingerprint="
        + siteFingerprint
        + ", subject="
        + subject
        + ", reportCredential="
        + (reportCredential.isPresent() ? "(hidden)" : "none")
        + "]";
  }
}
