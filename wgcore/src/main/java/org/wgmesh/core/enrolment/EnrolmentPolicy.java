package org.wgmesh.core.enrolment;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The site file's {@code enrolment:} section (issue 23): where the enrolment service listens, its
 * TLS server certificate, and who may join with what. A site without the section has no enrolment
 * service ({@code Site.enrolment()} is empty).
 *
 * @param listen the addresses and ports, at least one, none a wildcard
 * @param tlsCertificate PEM file of the service's certificate chain
 * @param tlsKey PEM file of its private key
 * @param certificates the device-certificate rules, in file order (the first that accepts wins)
 * @param tokens the defaults of join tokens
 * @param limits the service's limits the file sets (the rest at their defaults)
 * @param admins who may read the status page with a client certificate: rules of the same form as
 *     {@code certificates} (CA, CRL, subject pattern) whose LANs, admit and rejoin mean nothing
 * @param observed what the site publishes of the addresses its hosts are observed at (issue 24)
 */
public record EnrolmentPolicy(
    List<Listen> listen,
    Path tlsCertificate,
    Path tlsKey,
    List<CertificateRule> certificates,
    TokenDefaults tokens,
    ServiceLimits limits,
    List<CertificateRule> admins,
    ObservedPolicy observed) {
  public EnrolmentPolicy {
    listen = List.copyOf(listen);
    if (listen.isEmpty()) {
      throw new IllegalArgumentException("no listen address");
    }
    Objects.requireNonNull(tlsCertificate, "tlsCertificate");
    Objects.requireNonNull(tlsKey, "tlsKey");
    certificates = List.copyOf(certificates);
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(limits, "limits");
    admins = List.copyOf(admins);
    Objects.requireNonNull(observed, "observed");
  }

  /** A policy with every limit at the service's default and no admin rules. */
  public EnrolmentPolicy(
      List<Listen> listen,
      Path tlsCertificate,
      Path tlsKey,
      List<CertificateRule> certificates,
      TokenDefaults tokens) {
    this(
        listen,
        tlsCertificate,
        tlsKey,
        certificates,
        tokens,
        ServiceLimits.NONE,
        List.of(),
        ObservedPolicy.DEFAULT);
  }

  /** Every CA bundle the TLS layer must accept: the device rules', then the admin rules'. */
  public List<Path> clientCas() {
    return Stream.concat(certificates.stream(), admins.stream())
        .map(CertificateRule::caBundle)
        .toList();
  }

  /** The certificate rule of this name. */
  public Optional<CertificateRule> certificateRule(String name) {
    return certificates.stream().filter(r -> r.name().equals(name)).findFirst();
  }
}
