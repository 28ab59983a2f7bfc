package org.wgmesh.core.error;

/**
 * Makes text from input safe to show on a terminal: every control character (C0 except newline and
 * tab, DEL, and the C1 range, which holds the one-byte CSI) becomes {@code \xNN}. A zone file, a
 * blob or a site-file value can hold escape sequences that would otherwise move the cursor, retitle
 * the window or hide the rest of a message (issue 19).
 *
 * <p>{@link WgmeshException} applies it to every message it carries, and {@link
 * org.wgmesh.core.cli.Io} to everything written on stderr, so a message built anywhere is safe.
 */
public final class SafeText {
  private SafeText() {}

  /** {@code text} with each control character shown as {@code \xNN}; null stays null. */
  public static String escape(String text) {
    if (text == null || isSafe(text)) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isControl(c)) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * At most the first {@code max} characters of {@code text} (then {@code ...}), escaped: for
   * quoting a piece of input that may be long.
   */
  public static String abbreviate(String text, int max) {
    if (text == null) {
      return "";
    }
    return escape(text.length() > max ? text.substring(0, max) + "..." : text);
  }

  /** Whether {@code c} is a control character that {@link #escape} replaces. */
  public static boolean isControl(char c) {
    return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
  }

  private static boolean isSafe(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (isControl(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
