package org.wgmesh.core.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * An X25519 private key, byte-compatible with {@code wg genkey}. {@link #toString()} never shows
 * the key, so it cannot end up in a log by accident.
 */
public final class X25519PrivateKey extends Key32 {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The public half, derived once: deriving it is a scalar multiplication, as costly as a
   * Diffie-Hellman, and the site's keys take part in one HPKE operation per host (issue 21).
   */
  private volatile X25519PublicKeyParameters publicParams;

  public X25519PrivateKey(byte[] raw) {
    super(raw);
  }

  /** A new random key (clamped as {@code wg genkey} does). */
  public static X25519PrivateKey generate() {
    return new X25519PrivateKey(new X25519PrivateKeyParameters(RANDOM).getEncoded());
  }

  /**
   * Parses the base64 form.
   *
   * @param what names the source in an error (a file); the key itself is never echoed
   */
  public static X25519PrivateKey parse(String base64, String what) {
    return new X25519PrivateKey(decode(base64, what));
  }

  /** The matching public key, equal to {@code wg pubkey} of this key. */
  public X25519PublicKey publicKey() {
    return new X25519PublicKey(publicParams().getEncoded());
  }

  /** The public half as Bouncy Castle parameters, derived on first use. */
  public X25519PublicKeyParameters publicParams() {
    X25519PublicKeyParameters p = publicParams;
    if (p == null) {
      p = params().generatePublicKey();
      publicParams = p;
    }
    return p;
  }

  /** This key as Bouncy Castle parameters, for HPKE. */
  public X25519PrivateKeyParameters params() {
    return new X25519PrivateKeyParameters(bytes(), 0);
  }

  @Override
  public String toString() {
    return "X25519PrivateKey[redacted]";
  }
}
