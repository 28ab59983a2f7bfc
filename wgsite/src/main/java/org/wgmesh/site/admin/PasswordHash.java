package org.wgmesh.site.admin;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.wgmesh.core.error.InputException;

/**
 * A salted slow hash of an admin password, PBKDF2-HMAC-SHA256 from the JDK, as text {@code
 * pbkdf2-sha256:<iterations>:<salt, base64>:<hash, base64>}. Slow on purpose: a person's password
 * has little entropy, so a stolen file must cost a guesser real work per guess (unlike join tokens,
 * whose 256 random bits make a fast hash enough). The iteration count travels with the hash, so it
 * can be raised later without breaking stored ones.
 */
public final class PasswordHash {
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
  public static final int ITERATIONS = 600_000;

  /** A person's password, at least this long: there is no lockout beyond the rate limit. */
  public static final int MIN_LENGTH = 12;

  static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private PasswordHash() {}

  /**
   * Hashes {@code password} with a fresh salt.
   *
   * @throws InputException when it is shorter than {@link #MIN_LENGTH}
   */
  public static String hash(char[] password, SecureRandom random) {
    if (password.length < MIN_LENGTH) {
      throw new InputException(
          "admin password",
          "is " + password.length + " characters, at least " + MIN_LENGTH,
          "choose a longer one (a passphrase of a few words)");
    }
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return format(ITERATIONS, salt, derive(password, salt, ITERATIONS));
  }

  /**
   * Whether {@code password} is the one {@code stored} was made from; false for a stored text that
   * is not a hash of this form. Compared in constant time.
   */
  public static boolean verify(char[] password, String stored) {
    String[] parts = stored.split(":", -1);
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      return false;
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      if (iterations < 1 || salt.length == 0 || expected.length != HASH_BITS / 8) {
        return false;
      }
      return MessageDigest.isEqual(derive(password, salt, iterations), expected);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code stored} has the form of a hash (for reading the file: errors name the user). */
  static boolean wellFormed(String stored) {
    String[] parts = stored.split(":", -1);
    try {
      return parts.length == 4
          && parts[0].equals(SCHEME)
          && Integer.parseInt(parts[1]) > 0
          && Base64.getDecoder().decode(parts[2]).length > 0
          && Base64.getDecoder().decode(parts[3]).length == HASH_BITS / 8;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String format(int iterations, byte[] salt, byte[] hash) {
    Base64.Encoder b64 = Base64.getEncoder();
    return SCHEME
        + ":"
        + iterations
        + ":"
        + b64.encodeToString(salt)
        + ":"
        + b64.encodeToString(hash);
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      // Every Java 17 runtime has it (a required algorithm of the platform).
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing", e);
    } finally {
      spec.clearPassword();
    }
  }
}
