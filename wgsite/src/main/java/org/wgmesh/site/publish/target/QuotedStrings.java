package org.wgmesh.site.publish.target;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * DNS presentation form of TXT character-strings: {@code "..."} with {@code \"} and {@code \\}
 * escaped and every byte outside printable ASCII written as a backslash and three digits. Zone
 * files (RFC 1035 section 5.1) use decimal digits; Route53 uses octal, so the radix is a parameter.
 */
public final class QuotedStrings {
  public static final int ZONE_FILE = 10;
  public static final int ROUTE53 = 8;

  private QuotedStrings() {}

  /** Quotes one string (its UTF-8 bytes). */
  public static String quote(String s, int radix) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c == '"' || c == '\\') {
        b.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7f) {
        b.append((char) c);
      } else {
        String digits = Integer.toString(c, radix);
        b.append('\\').append("0".repeat(3 - digits.length())).append(digits);
      }
    }
    return b.append('"').toString();
  }

  /**
   * Parses one or more quoted strings separated by blanks, e.g. {@code "a" "b\"c"}.
   *
   * @throws IllegalArgumentException naming the column (1-based) of the first problem
   */
  public static List<String> parseAll(String text, int radix) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (true) {
      while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
        i++;
      }
      if (i == n) {
        break;
      }
      if (text.charAt(i) != '"') {
        throw new IllegalArgumentException(
            "column " + (i + 1) + ": expected '\"' to start a TXT string");
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      i++;
      boolean closed = false;
      while (i < n) {
        char c = text.charAt(i);
        if (c == '"') {
          closed = true;
          i++;
          break;
        }
        if (c == '\\') {
          i = unescape(text, i, radix, bytes);
        } else {
          byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
          bytes.write(utf8, 0, utf8.length);
          i++;
        }
      }
      if (!closed) {
        throw new IllegalArgumentException(
            "column " + (n + 1) + ": TXT string not closed with '\"'");
      }
      if (i < n && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
        throw new IllegalArgumentException("column " + (i + 1) + ": text after a closing '\"'");
      }
      if (bytes.size() > 255) {
        throw new IllegalArgumentException(
            "TXT string of " + bytes.size() + " bytes, over the 255-byte limit");
      }
      out.add(bytes.toString(StandardCharsets.UTF_8));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("column 1: no TXT string");
    }
    return out;
  }

  /** Decodes the escape at {@code text[i] == '\\'}; returns the index after it. */
  private static int unescape(String text, int i, int radix, ByteArrayOutputStream bytes) {
    if (i + 1 >= text.length()) {
      throw new IllegalArgumentException("column " + (i + 1) + ": backslash at the end");
    }
    char next = text.charAt(i + 1);
    if (Character.digit(next, radix) >= 0) {
      if (i + 4 > text.length()) {
        throw new IllegalArgumentException(
            "column " + (i + 1) + ": expected three digits after '\\'");
      }
      String digits = text.substring(i + 1, i + 4);
      int value;
      try {
        value = Integer.parseInt(digits, radix);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("column " + (i + 1) + ": bad escape '\\" + digits + "'");
      }
      if (value > 255) {
        throw new IllegalArgumentException(
            "column " + (i + 1) + ": escape '\\" + digits + "' is over 255");
      }
      bytes.write(value);
      return i + 4;
    }
    byte[] utf8 = String.valueOf(next).getBytes(StandardCharsets.UTF_8);
    bytes.write(utf8, 0, utf8.length);
    return i + 2;
  }
}
