package org.wgmesh.site.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One host's line of {@code wgsite --status}.
 *
 * @param hostname the host of the site file
 * @param latest its latest report, when it ever reported
 * @param health what the report (or its absence or age) says
 */
public record HostStatus(String hostname, Optional<StatusFile.Received> latest, Health health) {
  /** A host's health as the status view judges it. */
  public enum Health {
    /** Its latest check passed, every link up, and the report is recent. */
    HEALTHY("healthy"),
    /** Its latest report is recent, but a check failed or a link is down. */
    UNHEALTHY("unhealthy"),
    /** Its latest report is older than the stale age: the host or its timer is gone. */
    STALE("stale"),
    /** It never reported. */
    NEVER("never");

    private final String text;

    Health(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  public HostStatus {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(latest, "latest");
    Objects.requireNonNull(health, "health");
  }

  /** Judges a host by its latest report at {@code now}. */
  public static HostStatus judge(
      String hostname, Optional<StatusFile.Received> latest, Instant now, Duration staleAfter) {
    if (latest.isEmpty()) {
      return new HostStatus(hostname, latest, Health.NEVER);
    }
    StatusFile.Received r = latest.get();
    if (Duration.between(r.received(), now).compareTo(staleAfter) > 0) {
      return new HostStatus(hostname, latest, Health.STALE);
    }
    HealthReport report = r.report();
    boolean ok =
        report.checkStatus().equals("healthy") && report.linksUp() == report.peers().size();
    return new HostStatus(hostname, latest, ok ? Health.HEALTHY : Health.UNHEALTHY);
  }
}
