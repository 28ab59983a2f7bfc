package org.wgmesh.core.site;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.error.InputException;

/**
 * Durations in the site file: a whole number with an optional unit {@code s}, {@code m}, {@code h},
 * {@code d} (default seconds).
 */
final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*([smhd]?)");

  private Durations() {}

  static Duration parse(String text, String what) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw new InputException(
          what, "'" + text + "' is not a duration", "write e.g. 300, 300s, 15m, 12h or 7d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofSeconds(n);
    };
  }

  /** The shortest exact text: {@code 7d}, {@code 90m}, {@code 300s}. */
  static String format(Duration d) {
    long s = d.getSeconds();
    if (s != 0 && s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
