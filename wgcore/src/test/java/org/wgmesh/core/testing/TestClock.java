package org.wgmesh.core.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test sets: it stands at {@link #now} until the test moves it. UTC. For the code that
 * takes a {@link Clock} (rate limits, expiry, key switches, the site's republication).
 */
public final class TestClock extends Clock {
  /** The time it says. Volatile: the code under test may read it on a thread of its own. */
  public volatile Instant now;

  public TestClock(Instant now) {
    this.now = now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
