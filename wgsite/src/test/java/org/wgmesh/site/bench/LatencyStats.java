package org.wgmesh.site.bench;

import java.util.Arrays;

/**
 * Latencies of a load run, in microseconds, and their percentiles by the nearest-rank method (the
 * p-th percentile is the smallest sample at or above which p per cent of the samples lie). Thread
 * safe: the load generator's response threads add to it.
 */
final class LatencyStats {
  private long[] samples = new long[1024];
  private int count;

  synchronized void add(long micros) {
    if (micros < 0) {
      throw new IllegalArgumentException("a latency is not negative: " + micros);
    }
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = micros;
  }

  synchronized int count() {
    return count;
  }

  /**
   * The nearest-rank percentile.
   *
   * @param p per cent, above 0 and at most 100
   * @throws IllegalStateException when there are no samples
   */
  synchronized long percentile(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("a percentile is above 0 and at most 100: " + p);
    }
    if (count == 0) {
      throw new IllegalStateException("no samples");
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100 * count);
    return sorted[Math.max(1, rank) - 1];
  }

  synchronized long max() {
    return percentile(100);
  }

  /** {@code p50 … ms, p99 … ms, max … ms} with one decimal, or {@code no samples}. */
  synchronized String summary() {
    if (count == 0) {
      return "no samples";
    }
    return String.format(
        "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d requests)",
        percentile(50) / 1000.0,
        percentile(90) / 1000.0,
        percentile(99) / 1000.0,
        max() / 1000.0,
        count);
  }
}
