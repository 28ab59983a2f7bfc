package org.wgmesh.core.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.util.Pack;
import org.wgmesh.core.error.InputException;

/**
 * NaCl's {@code crypto_box_open} (curve25519xsalsa20poly1305), to read what the original wgmesh
 * sealed with PyNaCl's {@code Box.encrypt} (issue 26): X25519, HSalsa20 over the shared point
 * ({@code crypto_box_beforenm}), then XSalsa20-Poly1305 ({@code crypto_secretbox_open}). The box is
 * in PyNaCl's combined form, {@code nonce(24) || tag(16) || ciphertext}. Only opening is offered:
 * wgmesh never seals with NaCl (its own blobs and records use {@link Hpke}).
 *
 * <p>Bouncy Castle has X25519, XSalsa20 and Poly1305 but no HSalsa20, so that step is built here
 * from {@link Salsa20Engine#salsaCore}. The tag is checked, in constant time, before a byte is
 * decrypted.
 */
public final class NaclBox {
  /** Length of the nonce at the start of a box. */
  public static final int NONCE_LENGTH = 24;

  /** Length of the Poly1305 tag after the nonce. */
  public static final int TAG_LENGTH = 16;

  /** The shortest box: nonce and tag of an empty message. */
  public static final int MIN_LENGTH = NONCE_LENGTH + TAG_LENGTH;

  /** "expand 32-byte k", the Salsa20 constant, as four little-endian words. */
  private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

  private NaclBox() {}

  /**
   * Opens {@code box} ({@code nonce || tag || ciphertext}) sealed by {@code sender} to {@code
   * recipient}. Fails closed: nothing is decrypted unless the tag matches.
   *
   * @param what names the box in an error (for example "registration blob (original)")
   * @return the plaintext
   * @throws InputException when the box is shorter than {@value #MIN_LENGTH} bytes, when the
   *     sender's key is of low order (the shared point is zero), or when the tag does not match
   *     (tampered, or sealed to another key or by another sender)
   */
  public static byte[] open(
      X25519PrivateKey recipient, X25519PublicKey sender, byte[] box, String what) {
    if (box.length < MIN_LENGTH) {
      throw new InputException(
          what,
          "truncated NaCl box: "
              + box.length
              + " bytes, at least "
              + MIN_LENGTH
              + " (nonce 24, tag 16, then the ciphertext)");
    }
    byte[] nonce = Arrays.copyOfRange(box, 0, NONCE_LENGTH);
    byte[] tag = Arrays.copyOfRange(box, NONCE_LENGTH, MIN_LENGTH);
    byte[] shared = new byte[32];
    byte[] key = null;
    byte[] macKey = new byte[32];
    try {
      try {
        X25519Agreement agreement = new X25519Agreement();
        agreement.init(recipient.params());
        agreement.calculateAgreement(new X25519PublicKeyParameters(sender.bytes(), 0), shared, 0);
      } catch (IllegalStateException e) {
        // Bouncy Castle refuses an all-zero shared point: the sender's key is of low order.
        throw new InputException(
            what, "does not decrypt: the sender's public key is of low order", null, e);
      }
      key = hsalsa20(shared);
      XSalsa20Engine stream = new XSalsa20Engine();
      stream.init(false, new ParametersWithIV(new KeyParameter(key), nonce));
      // The first 32 bytes of the key stream are the one-time Poly1305 key (r || s).
      stream.processBytes(new byte[32], 0, 32, macKey, 0);
      Poly1305 mac = new Poly1305();
      mac.init(new KeyParameter(macKey));
      mac.update(box, MIN_LENGTH, box.length - MIN_LENGTH);
      byte[] expected = new byte[TAG_LENGTH];
      mac.doFinal(expected, 0);
      if (!MessageDigest.isEqual(expected, tag)) {
        throw new InputException(
            what,
            "does not decrypt: the Poly1305 tag does not match (tampered, or sealed with other"
                + " keys)");
      }
      byte[] plain = new byte[box.length - MIN_LENGTH];
      stream.processBytes(box, MIN_LENGTH, plain.length, plain, 0);
      return plain;
    } finally {
      Arrays.fill(shared, (byte) 0);
      Arrays.fill(macKey, (byte) 0);
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  /**
   * HSalsa20 of {@code k} with a zero 16-byte input: {@code crypto_box_beforenm}'s step after
   * X25519. {@code salsaCore} adds the input state to the rounds' output, so it is subtracted again
   * for the words HSalsa20 outputs.
   */
  private static byte[] hsalsa20(byte[] k) {
    int[] in = new int[16];
    in[0] = SIGMA[0];
    in[5] = SIGMA[1];
    in[10] = SIGMA[2];
    in[15] = SIGMA[3];
    for (int i = 0; i < 4; i++) {
      in[1 + i] = Pack.littleEndianToInt(k, 4 * i);
      in[11 + i] = Pack.littleEndianToInt(k, 16 + 4 * i);
    }
    // in[6..9] is the 16-byte input: zero for crypto_box.
    int[] x = new int[16];
    Salsa20Engine.salsaCore(20, in, x);
    int[] words = {0, 5, 10, 15, 6, 7, 8, 9};
    byte[] out = new byte[32];
    for (int i = 0; i < words.length; i++) {
      Pack.intToLittleEndian(x[words[i]] - in[words[i]], out, 4 * i);
    }
    Arrays.fill(in, 0);
    Arrays.fill(x, 0);
    return out;
  }
}
