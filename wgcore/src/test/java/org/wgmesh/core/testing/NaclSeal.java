package org.wgmesh.core.testing;

import java.security.SecureRandom;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.util.Pack;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;

/**
 * NaCl's {@code crypto_box} for tests: seals as the original wgmesh did (PyNaCl's {@code
 * Box.encrypt}, combined form {@code nonce || tag || ciphertext}), so that tests can make original
 * blobs of their own. Written apart from {@code NaclBox} (main code opens only) and checked against
 * the same libsodium vector.
 */
public final class NaclSeal {
  private static final SecureRandom RANDOM = new SecureRandom();

  private NaclSeal() {}

  /** Seals {@code message} from {@code sender} to {@code recipient} with a random nonce. */
  public static byte[] seal(X25519PrivateKey sender, X25519PublicKey recipient, byte[] message) {
    byte[] nonce = new byte[24];
    RANDOM.nextBytes(nonce);
    return seal(sender, recipient, nonce, message);
  }

  /** Seals with the given 24-byte nonce (for test vectors: never reuse a nonce otherwise). */
  public static byte[] seal(
      X25519PrivateKey sender, X25519PublicKey recipient, byte[] nonce, byte[] message) {
    if (nonce.length != 24) {
      throw new IllegalArgumentException("a NaCl nonce is 24 bytes");
    }
    byte[] shared = new byte[32];
    X25519Agreement agreement = new X25519Agreement();
    agreement.init(sender.params());
    agreement.calculateAgreement(new X25519PublicKeyParameters(recipient.bytes(), 0), shared, 0);
    XSalsa20Engine stream = new XSalsa20Engine();
    stream.init(true, new ParametersWithIV(new KeyParameter(hsalsa20(shared)), nonce));
    byte[] macKey = new byte[32];
    stream.processBytes(new byte[32], 0, 32, macKey, 0);
    byte[] box = new byte[40 + message.length];
    System.arraycopy(nonce, 0, box, 0, 24);
    stream.processBytes(message, 0, message.length, box, 40);
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(macKey));
    mac.update(box, 40, message.length);
    mac.doFinal(box, 24);
    return box;
  }

  /** HSalsa20(k, 0^16): the Salsa20 double rounds without the final addition. */
  private static byte[] hsalsa20(byte[] k) {
    int[] state = {
      0x61707865,
      Pack.littleEndianToInt(k, 0),
      Pack.littleEndianToInt(k, 4),
      Pack.littleEndianToInt(k, 8),
      Pack.littleEndianToInt(k, 12),
      0x3320646e,
      0,
      0,
      0,
      0,
      0x79622d32,
      Pack.littleEndianToInt(k, 16),
      Pack.littleEndianToInt(k, 20),
      Pack.littleEndianToInt(k, 24),
      Pack.littleEndianToInt(k, 28),
      0x6b206574
    };
    int[] out = new int[16];
    Salsa20Engine.salsaCore(20, state, out);
    byte[] key = new byte[32];
    int i = 0;
    for (int w : new int[] {0, 5, 10, 15, 6, 7, 8, 9}) {
      Pack.intToLittleEndian(out[w] - state[w], key, 4 * i++);
    }
    return key;
  }
}
