package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SleeperTest {
  @Test
  void real_returnsOnlyOnceTheClockShowsTheInstant_alsoOnAClockAheadOfTheSystemsOne() {
    // A clock a day ahead, as an endpoint under a set clock or the lab's faketime sees it.
    Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofDays(1));
    for (long ms : new long[] {0, 7, 45, 260}) {
      Instant at = ahead.instant().plusMillis(ms);
      Sleeper.REAL.sleepUntil(at, ahead);
      assertThat(ahead.instant()).as("after waiting %d ms", ms).isAfterOrEqualTo(at);
    }
  }

  @Test
  void real_withAnInstantPast_returnsAtOnce() {
    Clock c = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);
    // A fixed clock never reaches a later instant: only a past one may return here.
    Sleeper.REAL.sleepUntil(c.instant().minusSeconds(1), c);
    Sleeper.REAL.sleepUntil(c.instant(), c);
  }
}
