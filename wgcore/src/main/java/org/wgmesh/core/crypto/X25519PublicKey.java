package org.wgmesh.core.crypto;

/** An X25519 public key: a WireGuard public key, or the site's encryption key. */
public final class X25519PublicKey extends Key32 {
  public X25519PublicKey(byte[] raw) {
    super(raw);
  }

  /**
   * Parses the base64 form.
   *
   * @param what names the source in an error (a file, a field)
   * @throws org.wgmesh.core.error.InputException when it is not a 32-byte base64 key
   */
  public static X25519PublicKey parse(String base64, String what) {
    return new X25519PublicKey(decode(base64, what));
  }

  /** SHA256 fingerprint of this key, {@code SHA256:<base64>}. */
  public String fingerprint() {
    return Fingerprint.of(bytes());
  }

  @Override
  public String toString() {
    return toBase64();
  }
}
