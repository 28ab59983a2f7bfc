package org.wgmesh.core.enrolment;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.net.IpPrefix;

/**
 * Who may enrol with a device certificate: certificates from this CA (not revoked in the CRL) whose
 * subject matches the pattern, the hostname taken from the subject.
 *
 * @param name names the rule in decisions and logs
 * @param caBundle PEM file of the CA certificates that are this rule's trust anchors
 * @param crl the CA's certificate revocation list (PEM or DER); empty: no revocation check
 * @param subject how the subject becomes a hostname
 * @param lanPrefixes the LAN prefixes such hosts may announce (each within the site's allowed ones)
 * @param admit at once, or queued for a human
 * @param rejoin whether a known subject may come back with a new WireGuard key
 */
public record CertificateRule(
    String name,
    Path caBundle,
    Optional<Path> crl,
    SubjectPattern subject,
    List<IpPrefix> lanPrefixes,
    Admit admit,
    boolean rejoin) {
  public CertificateRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(caBundle, "caBundle");
    Objects.requireNonNull(crl, "crl");
    Objects.requireNonNull(subject, "subject");
    lanPrefixes = List.copyOf(lanPrefixes);
    Objects.requireNonNull(admit, "admit");
  }
}
