package org.wgmesh.site.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A token bucket per client (an address, or an authenticated identity such as a device
 * certificate's subject): each client may make {@code requests} requests at once and gets them back
 * at an even rate over {@code per}. Memory is bounded: at most {@code maxClients} clients are
 * tracked; when that many are, buckets that have filled up again are forgotten, and if none has, a
 * new client is refused too (a flood from many clients throttles everyone rather than growing the
 * map). Thread-safe.
 *
 * @param <K> what a client is told apart by
 */
public final class RateLimiter<K> {
  private final int requests;
  private final double tokensPerMilli;
  private final int maxClients;
  private final Clock clock;
  private final Map<K, Bucket> buckets = new HashMap<>();
  private Instant lastPurge = Instant.MIN;

  private static final class Bucket {
    double tokens;
    Instant updated;

    Bucket(double tokens, Instant updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  public RateLimiter(int requests, Duration per, int maxClients, Clock clock) {
    if (requests < 1 || per.isNegative() || per.isZero() || maxClients < 1) {
      throw new IllegalArgumentException(
          "rate limit: requests, period and tracked clients must be positive");
    }
    this.requests = requests;
    this.tokensPerMilli = requests / (double) per.toMillis();
    this.maxClients = maxClients;
    this.clock = clock;
  }

  /**
   * Takes one request from {@code client}'s bucket.
   *
   * @return empty when the request may go ahead; otherwise how long until it may (at least one
   *     second, as {@code Retry-After} counts whole seconds)
   */
  public synchronized Optional<Duration> acquire(K client) {
    Instant now = clock.instant();
    Bucket bucket = buckets.get(client);
    if (bucket == null) {
      if (buckets.size() >= maxClients && !purge(now)) {
        return Optional.of(Duration.ofSeconds(1));
      }
      bucket = new Bucket(requests, now);
      buckets.put(client, bucket);
    }
    refill(bucket, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return Optional.empty();
    }
    return Optional.of(untilNext(bucket));
  }

  /**
   * How long {@code client} must wait before its next request, without taking one: for requests
   * that are charged only when they fail ({@link #acquire} then).
   *
   * @return empty when a request may go ahead
   */
  public synchronized Optional<Duration> waiting(K client) {
    Bucket bucket = buckets.get(client);
    if (bucket == null) {
      return Optional.empty();
    }
    refill(bucket, clock.instant());
    return bucket.tokens >= 1 ? Optional.empty() : Optional.of(untilNext(bucket));
  }

  /** Until {@code bucket} has a whole token again: at least one second (Retry-After is whole). */
  private Duration untilNext(Bucket bucket) {
    long waitMillis = (long) Math.ceil((1 - bucket.tokens) / tokensPerMilli);
    return Duration.ofSeconds(Math.max(1, (waitMillis + 999) / 1000));
  }

  /** How many clients are tracked now (for tests of the bound). */
  public synchronized int trackedClients() {
    return buckets.size();
  }

  private void refill(Bucket bucket, Instant now) {
    long elapsed = Math.max(0, Duration.between(bucket.updated, now).toMillis());
    bucket.tokens = Math.min(requests, bucket.tokens + elapsed * tokensPerMilli);
    bucket.updated = now;
  }

  /**
   * Forgets the buckets that are full again, at most once a second (a scan of the whole map).
   *
   * @return whether there is room for a new address now
   */
  private boolean purge(Instant now) {
    if (Duration.between(lastPurge, now).compareTo(Duration.ofSeconds(1)) >= 0) {
      lastPurge = now;
      buckets
          .values()
          .removeIf(
              b ->
                  b.tokens
                          + Math.max(0, Duration.between(b.updated, now).toMillis())
                              * tokensPerMilli
                      >= requests);
    }
    return buckets.size() < maxClients;
  }
}
