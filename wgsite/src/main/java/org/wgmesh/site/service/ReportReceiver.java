package org.wgmesh.site.service;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Takes a host's health report ({@code POST /v1/report}): authenticates the client as a host of the
 * site, parses the body and stores it. The service only routes and limits; what a report means is
 * the receiver's business (the seam, like {@link EnrolmentDecider}).
 */
@FunctionalInterface
public interface ReportReceiver extends AutoCloseable {
  /** A service that takes no reports: every report is answered 403. */
  ReportReceiver NONE =
      (chain, bearer, client, body) -> {
        throw new NotAuthenticatedException("this service takes no reports");
      };

  /**
   * Receives one report.
   *
   * @param chain the TLS-verified client chain, leaf first; empty without a certificate
   * @param bearer the credential of an {@code Authorization: Bearer} header, if the request has one
   *     (a token-enrolled host's report credential); never to be logged
   * @param client the client's address
   * @param body the request body, within the service's body-size limit
   * @return the hostname the report was stored for
   * @throws NotAuthenticatedException when the client is not a host of the site (403)
   * @throws BadRequestException when the body is not a report (400 naming the field)
   */
  String receive(
      List<X509Certificate> chain, Optional<String> bearer, InetAddress client, byte[] body);

  /**
   * Authenticates a host without a report ({@code GET /v1/nudge}): as {@link #receive}, the device
   * certificate or the report credential must name a host of the site now.
   *
   * @return the hostname
   * @throws NotAuthenticatedException when the client is not a host of the site (403)
   */
  default String host(List<X509Certificate> chain, Optional<String> bearer) {
    throw new NotAuthenticatedException("this service knows no hosts");
  }

  /**
   * Called once by {@link EnrolmentServer#close} after the last request: a receiver that holds
   * reports in memory writes them here.
   */
  @Override
  default void close() {}
}
