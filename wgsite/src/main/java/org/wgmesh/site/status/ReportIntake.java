package org.wgmesh.site.status;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.EnrolmentDecision;
import org.wgmesh.core.exec.Timer;
import org.wgmesh.core.io.ChangedFile;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.service.EnrolmentServer;
import org.wgmesh.site.service.NotAuthenticatedException;
import org.wgmesh.site.service.ReportReceiver;

/**
 * The site's {@link ReportReceiver}: a report counts only from a device certificate that the site's
 * certificate rules accept (CA, CRL, subject pattern: the enrolment checks) and whose hostname is a
 * host of the site file now; it is stored as that host's latest report in the status file. The body
 * is parsed only after authentication, so strangers cannot make the site parse. Token-enrolled
 * hosts have no certificate: they report with the credential their admission handed out ({@link
 * ReportCredentials}, {@code Authorization: Bearer}), which names the host it was issued to.
 *
 * <p>Built for a fleet (docs/benchmarks.md, "Health reports at fleet scale"): the site file's
 * hostnames are read again only when the file changes ({@link ChangedFile}), and then reports of
 * hosts no longer in it are dropped; reports are kept in memory and the status file is written at
 * most once per write interval by a timer thread, and at {@link #close} ({@link StatusStore}, which
 * also says what a crash loses).
 */
public final class ReportIntake implements ReportReceiver {
  /** How often the status file is written when reports came in. */
  public static final Duration WRITE_EVERY = Duration.ofSeconds(1);

  private final ChangedFile<Set<String>> siteHosts;
  private final StatusStore store;
  private final Path credentialsFile;
  private final DeviceCertificates certificates;
  private final Clock clock;
  private final ScheduledExecutorService writer;
  private volatile Set<String> retained;

  ReportIntake(
      ChangedFile<Set<String>> siteHosts,
      StatusStore store,
      Path credentialsFile,
      DeviceCertificates certificates,
      Clock clock,
      ScheduledExecutorService writer) {
    this.siteHosts = siteHosts;
    this.store = store;
    this.credentialsFile = credentialsFile;
    this.certificates = certificates;
    this.clock = clock;
    this.writer = writer;
  }

  /**
   * The intake of {@code siteFile}, with its timer writing the status file every {@link
   * #WRITE_EVERY}; {@link #close} (the service's close) stops it and writes what is left.
   *
   * @throws org.wgmesh.core.error.ConfigException when the status file is malformed
   */
  public static ReportIntake start(Path siteFile, DeviceCertificates certificates, Clock clock) {
    StatusStore store = StatusStore.open(StatusFile.beside(siteFile));
    ScheduledExecutorService writer = Timer.named(EnrolmentServer.THREAD_NAME + "-status");
    ReportIntake intake =
        new ReportIntake(
            new ChangedFile<>(siteFile, ReportIntake::hostnames),
            store,
            ReportCredentials.beside(siteFile),
            certificates,
            clock,
            writer);
    long every = WRITE_EVERY.toMillis();
    writer.scheduleWithFixedDelay(intake::flushQuietly, every, every, TimeUnit.MILLISECONDS);
    return intake;
  }

  @Override
  public String receive(
      List<X509Certificate> chain, Optional<String> bearer, InetAddress client, byte[] body) {
    String hostname = host(chain, bearer);
    HealthReport report = HealthReportParser.parse(body);
    store.put(hostname, new StatusFile.Received(clock.instant(), report));
    return hostname;
  }

  @Override
  public String host(List<X509Certificate> chain, Optional<String> bearer) {
    String hostname =
        bearer.isPresent() ? credentialHost(bearer.get()) : certificateHost(chain, clock.instant());
    Set<String> hosts = siteHosts.current();
    if (hosts != retained) {
      // The site file changed (or this is the first request): forget the hosts it no longer has.
      store.retainOnly(hosts);
      retained = hosts;
    }
    if (!hosts.contains(hostname)) {
      throw new NotAuthenticatedException("no host " + hostname + " in the site");
    }
    return hostname;
  }

  /** The host a report credential was issued to; the credential itself is never in a message. */
  private String credentialHost(String credential) {
    return ReportCredentials.read(credentialsFile)
        .hostOf(credential)
        .orElseThrow(
            () ->
                new NotAuthenticatedException(
                    "the report credential is not valid (unknown, of another host, or replaced"
                        + " by a later enrolment)"));
  }

  private String certificateHost(List<X509Certificate> chain, Instant now) {
    if (chain.isEmpty()) {
      throw new NotAuthenticatedException(
          "a report needs the host's device certificate or its report credential"
              + " (Authorization: Bearer)");
    }
    EnrolmentDecision decision = certificates.check(chain, List.of(), now);
    if (decision instanceof EnrolmentDecision.Refused r) {
      throw new NotAuthenticatedException(
          "certificate refused: " + r.reason().text() + " (" + r.detail() + ")");
    }
    return ((EnrolmentDecision.Accepted) decision).hostname();
  }

  /**
   * Writes the status file now if reports came in since the last write.
   *
   * @return whether it wrote
   * @throws org.wgmesh.core.error.FileException when it cannot be written
   */
  public boolean flush() {
    return store.flush();
  }

  /** Stops the timer, then writes what is left. */
  @Override
  public void close() {
    Timer.stop(writer, Duration.ofSeconds(10));
    store.flush();
  }

  /**
   * The timer's write. A failure must not end the timer (a thrown exception would cancel it); the
   * store keeps it and the next report is answered with it, so it reaches the host and the log.
   */
  private void flushQuietly() {
    try {
      store.flush();
    } catch (RuntimeException e) {
      // kept by the store, thrown to the next report
    }
  }

  /** The hostnames of a site file (a third of a second at 1,000 hosts: read on changes only). */
  static Set<String> hostnames(Path siteFile) {
    return SiteFile.load(siteFile).hosts().stream()
        .map(HostEntry::hostname)
        .collect(Collectors.toUnmodifiableSet());
  }
}
