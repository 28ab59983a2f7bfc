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
 * @param roll a site signing-key roll under way ({@code site-keys.next-signing-public} and {@code
 *     site-keys.roll-at}), if any
 */
public record KeyPolicy(Optional<Duration> groupKeyMaxAge, Optional<SiteKeyRoll> roll) {
  /** No schedule and no roll: the group key rotates on removals only. */
  public static final KeyPolicy NONE = new KeyPolicy(Optional.empty(), Optional.empty());

  public KeyPolicy {
    Objects.requireNonNull(groupKeyMaxAge, "groupKeyMaxAge");
    Objects.requireNonNull(roll, "roll");
    groupKeyMaxAge.ifPresent(
        d -> {
          if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("group-key-max-age must be positive");
          }
        });
  }

  /** This policy with {@code roll} (or none). */
  public KeyPolicy withRoll(Optional<SiteKeyRoll> roll) {
    return new KeyPolicy(groupKeyMaxAge, roll);
  }
}
