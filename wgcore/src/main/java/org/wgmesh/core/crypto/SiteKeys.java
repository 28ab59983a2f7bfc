package org.wgmesh.core.crypto;

import java.util.Objects;

/**
 * The site's two private keys: Ed25519 to sign records, X25519 to open registration blobs and to
 * seal group keys to hosts (HPKE auth mode, so hosts know the site sent them).
 *
 * @param signing the Ed25519 signing key
 * @param box the X25519 encryption key
 */
public record SiteKeys(Ed25519PrivateKey signing, X25519PrivateKey box) {
  public SiteKeys {
    Objects.requireNonNull(signing, "signing");
    Objects.requireNonNull(box, "box");
  }

  /** New random keys. */
  public static SiteKeys generate() {
    return new SiteKeys(Ed25519PrivateKey.generate(), X25519PrivateKey.generate());
  }

  /** The site fingerprint: {@code SHA256:} of the public signing key. */
  public String fingerprint() {
    return signing.publicKey().fingerprint();
  }
}
