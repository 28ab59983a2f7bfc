package org.wgmesh.site.service;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the service hands the {@link EnrolmentDecider}: the parsed body and what the TLS layer
 * established about the client.
 *
 * @param body the blob and the optional join token
 * @param clientChain the client's certificate chain, leaf first, when it sent one. The TLS layer
 *     has already verified it against the configured client CA bundle (PKIX path, validity dates);
 *     a certificate from any other CA ends the handshake, so it never arrives here. Revocation (the
 *     CRL) and the subject-to-hostname mapping are the decider's to check. Empty when the client
 *     sent none (a token enrolment).
 * @param clientAddress the address the connection came from
 */
public record EnrolmentRequest(
    EnrolmentBody body, List<X509Certificate> clientChain, InetAddress clientAddress) {
  public EnrolmentRequest {
    Objects.requireNonNull(body, "body");
    clientChain = List.copyOf(clientChain);
    Objects.requireNonNull(clientAddress, "clientAddress");
  }

  /** The client certificate (the chain's leaf), when the client sent one. */
  public Optional<X509Certificate> clientCertificate() {
    return clientChain.isEmpty() ? Optional.empty() : Optional.of(clientChain.get(0));
  }

  /** The client certificate's subject as RFC 2253 text, for the log; {@code -} without one. */
  public String subject() {
    return clientCertificate().map(c -> c.getSubjectX500Principal().getName()).orElse("-");
  }
}
