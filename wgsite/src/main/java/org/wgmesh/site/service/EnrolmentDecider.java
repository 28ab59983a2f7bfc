package org.wgmesh.site.service;

/**
 * The admission decision behind {@code POST /v1/enrol}: the seam between the HTTPS service (this
 * package: TLS, limits, parsing, answering) and the site's enrolment policy (the {@code enrolment:}
 * rules of the site file, join tokens, CRL checks, the queue, publishing).
 *
 * <p>An implementation decides all or nothing: a request is admitted and published, queued, or
 * refused with nothing changed. It may be called from several threads at once. An exception it
 * throws is logged (its message must hold no secret) and answered 500, "nothing was changed"; for
 * anything about the request itself it returns {@link Decision#refused} with the reason.
 */
@FunctionalInterface
public interface EnrolmentDecider {
  Decision decide(EnrolmentRequest request);
}
