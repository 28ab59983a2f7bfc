package org.wgmesh.site.service;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a request to the status page comes from an admin: by its TLS-verified client
 * certificate or its {@code Authorization} header. The seam between the service (routes, limits,
 * answers) and the site's admin rules and password file.
 */
@FunctionalInterface
public interface AdminCheck {
  /** No admins at all: every request is answered 401, nothing is ever served. */
  AdminCheck NOBODY = (chain, authorization) -> new AdminVerdict.NoCredential();

  /**
   * Checks one request.
   *
   * @param chain the TLS-verified client chain, leaf first; empty without a certificate
   * @param authorization the {@code Authorization} header, when the request has one
   */
  AdminVerdict check(List<X509Certificate> chain, Optional<String> authorization);
}
