package org.wgmesh.core.record;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.error.SafeText;

/**
 * Cuts an encoded record into indexed TXT strings ({@code 0:...}, {@code 1:...}) and joins them
 * back. The index carries the order, so resolvers may return the strings in any order; joining is
 * strict about everything else (gaps, duplicates, bad base64, non-canonical padding).
 */
final class TxtChunks {
  /** Base64 characters per string: with an index of up to 3 digits and ':' this stays under 255. */
  static final int PIECE = 250;

  /** More strings than this is not something the site writes (it would be a 16 KB RRset). */
  static final int MAX_STRINGS = 64;

  private static final Pattern CHUNK =
      Pattern.compile("(0|[1-9][0-9]?):([A-Za-z0-9+/=]{1," + PIECE + "})");

  private TxtChunks() {}

  /** Standard base64 (with padding) of {@code data}, in indexed strings of at most 255 bytes. */
  static List<String> split(byte[] data) {
    String b64 = Base64.getEncoder().encodeToString(data);
    List<String> out = new ArrayList<>();
    for (int i = 0, index = 0; i < b64.length(); i += PIECE, index++) {
      out.add(index + ":" + b64.substring(i, Math.min(b64.length(), i + PIECE)));
    }
    if (out.size() > MAX_STRINGS) {
      throw new IllegalArgumentException("record too large: " + out.size() + " TXT strings");
    }
    return out;
  }

  /**
   * Joins the strings of {@code rrset} by index and decodes the base64.
   *
   * @throws RecordException naming the record and what is wrong with which string
   */
  static byte[] join(TxtRecordSet rrset) {
    String name = rrset.name();
    List<String> strings = rrset.strings();
    if (strings.isEmpty()) {
      throw new RecordException(name, "field 'chunks': the RRset has no TXT strings");
    }
    if (strings.size() > MAX_STRINGS) {
      throw new RecordException(
          name,
          "field 'chunks': "
              + strings.size()
              + " TXT strings, at most "
              + MAX_STRINGS
              + " allowed");
    }
    String[] pieces = new String[strings.size()];
    for (String s : strings) {
      Matcher m = CHUNK.matcher(s == null ? "" : s);
      if (!m.matches()) {
        throw new RecordException(
            name, "field 'chunks': TXT string '" + abbreviate(s) + "' is not INDEX:BASE64");
      }
      int index = Integer.parseInt(m.group(1));
      if (index >= pieces.length) {
        throw new RecordException(
            name,
            "field 'chunks': index "
                + index
                + " but only "
                + pieces.length
                + " strings (a chunk is missing)");
      }
      if (pieces[index] != null) {
        throw new RecordException(name, "field 'chunks': index " + index + " appears twice");
      }
      pieces[index] = m.group(2);
    }
    String joined = String.join("", pieces);
    byte[] data;
    try {
      data = Base64.getDecoder().decode(joined);
    } catch (IllegalArgumentException e) {
      throw new RecordException(name, "field 'chunks': not valid base64 (" + e.getMessage() + ")");
    }
    // The JDK decoder ignores stray bits in the last character and accepts missing padding in
    // places; only the canonical text is accepted, so one record has exactly one spelling.
    if (!Base64.getEncoder().encodeToString(data).equals(joined)) {
      throw new RecordException(name, "field 'chunks': base64 is not in canonical padded form");
    }
    return data;
  }

  private static String abbreviate(String s) {
    // Never echo control characters from DNS into a terminal.
    return SafeText.abbreviate(s, 20);
  }
}
