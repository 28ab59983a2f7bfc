package org.wgmesh.site.enrolment;

import java.time.Instant;
import java.util.Objects;

/**
 * A request that a rule with {@code admit: queue} accepted, waiting for a human ({@code wgsite
 * --approve ID} or {@code --reject ID}).
 *
 * @param id 16 hex digits, random
 * @param received when the service accepted it
 * @param subject who asked (certificate subject or {@code token:<id>})
 * @param rule the certificate rule's name or {@code token:<id>}
 * @param rejoin whether that rule lets the identity replace the key of the host it enrolled
 * @param hostname the hostname the blob names
 * @param blob the registration blob as sent (sealed to the site; no secret of the host)
 */
public record QueuedHost(
    String id,
    Instant received,
    String subject,
    String rule,
    boolean rejoin,
    String hostname,
    String blob) {
  public QueuedHost {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(received, "received");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(blob, "blob");
  }
}
