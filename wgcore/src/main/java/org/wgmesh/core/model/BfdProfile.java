package org.wgmesh.core.model;

import java.util.Arrays;
import java.util.Locale;
import org.wgmesh.core.error.InputException;

/**
 * The BFD timers of every link (issue 21): how fast a dead link is detected, against how easily a
 * busy host misses probes and flaps a healthy one. Detection takes about interval x multiplier.
 */
public enum BfdProfile {
  /** 100 ms x 3: a dead link is detected in about 300 ms (the timers before issue 21). */
  NORMAL(100, 3),
  /** 20 ms x 3: about 60 ms, for failover within 150 ms; needs hosts that answer in time. */
  FAST(20, 3);

  private final int intervalMs;
  private final int multiplier;

  BfdProfile(int intervalMs, int multiplier) {
    this.intervalMs = intervalMs;
    this.multiplier = multiplier;
  }

  /** The transmit and receive interval, in milliseconds. */
  public int intervalMs() {
    return intervalMs;
  }

  /** How many intervals without a packet mark the session down. */
  public int multiplier() {
    return multiplier;
  }

  /** The name as files and options write it: {@code normal}, {@code fast}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code normal} or {@code fast}.
   *
   * @throws InputException naming {@code what} and the allowed values otherwise
   */
  public static BfdProfile parse(String text, String what) {
    for (BfdProfile p : values()) {
      if (p.text().equals(text)) {
        return p;
      }
    }
    throw new InputException(what, "'" + text + "' is not one of " + names());
  }

  /** {@code normal, fast}. */
  public static String names() {
    return String.join(", ", Arrays.stream(values()).map(BfdProfile::text).toList());
  }
}
