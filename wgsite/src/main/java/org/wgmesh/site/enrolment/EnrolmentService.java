package org.wgmesh.site.enrolment;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.enrolment.ServiceLimits;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.io.ChangedFile;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.admin.AdminPasswordFile;
import org.wgmesh.site.admin.SiteAdmins;
import org.wgmesh.site.nudge.Nudges;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.service.EnrolmentServer;
import org.wgmesh.site.service.ServiceSettings;
import org.wgmesh.site.service.StatusAccess;
import org.wgmesh.site.status.ReportIntake;
import org.wgmesh.site.status.StatusDocument;

/**
 * {@code wgsite --serve}: the enrolment service of a site file, with its settings from the {@code
 * enrolment:} section and the {@link PolicyDecider}. The section is read once at start; a change to
 * it (a new CA, a CRL) takes a restart.
 */
public final class EnrolmentService {
  private EnrolmentService() {}

  /**
   * The server settings the section asks for: its listen addresses, TLS files and, as client CAs,
   * the CA bundles of all certificate rules (the TLS layer refuses other CAs, the policy then
   * checks each rule's CRL and subject). The limits the section sets ({@code limits:}) replace
   * {@link ServiceSettings}' defaults; the others stay.
   */
  public static ServiceSettings settings(EnrolmentPolicy policy) {
    List<InetSocketAddress> listen =
        policy.listen().stream()
            .map(l -> new InetSocketAddress(l.address().address(), l.port()))
            .toList();
    ServiceSettings.Builder b =
        ServiceSettings.builder()
            .listen(listen)
            .serverCertificate(policy.tlsCertificate())
            .serverKey(policy.tlsKey())
            .clientCas(policy.clientCas());
    ServiceLimits limits = policy.limits();
    limits.requestsPerMinute().ifPresent(n -> b.rateLimit(n, Duration.ofMinutes(1)));
    limits.maxConnections().ifPresent(b::maxConnections);
    limits.maxThreads().ifPresent(b::maxThreads);
    limits.maxBodyBytes().ifPresent(b::maxBodyBytes);
    limits.idleTimeout().ifPresent(b::idleTimeout);
    limits.connectionDeadline().ifPresent(b::connectionDeadline);
    limits.maxFollowers().ifPresent(b::maxFollowers);
    return b.build();
  }

  /** The site's enrolment policy, or why there is none. */
  public static EnrolmentPolicy policy(Site site, Path siteFile) {
    return site.enrolment()
        .orElseThrow(
            () ->
                new ConfigException(
                    siteFile.toString(),
                    "has no enrolment: section, so there is nothing to serve",
                    "add one (docs/enrolment.md)"));
  }

  /**
   * Starts the service of {@code siteFile}.
   *
   * @throws ConfigException for a site without {@code enrolment:}, an unreadable CA or CRL,
   *     unusable TLS files or an address that cannot be bound; nothing is left running
   */
  public static EnrolmentServer start(
      Path siteFile, Reporter reporter, SitePublisher publisher, Clock clock) {
    EnrolmentPolicy policy = policy(SiteFile.load(siteFile), siteFile);
    // A changed CRL is read again while the service runs; what that brings is logged.
    DeviceCertificates certificates =
        DeviceCertificates.load(
            policy.certificates(), message -> reporter.warn("%s", message), clock.instant());
    ServiceSettings settings = settings(policy);
    // The push: every publication (wgpub, or an admission here) nudges the waiting endpoints.
    Nudges nudges =
        Nudges.watch(
            SitePublication.statePath(siteFile),
            settings.maxFollowers(),
            EnrolmentServer.THREAD_NAME + "-nudge",
            message -> reporter.warn("%s", message));
    EnrolmentServer server;
    try {
      server =
          EnrolmentServer.start(
              settings,
              new PolicyDecider(siteFile, certificates, publisher, clock),
              ReportIntake.start(siteFile, certificates, clock),
              statusAccess(siteFile, policy, clock),
              Optional.of(nudges),
              reporter,
              clock);
    } catch (RuntimeException e) {
      nudges.close(); // the server closes it once started, and when its own start fails
      throw e;
    }
    if (policy.observed().any()) {
      // Roaming and NAT traversal: a change in where peers see a host is published (and pushed).
      server.closeAlso(
          ObservedRepublisher.start(
              siteFile, publisher, reporter, clock, EnrolmentServer.THREAD_NAME + "-observed"));
    }
    reporter.info("enrolment service of %s listening on %s", siteFile, server.addresses());
    return server;
  }

  /**
   * The status page's admins ({@code enrolment.admins} certificates, the admin password file) and
   * its document, read anew for each request. The admin password file is read again whenever it
   * changes ({@code wgsite --admin-password} while the service runs takes effect at once); the
   * admin rules' CA bundles are read here, once: a new CA takes a restart.
   */
  public static StatusAccess statusAccess(Path siteFile, EnrolmentPolicy policy, Clock clock) {
    Path passwordFile = AdminPasswordFile.beside(siteFile);
    // Read once now, so that a broken file stops the start with its error (exit 3).
    AdminPasswordFile.read(passwordFile);
    ChangedFile<Map<String, String>> passwords =
        new ChangedFile<>(passwordFile, AdminPasswordFile::read);
    SiteAdmins admins =
        new SiteAdmins(DeviceCertificates.load(policy.admins()), passwords::current, clock);
    return new StatusAccess(admins, () -> StatusDocument.read(siteFile, clock.instant()));
  }

  /** Runs the service until the JVM is asked to stop (TERM, INT): then closes it and returns. */
  public static void runUntilStopped(
      Path siteFile, Reporter reporter, SitePublisher publisher, Clock clock) {
    EnrolmentServer server = start(siteFile, reporter, publisher, clock);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              server.close();
              reporter.info("enrolment service stopped");
              stopped.countDown();
            },
            "wgsite-enrol-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
  }
}
