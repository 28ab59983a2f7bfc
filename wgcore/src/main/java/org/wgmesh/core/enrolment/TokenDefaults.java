package org.wgmesh.core.enrolment;

import java.time.Duration;
import java.util.Objects;
import org.wgmesh.core.error.InputException;

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
  /** The shortest a token may be valid. */
  public static final Duration MIN_EXPIRES = Duration.ofMinutes(1);

  /** The longest a token may be valid: a token is a bearer secret, not a standing credential. */
  public static final Duration MAX_EXPIRES = Duration.ofDays(366);

  /** The most uses a token may have. */
  public static final int MAX_USES = 100_000;

  /** One use within a day, queued for a human: the cautious choice when the file says nothing. */
  // Declared after the bounds it is checked against (static fields initialise in order).
  public static final TokenDefaults DEFAULT =
      new TokenDefaults(Duration.ofDays(1), 1, Admit.QUEUE, false);

  /**
   * Checks a token's validity period: 1m..366d.
   *
   * @throws InputException naming {@code what} otherwise
   */
  public static Duration checkExpires(Duration d, String what) {
    if (d.compareTo(MIN_EXPIRES) < 0 || d.compareTo(MAX_EXPIRES) > 0) {
      throw new InputException(
          what,
          text(d) + " is out of range 1m..366d",
          "a token is a bearer secret: keep it short-lived, e.g. 24h");
    }
    return d;
  }

  /** {@code 400d}, {@code 90m}, {@code 30s}: the largest unit that divides it. */
  private static String text(Duration d) {
    long s = d.toSeconds();
    return s % 86400 == 0
        ? s / 86400 + "d"
        : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  public TokenDefaults {
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(admit, "admit");
    checkExpires(expires, "expires");
    if (uses < 1 || uses > MAX_USES) {
      throw new IllegalArgumentException("uses " + uses);
    }
  }
}
