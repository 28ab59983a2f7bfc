package org.wgmesh.site.status;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.EnrolmentDecision;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.service.NotAuthenticatedException;
import org.wgmesh.site.service.ReportReceiver;

/**
 * The site's {@link ReportReceiver}: a report counts only from a device certificate that the site's
 * certificate rules accept (CA, CRL, subject pattern: the enrolment checks) and whose hostname is a
 * host of the site file now; it is stored as that host's latest report in the status file. The body
 * is parsed only after authentication, so strangers cannot make the site parse. Token-enrolled
 * hosts have no certificate: they report with the credential their admission handed out ({@link
 * ReportCredentials}, {@code Authorization: Bearer}), which names the host it was issued to.
 */
public final class ReportIntake implements ReportReceiver {
  private final Path siteFile;
  private final DeviceCertificates certificates;
  private final Clock clock;

  public ReportIntake(Path siteFile, DeviceCertificates certificates, Clock clock) {
    this.siteFile = siteFile;
    this.certificates = certificates;
    this.clock = clock;
  }

  @Override
  public String receive(
      List<X509Certificate> chain, Optional<String> bearer, InetAddress client, byte[] body) {
    Instant now = clock.instant();
    String hostname =
        bearer.isPresent() ? credentialHost(bearer.get()) : certificateHost(chain, now);
    if (SiteFile.load(siteFile).hostNamed(hostname).isEmpty()) {
      throw new NotAuthenticatedException("no host " + hostname + " in the site");
    }
    HealthReport report = HealthReportParser.parse(body);
    StatusFile.record(StatusFile.beside(siteFile), hostname, report, now);
    return hostname;
  }

  /** The host a report credential was issued to; the credential itself is never in a message. */
  private String credentialHost(String credential) {
    return ReportCredentials.read(ReportCredentials.beside(siteFile))
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
}
