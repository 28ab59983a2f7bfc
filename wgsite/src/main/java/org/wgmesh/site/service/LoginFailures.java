package org.wgmesh.site.service;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Failed admin logins per client address: after {@code allowed} failures within {@code window} the
 * address is refused (429) until the oldest of them is older than the window, before any password
 * is checked; so guessing costs the guesser time and the site no hashing. Bounded: at most {@code
 * maxClients} addresses are remembered; when that many are and none can be forgotten, every address
 * is refused (a flood from many addresses locks the page rather than growing the map). Thread-safe.
 */
final class LoginFailures {
  private final int allowed;
  private final Duration window;
  private final int maxClients;
  private final Clock clock;
  private final Map<InetAddress, Deque<Instant>> failures = new HashMap<>();

  LoginFailures(int allowed, Duration window, int maxClients, Clock clock) {
    this.allowed = allowed;
    this.window = window;
    this.maxClients = maxClients;
    this.clock = clock;
  }

  /** How long {@code client} must wait before it may try again; empty when it may now. */
  synchronized Optional<Duration> blocked(InetAddress client) {
    Instant now = clock.instant();
    Deque<Instant> times = failures.get(client);
    if (times == null) {
      return failures.size() >= maxClients && !purge(now) ? Optional.of(window) : Optional.empty();
    }
    expire(times, now);
    if (times.size() < allowed) {
      return Optional.empty();
    }
    Duration wait = Duration.between(now, times.peekFirst().plus(window));
    return Optional.of(wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait);
  }

  /** Counts a failed login of {@code client}. */
  synchronized void failed(InetAddress client) {
    Instant now = clock.instant();
    if (!failures.containsKey(client) && failures.size() >= maxClients && !purge(now)) {
      return;
    }
    Deque<Instant> times = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
    expire(times, now);
    times.addLast(now);
    while (times.size() > allowed) {
      times.removeFirst();
    }
  }

  private void expire(Deque<Instant> times, Instant now) {
    while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
      times.removeFirst();
    }
  }

  /** Forgets addresses whose failures have all expired; whether there is room now. */
  private boolean purge(Instant now) {
    failures
        .values()
        .removeIf(
            times -> {
              expire(times, now);
              return times.isEmpty();
            });
    return failures.size() < maxClients;
  }
}
