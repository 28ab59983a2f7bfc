package org.wgmesh.core.enrolment;

import java.time.Duration;
import java.util.Objects;

/**
 * The site's defaults for join tokens ({@code enrolment.tokens}): what {@code wgsite --token} gives
 * a token when its options do not say otherwise. A token keeps what it was made with, so a later
 * change of these defaults does not widen tokens already handed out.
 *
 * @param expires how long a new token is valid
 * @param uses how many hosts a new token admits
 * @param admit at once, or queued for a human
 * @param rejoin whether a host may come back under the same token identity with a new key
 */
public record TokenDefaults(Duration expires, int uses, Admit admit, boolean rejoin) {
  /** The longest a token may be valid: a token is a bearer secret, not a standing credential. */
  public static final Duration MAX_EXPIRES = Duration.ofDays(366);

  /** The most uses a token may have. */
  public static final int MAX_USES = 100_000;

  /** One use within a day, queued for a human: the cautious choice when the file says nothing. */
  public static final TokenDefaults DEFAULT =
      new TokenDefaults(Duration.ofDays(1), 1, Admit.QUEUE, false);

  public TokenDefaults {
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(admit, "admit");
    if (expires.isNegative() || expires.isZero() || expires.compareTo(MAX_EXPIRES) > 0) {
      throw new IllegalArgumentException("expires " + expires);
    }
    if (uses < 1 || uses > MAX_USES) {
      throw new IllegalArgumentException("uses " + uses);
    }
  }
}
