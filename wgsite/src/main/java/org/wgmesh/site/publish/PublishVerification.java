package org.wgmesh.site.publish;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.record.PublicationReport;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.record.PublicationVerifier;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.publish.names.NameVerification;
import org.wgmesh.site.publish.target.Publisher;
import org.wgmesh.site.status.ObservedHosts;

/**
 * The {@code wgpub --verify} service: reads back from the site's publish target what endpoints read
 * ({@link Publisher#readBack}) and verifies every record as an endpoint does ({@link
 * PublicationVerifier}), with the site's keys, hosts and publication state; then the name records
 * ({@link NameVerification}). Writes no file but the metrics file when one is asked for, takes no
 * lock, and changes nothing.
 */
public final class PublishVerification {
  private final Reporter reporter;
  private final BiFunction<String, Path, Publisher> publishers;
  private final Clock clock;

  /** With the real publishers and the system clock. */
  public PublishVerification(Reporter reporter) {
    this(reporter, Publishers::fromUri, Clock.systemUTC());
  }

  /** With another publisher factory (uri, site directory) and clock: tests. */
  public PublishVerification(
      Reporter reporter, BiFunction<String, Path, Publisher> publishers, Clock clock) {
    this.reporter = reporter;
    this.publishers = publishers;
    this.clock = clock;
  }

  /**
   * Verifies what the target publishes.
   *
   * @param publishOverride a target URI instead of the site file's {@code publish:}, if any
   * @param metricsFile where to write the result as Prometheus metrics (atomically, mode 0644), if
   *     anywhere
   * @return the target and what was found; {@link Verified#failure()} is the error when it is not
   *     ok
   * @throws org.wgmesh.core.error.ConfigException for an invalid site file, state file or target
   *     URI
   * @throws DnsException when the target cannot be read (the metrics file then says {@code
   *     wgmesh_publish_verify_ok 0})
   * @throws org.wgmesh.core.error.FileException when the metrics file cannot be written
   */
  public Verified verify(
      Path siteFile, Optional<String> publishOverride, Optional<Path> metricsFile) {
    Site site = SiteFile.load(siteFile);
    String uri = publishOverride.orElseGet(site::publishTarget);
    PublicationState state = SitePublication.readState(SitePublication.statePath(siteFile));
    String domain = TxtRecordSet.normalize(site.settings().domain());
    try (Publisher publisher = publishers.apply(uri, siteFile.toAbsolutePath().getParent())) {
      reporter.detail(
          "verifying the records under %s as endpoints read them from %s",
          domain, publisher.describe());
      PublicationReport report;
      try {
        DnsSource source =
            publisher.readBack(domain, SitePublication.candidateNames(domain, site, state));
        report =
            new PublicationVerifier(clock)
                .withKeySwitchDelay(site.keyPolicy().switchDelay())
                .verify(
                    source,
                    domain,
                    site.keys().signing().publicKey(),
                    site.keys().box().publicKey(),
                    ObservedHosts.hosts(
                        site, siteFile, clock.instant(), message -> reporter.warn("%s", message)),
                    site.clientEntries(),
                    state);
        report = withNameProblems(report, NameVerification.problems(site, siteFile, publisher));
      } catch (DnsException e) {
        metricsFile.ifPresent(
            f -> writeMetrics(f, VerifyMetrics.unreadableMetrics(domain, clock.instant())));
        throw e;
      }
      PublicationReport found = report;
      metricsFile.ifPresent(f -> writeMetrics(f, VerifyMetrics.metrics(found)));
      return new Verified(publisher.describe(), report);
    }
  }

  /** The report with the name records' problems after the TXT records' (issue 25). */
  private static PublicationReport withNameProblems(
      PublicationReport r, List<PublicationReport.Problem> names) {
    if (names.isEmpty()) {
      return r;
    }
    List<PublicationReport.Problem> all = new ArrayList<>(r.problems());
    all.addAll(names);
    return new PublicationReport(
        r.domain(), r.checkedAt(), r.records(), r.meshSerial(), all, r.earliestExpiry());
  }

  private void writeMetrics(Path file, String text) {
    AtomicFiles.write(file, text, AtomicFiles.PUBLIC);
    reporter.detail("wrote metrics %s", file);
  }

  /**
   * A verification's result.
   *
   * @param target the target read, for messages (no secrets)
   * @param report what was found
   */
  public record Verified(String target, PublicationReport report) {
    /**
     * The error for a report with problems: names the first problem's record and field, and counts
     * the others.
     *
     * @throws IllegalStateException when the report has no problem
     */
    public RecordException failure() {
      List<PublicationReport.Problem> problems = report.problems();
      if (problems.isEmpty()) {
        throw new IllegalStateException("the publication verified");
      }
      PublicationReport.Problem first = problems.get(0);
      String more =
          problems.size() == 1
              ? ""
              : " (and " + (problems.size() - 1) + " more problem(s), listed on stdout)";
      return new RecordException(
          first.name(),
          "field '" + first.field() + "': " + first.message() + more,
          "endpoints reading "
              + target
              + " refuse this; run wgpub on the site to publish the records again");
    }
  }
}
