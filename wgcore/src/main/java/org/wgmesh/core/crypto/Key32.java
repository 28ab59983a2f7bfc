package org.wgmesh.core.crypto;

import java.util.Arrays;
import java.util.Base64;
import org.wgmesh.core.error.InputException;

/**
 * 32 raw key bytes in the text form WireGuard uses: standard base64 with padding (44 characters),
 * as printed by {@code wg genkey} and {@code wg pubkey}.
 */
abstract class Key32 {
  static final int LENGTH = 32;
  private final byte[] raw;

  Key32(byte[] raw) {
    if (raw == null || raw.length != LENGTH) {
      throw new IllegalArgumentException("a key is exactly 32 bytes");
    }
    this.raw = raw.clone();
  }

  /** Decodes the base64 text form, naming {@code what} in the error. */
  static byte[] decode(String text, String what) {
    if (text == null) {
      throw new InputException(what, "missing key");
    }
    String t = text.strip();
    byte[] b;
    try {
      b = Base64.getDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      throw new InputException(what, "not base64: " + e.getMessage());
    }
    if (b.length != LENGTH || t.length() != 44) {
      throw new InputException(
          what, "a key is 32 bytes in base64 (44 characters), got " + t.length() + " characters");
    }
    return b;
  }

  /** A copy of the raw bytes. */
  public byte[] bytes() {
    return raw.clone();
  }

  /** The base64 text form (44 characters). */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && Arrays.equals(((Key32) o).raw, raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }
}
