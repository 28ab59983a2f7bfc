package org.wgmesh.core.enrolment;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The limits of the enrolment service that the site file sets ({@code enrolment.limits}); each one
 * absent keeps the service's default ({@code docs/enrolment.md}, "Limits"). Only what the file says
 * is held, so that a section without limits is written back without them.
 *
 * @param requestsPerMinute requests one client address may make per minute (the rate limit)
 * @param maxConnections open connections across all addresses
 * @param maxThreads the service's thread pool
 * @param maxBodyBytes the largest request body
 * @param idleTimeout how long a connection may send nothing
 * @param connectionDeadline how long a connection may live at all
 * @param maxFollowers how many endpoints may wait for a nudge at once (the push, {@code GET
 *     /v1/nudge}), on a connection budget of their own
 */
public record ServiceLimits(
    OptionalInt requestsPerMinute,
    OptionalInt maxConnections,
    OptionalInt maxThreads,
    OptionalInt maxBodyBytes,
    Optional<Duration> idleTimeout,
    Optional<Duration> connectionDeadline,
    OptionalInt maxFollowers) {
  /** No limit set: every one at the service's default. */
  public static final ServiceLimits NONE =
      new ServiceLimits(
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          Optional.empty(),
          Optional.empty(),
          OptionalInt.empty());

  public static final int MAX_REQUESTS_PER_MINUTE = 100_000;
  public static final int MAX_CONNECTIONS = 100_000;
  public static final int MAX_THREADS = 1_000;
  public static final int MAX_FOLLOWERS = 100_000;

  /** A blob is at most 8192 characters: a smaller body could not enrol anything. */
  public static final int MIN_BODY_BYTES = 16 * 1024;

  public static final int MAX_BODY_BYTES = 1 << 20;
  public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration MAX_IDLE_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration MAX_CONNECTION_DEADLINE = Duration.ofHours(1);

  /**
   * The fewest threads for {@code addresses} listen addresses: Jetty leases an acceptor and a
   * selector thread per address, and requests need some besides.
   */
  public static int minThreads(int addresses) {
    return 2 * addresses + 2;
  }
}
