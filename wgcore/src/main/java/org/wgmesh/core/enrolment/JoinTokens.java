package org.wgmesh.core.enrolment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.net.IpPrefix;

/**
 * Making join tokens and reading their text. A token's text is {@code wgjt1.<id>.<secret>}: the
 * public id (8 random bytes, hex) and the secret (32 random bytes, base64url without padding).
 *
 * <p>Only SHA-256 of the secret is stored. A slow password hash (bcrypt, Argon2) protects secrets
 * people choose, which are guessable; this secret has 256 random bits, so an attacker who stole the
 * token file cannot guess it however fast the hash, and a fast hash keeps each redeem cheap (no CPU
 * to burn for whoever floods the service with tokens).
 */
public final class JoinTokens {
  static final String PREFIX = "wgjt1";
  static final int SECRET_BYTES = 32;
  private static final Pattern TEXT =
      Pattern.compile(PREFIX + "\\.([0-9a-f]{16})\\.([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private JoinTokens() {}

  /**
   * A new token, its text shown once.
   *
   * @param text the token as handed to the host (holds the secret)
   * @param token what is stored
   */
  public record Minted(String text, JoinToken token) {}

  /** A new token valid from {@code now} for {@code valid}, with {@code uses} uses. */
  public static Minted mint(
      Instant now,
      Duration valid,
      int uses,
      HostnamePattern hostnames,
      List<IpPrefix> lans,
      Admit admit,
      boolean rejoin) {
    byte[] idBytes = new byte[8];
    RANDOM.nextBytes(idBytes);
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    String id = HexFormat.of().formatHex(idBytes);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    JoinToken token =
        new JoinToken(
            id,
            hash(secretText),
            now,
            now.plus(valid),
            uses,
            hostnames,
            lans,
            admit,
            rejoin,
            false);
    return new Minted(PREFIX + "." + id + "." + secretText, token);
  }

  /** The id of a token's text ({@code wgjt1.<id>.<secret>}); empty when it is not of that form. */
  public static Optional<String> id(String text) {
    return split(text).map(p -> p[0]);
  }

  /**
   * The id and secret of a token's text; empty when it is not of the form (a refusal as unknown,
   * not an error: the text comes from a client).
   */
  static Optional<String[]> split(String text) {
    Matcher m = TEXT.matcher(text.strip());
    return m.matches() ? Optional.of(new String[] {m.group(1), m.group(2)}) : Optional.empty();
  }

  /** SHA-256 of the secret's text, hex. */
  static String hash(String secretText) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(secretText.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Compares two hashes in time independent of where they differ. */
  static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
