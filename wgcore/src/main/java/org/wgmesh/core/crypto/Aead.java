package org.wgmesh.core.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) with a random 12-byte nonce, as used for host entries under the mesh
 * group key. A fresh {@link Cipher} per operation: the JDK refuses to re-initialise one with the
 * same key and nonce.
 */
public final class Aead {
  public static final int KEY_LENGTH = 32;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Aead() {}

  /** A new random 32-byte key. */
  public static byte[] newKey() {
    byte[] k = new byte[KEY_LENGTH];
    RANDOM.nextBytes(k);
    return k;
  }

  /** {@code nonce || ciphertext || tag}. */
  public static byte[] seal(byte[] key, byte[] aad, byte[] plaintext) {
    byte[] nonce = new byte[NONCE_LENGTH];
    RANDOM.nextBytes(nonce);
    return seal(key, aad, plaintext, nonce);
  }

  /**
   * {@code nonce || ciphertext || tag} with a nonce the caller chose. A nonce must never repeat
   * under one key: production code draws it from a {@link SecureRandom}; fixed nonces are for test
   * vectors only.
   *
   * @throws IllegalArgumentException when the key or nonce has the wrong length
   */
  public static byte[] seal(byte[] key, byte[] aad, byte[] plaintext, byte[] nonce) {
    if (key == null || key.length != KEY_LENGTH || nonce == null || nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException(
          "ChaCha20-Poly1305 needs a 32-byte key and a 12-byte nonce");
    }
    try {
      Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
      c.updateAAD(aad);
      byte[] ct = c.doFinal(plaintext);
      byte[] out = new byte[NONCE_LENGTH + ct.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
      System.arraycopy(ct, 0, out, NONCE_LENGTH, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 is part of every Java 17 runtime", e);
    }
  }

  /** Opens {@code nonce || ciphertext || tag}; empty when it does not authenticate. */
  public static Optional<byte[]> open(byte[] key, byte[] aad, byte[] sealed) {
    if (key == null
        || key.length != KEY_LENGTH
        || sealed == null
        || sealed.length < NONCE_LENGTH + TAG_LENGTH) {
      return Optional.empty();
    }
    try {
      Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "ChaCha20"),
          new IvParameterSpec(sealed, 0, NONCE_LENGTH));
      c.updateAAD(aad);
      return Optional.of(c.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH));
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
  }
}
