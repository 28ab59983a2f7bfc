package org.wgmesh.core.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** The site's signing key (the 32-byte Ed25519 seed). Never shown by {@link #toString()}. */
public final class Ed25519PrivateKey extends Key32 {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Bouncy Castle's form of the key, made once: it derives the public key (a scalar multiplication)
   * on first use and keeps it, which each signature needs; a fresh one per signature doubled the
   * cost of signing 10,000 host records (issue 21). Thread-safe (Bouncy Castle guards that cache).
   */
  private final Ed25519PrivateKeyParameters params;

  public Ed25519PrivateKey(byte[] raw) {
    super(raw);
    this.params = new Ed25519PrivateKeyParameters(bytes(), 0);
  }

  public static Ed25519PrivateKey generate() {
    return new Ed25519PrivateKey(new Ed25519PrivateKeyParameters(RANDOM).getEncoded());
  }

  /** Parses the base64 form; the key itself is never echoed in an error. */
  public static Ed25519PrivateKey parse(String base64, String what) {
    return new Ed25519PrivateKey(decode(base64, what));
  }

  public Ed25519PublicKey publicKey() {
    return new Ed25519PublicKey(params.generatePublicKey().getEncoded());
  }

  /** A 64-byte signature over {@code message} (deterministic, RFC 8032). */
  public byte[] sign(byte[] message) {
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, params);
    s.update(message, 0, message.length);
    return s.generateSignature();
  }

  @Override
  public String toString() {
    return "Ed25519PrivateKey[redacted]";
  }
}
