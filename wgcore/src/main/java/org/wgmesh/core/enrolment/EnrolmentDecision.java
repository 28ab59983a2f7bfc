package org.wgmesh.core.enrolment;

import java.util.List;
import java.util.Objects;
import org.wgmesh.core.net.IpPrefix;

/**
 * What the policy decided about one enrolment request: accepted (with the hostname and the rule's
 * terms) or refused (with the reason). Plain data, for the service to act on and log with the
 * subject (issue 23: every decision is logged with subject and reason).
 */
public sealed interface EnrolmentDecision {
  /** Who asked: a certificate subject or a token id; never the token's secret. */
  String subject();

  /** Why a request was refused; {@link #text()} is the stable word for logs and answers. */
  enum Reason {
    UNKNOWN_TOKEN("unknown token"),
    REVOKED("revoked"),
    EXPIRED("expired"),
    USED_UP("used up"),
    HOSTNAME_NOT_ALLOWED("hostname not allowed"),
    LAN_NOT_ALLOWED("LAN prefix not allowed"),
    NOT_FROM_CA("not from this CA"),
    CRL_OUT_OF_DATE("CRL out of date"),
    SUBJECT_MISMATCH("subject does not match");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /**
   * Accepted.
   *
   * @param subject who asked
   * @param rule the certificate rule's name, or {@code token:<id>}
   * @param hostname the hostname the host gets
   * @param lanPrefixes the LAN prefixes the request asked for (all allowed)
   * @param admit at once or queued
   * @param rejoin whether this identity may replace its key
   */
  record Accepted(
      String subject,
      String rule,
      String hostname,
      List<IpPrefix> lanPrefixes,
      Admit admit,
      boolean rejoin)
      implements EnrolmentDecision {
    public Accepted {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(hostname, "hostname");
      lanPrefixes = List.copyOf(lanPrefixes);
      Objects.requireNonNull(admit, "admit");
    }
  }

  /**
   * Refused.
   *
   * @param subject who asked
   * @param reason why
   * @param detail what exactly, for the log and the answer (no secret)
   */
  record Refused(String subject, Reason reason, String detail) implements EnrolmentDecision {
    public Refused {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
