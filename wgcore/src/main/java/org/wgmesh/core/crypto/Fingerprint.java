package org.wgmesh.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Key fingerprints as OpenSSH prints them: {@code SHA256:} and unpadded base64 of the digest. */
public final class Fingerprint {
  private Fingerprint() {}

  public static String of(byte[] key) {
    return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(sha256(key));
  }

  /** SHA-256 of {@code data}. */
  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
