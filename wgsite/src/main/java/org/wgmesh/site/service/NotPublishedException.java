package org.wgmesh.site.service;

/**
 * A decider admitted a host into the site file, but publishing it failed. As after {@code wgsite
 * -i} and a failed {@code wgpub}, the host stays in the site file and the next publication
 * completes it; the service answers 500 saying exactly that (not "nothing was changed").
 */
public final class NotPublishedException extends RuntimeException {
  public NotPublishedException(String message, Throwable cause) {
    super(message, cause);
  }
}
