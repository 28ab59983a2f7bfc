package org.wgmesh.core.site;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the site's keys change over time (issue 12, "Keys over time").
 *
 * @param groupKeyMaxAge site file {@code group-key-max-age}: {@code wgpub} starts a new group-key
 *     epoch when the current one is at least this old, in addition to every removal; empty: only
 *     removals rotate it
 */
public record KeyPolicy(Optional<Duration> groupKeyMaxAge) {
  /** No schedule: the group key rotates on removals only. */
  public static final KeyPolicy NONE = new KeyPolicy(Optional.empty());

  public KeyPolicy {
    Objects.requireNonNull(groupKeyMaxAge, "groupKeyMaxAge");
    groupKeyMaxAge.ifPresent(
        d -> {
          if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("group-key-max-age must be positive");
          }
        });
  }
}
