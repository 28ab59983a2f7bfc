package org.wgmesh.core.registration;

import java.util.Base64;

/**
 * The base64url form of registration and rotation blobs: unpadded, and only in its one canonical
 * spelling. The JDK decoder ignores the unused low bits of the last character, so without the
 * canonical check two texts would open to the same blob and a changed last character could go
 * unnoticed.
 */
final class BlobBase64 {
  private BlobBase64() {}

  static String encode(byte[] data) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(data);
  }

  /**
   * Decodes {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong: padding, a character outside the
   *     alphabet, or a spelling other than the canonical one
   */
  static byte[] decode(String text) {
    if (text.contains("=")) {
      throw new IllegalArgumentException("padding '=' is not used");
    }
    byte[] data = Base64.getUrlDecoder().decode(text);
    if (!encode(data).equals(text)) {
      throw new IllegalArgumentException("the last character has stray bits (not canonical)");
    }
    return data;
  }
}
