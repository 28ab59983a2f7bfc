package org.wgmesh.core.enrolment;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.registration.Registration;

/**
 * The hostnames a join token admits: a host label where {@code *} stands for any run of letters,
 * digits and hyphens ({@code web-*}, {@code *}), or one exact name.
 *
 * @param text the pattern, lower case
 */
public record HostnamePattern(String text) {
  private static final Pattern FORM = Pattern.compile("[a-z0-9*][a-z0-9*-]{0,62}");

  public HostnamePattern {
    Objects.requireNonNull(text, "text");
    if (!FORM.matcher(text).matches()) {
      throw new IllegalArgumentException(text);
    }
  }

  /**
   * Parses a pattern.
   *
   * @throws InputException naming {@code what} when it is not a host label with {@code *}s
   */
  public static HostnamePattern parse(String text, String what) {
    String t = text.toLowerCase(Locale.ROOT);
    if (!FORM.matcher(t).matches()) {
      throw new InputException(
          what,
          "'" + text + "' is not a hostname pattern",
          "use letters, digits, hyphens and * (any run of them), e.g. web-*");
    }
    return new HostnamePattern(t);
  }

  /** Whether {@code name} is a valid host label ({@link Registration#checkHostname}). */
  public static boolean isHostLabel(String name) {
    try {
      Registration.checkHostname(name, "hostname");
      return true;
    } catch (InputException e) {
      return false;
    }
  }

  /** Whether {@code hostname} (any case) matches. */
  public boolean matches(String hostname) {
    StringBuilder re = new StringBuilder();
    for (String part : text.split("\\*", -1)) {
      if (re.length() > 0) {
        re.append("[a-z0-9-]*");
      }
      re.append(Pattern.quote(part));
    }
    return Pattern.matches(re.toString(), hostname.toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return text;
  }
}
