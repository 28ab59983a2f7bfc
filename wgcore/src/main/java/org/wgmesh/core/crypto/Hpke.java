package org.wgmesh.core.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
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

  /**
   * Seals {@code plaintext} from {@code sender} to {@code recipient}, binding {@code info} and
   * {@code aad}.
   */
  public static Sealed seal(
      X25519PrivateKey sender,
      X25519PublicKey recipient,
      byte[] info,
      byte[] aad,
      byte[] plaintext) {
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
   * @return the plaintext, or empty when it does not open (wrong keys, info, aad, or tampered data)
   */
  public static Optional<byte[]> open(
      X25519PrivateKey recipient, X25519PublicKey sender, byte[] info, byte[] aad, Sealed sealed) {
    if (sealed.enc() == null || sealed.enc().length != ENC_LENGTH || sealed.ciphertext() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          suite()
              .open(
                  sealed.enc(),
                  pair(recipient),
                  info,
                  aad,
                  sealed.ciphertext(),
                  null,
                  null,
                  new X25519PublicKeyParameters(sender.bytes(), 0)));
    } catch (InvalidCipherTextException | RuntimeException e) {
      // BC throws various runtime exceptions on malformed points; all mean "does not open".
      return Optional.empty();
    }
  }

  /**
   * Seals like {@link #seal(X25519PrivateKey, X25519PublicKey, byte[], byte[], byte[])} but with
   * the ephemeral key the caller supplies, following RFC 9180 section 5.1.3 and 4.1 step by step
   * (Bouncy Castle's API draws the ephemeral key itself). The output opens with {@link #open}.
   * Production callers pass a fresh random key ({@link X25519PrivateKey#generate()}); a fixed one
   * is for test vectors only, because reusing an ephemeral key with the same recipient repeats the
   * AEAD key and nonce.
   *
   * @throws IllegalArgumentException when a Diffie-Hellman result is all zero (a low-order
   *     recipient key)
   */
  public static Sealed seal(
      X25519PrivateKey sender,
      X25519PublicKey recipient,
      byte[] info,
      byte[] aad,
      byte[] plaintext,
      X25519PrivateKey ephemeral) {
    byte[] enc = ephemeral.publicKey().bytes();
    byte[] dh = concat(dh(ephemeral, recipient), dh(sender, recipient));
    byte[] kemContext = concat(enc, recipient.bytes(), sender.publicKey().bytes());
    byte[] kemSuite = concat(ascii("KEM"), i2osp2(KEM_ID));
    byte[] eaePrk = labeledExtract(kemSuite, new byte[0], "eae_prk", dh);
    byte[] sharedSecret = labeledExpand(kemSuite, eaePrk, "shared_secret", kemContext, 32);

    byte[] suite = concat(ascii("HPKE"), i2osp2(KEM_ID), i2osp2(KDF_ID), i2osp2(AEAD_ID));
    byte[] pskIdHash = labeledExtract(suite, new byte[0], "psk_id_hash", new byte[0]);
    byte[] infoHash = labeledExtract(suite, new byte[0], "info_hash", info);
    byte[] context = concat(new byte[] {HPKE.mode_auth}, pskIdHash, infoHash);
    byte[] secret = labeledExtract(suite, sharedSecret, "secret", new byte[0]);
    byte[] key = labeledExpand(suite, secret, "key", context, 32);
    byte[] nonce = labeledExpand(suite, secret, "base_nonce", context, 12);

    ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    aead.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
    byte[] out = new byte[aead.getOutputSize(plaintext.length)];
    int n = aead.processBytes(plaintext, 0, plaintext.length, out, 0);
    try {
      aead.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 seal cannot fail", e);
    }
    return new Sealed(enc, out);
  }

  private static final int KEM_ID = 0x0020;
  private static final int KDF_ID = 0x0001;
  private static final int AEAD_ID = 0x0003;

  private static byte[] dh(X25519PrivateKey priv, X25519PublicKey pub) {
    X25519Agreement a = new X25519Agreement();
    a.init(priv.params());
    byte[] out = new byte[a.getAgreementSize()];
    try {
      a.calculateAgreement(new X25519PublicKeyParameters(pub.bytes(), 0), out, 0);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("X25519 with this public key gives an all-zero result", e);
    }
    return out;
  }

  private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm) {
    return hmac(
        salt.length == 0 ? new byte[32] : salt, concat(ascii("HPKE-v1"), suite, ascii(label), ikm));
  }

  private static byte[] labeledExpand(
      byte[] suite, byte[] prk, String label, byte[] info, int length) {
    // One HKDF-Expand block suffices: every length used here is at most 32.
    byte[] labeledInfo = concat(i2osp2(length), ascii("HPKE-v1"), suite, ascii(label), info);
    byte[] t = hmac(prk, concat(labeledInfo, new byte[] {1}));
    byte[] out = new byte[length];
    System.arraycopy(t, 0, out, 0, length);
    return out;
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(data, 0, data.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return out;
  }

  private static byte[] i2osp2(int v) {
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static AsymmetricCipherKeyPair pair(X25519PrivateKey key) {
    return new AsymmetricCipherKeyPair(key.publicParams(), key.params());
  }
}
