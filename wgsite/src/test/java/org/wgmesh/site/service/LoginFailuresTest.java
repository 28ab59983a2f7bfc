package org.wgmesh.site.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.testing.TestClock;

class LoginFailuresTest {

  TestClock clock = new TestClock(Instant.parse("2026-12-05T00:00:00Z"));
  LoginFailures failures = new LoginFailures(3, Duration.ofMinutes(5), 2, clock);

  static InetAddress at(String a) throws Exception {
    return InetAddress.getByName(a);
  }

  @Test
  void anAddress_isBlockedAfterItsFailures_untilTheOldestExpires() throws Exception {
    InetAddress a = at("192.0.2.1");
    for (int i = 0; i < 3; i++) {
      assertThat(failures.blocked(a)).isEmpty();
      failures.failed(a);
      clock.now = clock.now.plusSeconds(60);
    }
    // Failures at 0, 60 and 120 s; now 180 s: blocked until 300 s.
    assertThat(failures.blocked(a)).contains(Duration.ofSeconds(120));
    assertThat(failures.blocked(at("192.0.2.2"))).isEmpty();
    clock.now = clock.now.plusSeconds(120);
    assertThat(failures.blocked(a)).isEmpty();
    failures.failed(a);
    assertThat(failures.blocked(a)).contains(Duration.ofSeconds(60));
  }

  @Test
  void memoryIsBounded_aFloodOfAddressesBlocksNewOnes_untilOldFailuresExpire() throws Exception {
    failures.failed(at("192.0.2.1"));
    failures.failed(at("192.0.2.2"));
    assertThat(failures.blocked(at("192.0.2.3"))).contains(Duration.ofMinutes(5));
    clock.now = clock.now.plus(Duration.ofMinutes(5));
    assertThat(failures.blocked(at("192.0.2.3"))).isEmpty();
  }
}
