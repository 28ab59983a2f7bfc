package org.wgmesh.site.status;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.wgmesh.core.enrolment.ObservedPolicy;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.site.Site;

/**
 * The site's hosts as they are published (issue 24): each with the address its peers' health
 * reports agree it is at ({@link ObservedAddresses}), as far as the site's {@code
 * enrolment.observed} policy allows. {@code wgpub}, {@code wgpub --verify} and the service's
 * republication all use this, so that they agree on what the records should say.
 */
public final class ObservedHosts {
  /**
   * A report older than this makes no claim: three timer intervals (5 min each), so a host that
   * reports with its timer is never dropped between two reports, and an address nobody confirms
   * goes within a quarter of an hour (at the next publication).
   */
  public static final Duration MAX_AGE = Duration.ofMinutes(15);

  private ObservedHosts() {}

  /**
   * The observed address of each host that has one to publish, by host number: none for a site
   * without the enrolment service (no reports) or whose policy turns both off.
   */
  public static Map<Integer, Observed> observed(
      Site site, Map<String, StatusFile.Received> reports, Instant now) {
    if (site.enrolment().isEmpty() || reports.isEmpty()) {
      return Map.of();
    }
    ObservedPolicy policy = site.enrolment().get().observed();
    if (!policy.any()) {
      return Map.of();
    }
    Map<Integer, Observed> found =
        new HashMap<>(
            new ObservedAddresses(
                    site.settings().portbase(),
                    MAX_AGE,
                    policy.natTraversalOn(),
                    site.settings().topology())
                .ofStored(site.hosts(), reports, now));
    if (!policy.roamingOn()) {
      // A host with a registered address stays there: only hosts behind NAT get one.
      site.hosts().stream().filter(HostEntry::isPublic).forEach(h -> found.remove(h.number()));
    }
    return found;
  }

  /** {@code site}'s hosts with the observed addresses of {@link #observed}. */
  public static List<HostEntry> hosts(
      Site site, Map<String, StatusFile.Received> reports, Instant now) {
    Map<Integer, Observed> found = observed(site, reports, now);
    if (found.isEmpty()) {
      return site.hosts();
    }
    return site.hosts().stream()
        .map(h -> found.containsKey(h.number()) ? h.withObserved(found.get(h.number())) : h)
        .toList();
  }

  /**
   * As {@link #hosts(Site, Map, Instant)}, with the reports of {@code siteFile}'s status file. A
   * status file that cannot be read is reported to {@code warnings} and counts as no reports: a
   * broken status file must not stop a publication (the hosts are then published where the admin
   * registered them).
   */
  public static List<HostEntry> hosts(
      Site site, Path siteFile, Instant now, Consumer<String> warnings) {
    return hosts(site, reports(site, siteFile, warnings), now);
  }

  /**
   * The reports of {@code siteFile}'s status file (none without an enrolment service); one that
   * cannot be read is reported to {@code warnings} and counts as none.
   */
  public static Map<String, StatusFile.Received> reports(
      Site site, Path siteFile, Consumer<String> warnings) {
    if (site.enrolment().isEmpty()) {
      return Map.of();
    }
    try {
      return StatusFile.read(StatusFile.beside(siteFile));
    } catch (WgmeshException e) {
      warnings.accept(
          "observed addresses left out: the status file cannot be read: " + e.getMessage());
      return Map.of();
    }
  }
}
