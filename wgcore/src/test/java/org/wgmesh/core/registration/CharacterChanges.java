package org.wgmesh.core.registration;

import java.util.LinkedHashMap;
import java.util.Map;

/** Copies of a base64url text with one character changed, for tests that every one matters. */
final class CharacterChanges {
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private CharacterChanges() {}

  /**
   * For each position from {@code from} to the end: the text with that character replaced by the
   * next one of the alphabet (on the last character that may touch only its unused bits).
   */
  static Map<Integer, String> from(String text, int from) {
    Map<Integer, String> changes = new LinkedHashMap<>();
    for (int i = from; i < text.length(); i++) {
      char other = ALPHABET.charAt((ALPHABET.indexOf(text.charAt(i)) + 1) % ALPHABET.length());
      changes.put(i, text.substring(0, i) + other + text.substring(i + 1));
    }
    return changes;
  }
}
