package org.wgmesh.core.crypto;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * HPKE (RFC 9180) in authenticated mode: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * ChaCha20-Poly1305. A sealed message proves which X25519 key sent it, and only the recipient can
 * open it. Used for registration blobs (host to site) and group-key records (site to host).
 */
public final class Hpke {
  /** Length of the encapsulated key that travels with each sealed message. */
  public static final int ENC_LENGTH = 32;

  private Hpke() {}

  /**
   * A sealed message.
   *
   * @param enc the 32-byte encapsulated key
   * @param ciphertext the ciphertext with its 16-byte tag
   */
  public record Sealed(byte[] enc, byte[] ciphertext) {}

  private static HPKE suite() {
    return new HPKE(
        HPKE.mode_auth, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_CHACHA20_POLY1305);
  }

  /** Seals {@code plaintext} from {@code sender} to {@code recipient}, binding {@code info} and {@code aad}. */
  public static Sealed seal(
      X25519PrivateKey sender, X25519PublicKey recipient, byte[] info, byte[] aad, byte[] plaintext) {
    HPKE hpke = suite();
    AsymmetricCipherKeyPair senderPair = pair(sender);
    try {
      byte[][] out =
          hpke.seal(
              new X25519PublicKeyParameters(recipient.bytes(), 0),
              info,
              aad,
              plaintext,
              null,
              null,
              senderPair);
      return new Sealed(out[1], out[0]);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("HPKE seal failed", e);
    }
  }

  /**
   * Opens a sealed message addressed to {@code recipient} that claims to come from {@code sender}.
   *
   * @return the plaintext, or null when it does not open (wrong keys, info, aad, or tampered data)
   */
  public static byte[] open(
      X25519PrivateKey recipient, X25519PublicKey sender, byte[] info, byte[] aad, Sealed sealed) {
    if (sealed.enc() == null || sealed.enc().length != ENC_LENGTH || sealed.ciphertext() == null) {
      return null;
    }
    try {
      return suite()
          .open(
              sealed.enc(),
              pair(recipient),
              info,
              aad,
              sealed.ciphertext(),
              null,
              null,
              new X25519PublicKeyParameters(sender.bytes(), 0));
    } catch (InvalidCipherTextException | RuntimeException e) {
      // BC throws various runtime exceptions on malformed points; all mean "does not open".
      return null;
    }
  }

  private static AsymmetricCipherKeyPair pair(X25519PrivateKey key) {
    var priv = key.params();
    return new AsymmetricCipherKeyPair(priv.generatePublicKey(), priv);
  }
}
