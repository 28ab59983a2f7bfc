package org.wgmesh.site.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.testing.TestClock;

class RateLimiterTest {

  private static InetAddress address(int last) throws Exception {
    return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) last});
  }

  @Test
  void burstThenRetryAfter_thenRefilled() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    RateLimiter<InetAddress> limiter = new RateLimiter<>(3, Duration.ofMinutes(1), 100, clock);
    InetAddress a = address(1);
    assertThat(limiter.acquire(a)).isEmpty();
    assertThat(limiter.acquire(a)).isEmpty();
    assertThat(limiter.acquire(a)).isEmpty();
    assertThat(limiter.acquire(a)).isEqualTo(Optional.of(Duration.ofSeconds(20)));
    // another address has its own bucket
    assertThat(limiter.acquire(address(2))).isEmpty();
    clock.now = clock.now.plusSeconds(20);
    assertThat(limiter.acquire(a)).isEmpty();
    assertThat(limiter.acquire(a)).isPresent();
  }

  @Test
  void trackedClients_areBounded_fullBucketsForgotten() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    RateLimiter<InetAddress> limiter = new RateLimiter<>(2, Duration.ofSeconds(10), 3, clock);
    for (int i = 1; i <= 3; i++) {
      assertThat(limiter.acquire(address(i))).isEmpty();
    }
    // the map is full and no bucket has refilled: a new address waits too
    assertThat(limiter.acquire(address(4))).isEqualTo(Optional.of(Duration.ofSeconds(1)));
    assertThat(limiter.trackedClients()).isEqualTo(3);
    clock.now = clock.now.plusSeconds(10);
    assertThat(limiter.acquire(address(4))).isEmpty();
    assertThat(limiter.trackedClients()).isEqualTo(1);
  }

  @Test
  void waiting_takesNothing_andSaysHowLongOnceTheBucketIsEmpty() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    RateLimiter<String> limiter = new RateLimiter<>(2, Duration.ofMinutes(1), 100, clock);
    assertThat(limiter.waiting("a")).isEmpty();
    assertThat(limiter.waiting("a")).isEmpty();
    assertThat(limiter.trackedClients()).isZero();
    limiter.acquire("a");
    limiter.acquire("a");
    assertThat(limiter.waiting("a")).contains(Duration.ofSeconds(30));
    clock.now = clock.now.plusSeconds(30);
    assertThat(limiter.waiting("a")).isEmpty();
    assertThat(limiter.acquire("a")).isEmpty();
  }
}
