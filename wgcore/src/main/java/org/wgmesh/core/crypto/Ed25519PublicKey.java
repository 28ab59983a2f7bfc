package org.wgmesh.core.crypto;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** The site's public signing key; its fingerprint is the site fingerprint operators compare. */
public final class Ed25519PublicKey extends Key32 {
  /** Ed25519 signatures are 64 bytes. */
  public static final int SIGNATURE_LENGTH = 64;

  public Ed25519PublicKey(byte[] raw) {
    super(raw);
  }

  /** Parses the base64 form, naming {@code what} in an error. */
  public static Ed25519PublicKey parse(String base64, String what) {
    return new Ed25519PublicKey(decode(base64, what));
  }

  /** Whether {@code signature} is this key's signature over {@code message}. Never throws. */
  public boolean verify(byte[] message, byte[] signature) {
    if (signature == null || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      Ed25519Signer v = new Ed25519Signer();
      v.init(false, new Ed25519PublicKeyParameters(bytes(), 0));
      v.update(message, 0, message.length);
      return v.verifySignature(signature);
    } catch (RuntimeException e) {
      // A malformed point is just an invalid signature.
      return false;
    }
  }

  /** {@code SHA256:<base64>} of the raw key: the site fingerprint. */
  public String fingerprint() {
    return Fingerprint.of(bytes());
  }

  @Override
  public String toString() {
    return toBase64();
  }
}
