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
 * @param keySwitchDelay site file {@code key-switch-delay}: how long after a host's new key is
 *     first published every end switches to it ({@link #switchDelay}); empty: the default, {@link
 *     #DEFAULT_KEY_SWITCH_DELAY}
 */
public record KeyPolicy(
    Optional<Duration> groupKeyMaxAge,
    Optional<SiteKeyRoll> roll,
    Optional<Duration> keySwitchDelay) {
  /**
   * The default {@code key-switch-delay}: above the endpoints' deploy interval (5 min + 30 s
   * jitter) plus the default record TTL (5 min), so every peer has read the new key before the
   * switch.
   */
  public static final Duration DEFAULT_KEY_SWITCH_DELAY = Duration.ofMinutes(15);

  /** No schedule and no roll: the group key rotates on removals only. */
  public static final KeyPolicy NONE =
      new KeyPolicy(Optional.empty(), Optional.empty(), Optional.empty());

  public KeyPolicy {
    Objects.requireNonNull(groupKeyMaxAge, "groupKeyMaxAge");
    Objects.requireNonNull(roll, "roll");
    Objects.requireNonNull(keySwitchDelay, "keySwitchDelay");
    groupKeyMaxAge.ifPresent(
        d -> {
          if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("group-key-max-age must be positive");
          }
        });
    keySwitchDelay.ifPresent(
        d -> {
          if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("key-switch-delay must be positive");
          }
        });
  }

  /** A policy with the default key-switch delay. */
  public KeyPolicy(Optional<Duration> groupKeyMaxAge, Optional<SiteKeyRoll> roll) {
    this(groupKeyMaxAge, roll, Optional.empty());
  }

  /** This policy with {@code roll} (or none). */
  public KeyPolicy withRoll(Optional<SiteKeyRoll> roll) {
    return new KeyPolicy(groupKeyMaxAge, roll, keySwitchDelay);
  }

  /** This policy with {@code delay} as its {@code key-switch-delay} (empty: the default). */
  public KeyPolicy withKeySwitchDelay(Optional<Duration> delay) {
    return new KeyPolicy(groupKeyMaxAge, roll, delay);
  }

  /** The key-switch delay in effect: the site file's, else the default. */
  public Duration switchDelay() {
    return keySwitchDelay.orElse(DEFAULT_KEY_SWITCH_DELAY);
  }
}
