package org.wgmesh.site.service;

/**
 * The client of a report is not a known host of the site (no certificate, a refused one, or a
 * hostname the site does not have). Answered 403 with the message, which names no secret.
 */
public final class NotAuthenticatedException extends RuntimeException {
  public NotAuthenticatedException(String message) {
    super(message);
  }
}
