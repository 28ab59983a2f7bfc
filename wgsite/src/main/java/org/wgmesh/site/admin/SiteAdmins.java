package org.wgmesh.site.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.EnrolmentDecision;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.site.service.AdminCheck;
import org.wgmesh.site.service.AdminVerdict;

/**
 * The site's admins for the status page: a client certificate that one of the {@code
 * enrolment.admins} rules accepts (its CA, CRL and subject pattern, the checks of enrolment), or
 * HTTP Basic with a user and password of the admin file ({@link AdminPasswordFile}). The
 * certificate is tried first; a certificate that no admin rule accepts (a device's) is refused
 * (403) unless a password comes with it. A verified password is remembered (as a SHA-256 of the
 * header, in memory) for a few minutes, so the page's polling does not cost a slow hash each time;
 * a wrong one is never remembered.
 */
public final class SiteAdmins implements AdminCheck {
  /** How long a verified password is taken without hashing it again. */
  static final Duration REMEMBER = Duration.ofMinutes(5);

  private static final int MAX_REMEMBERED = 64;

  /** A stand-in hash for unknown users: the answer takes as long as for a known one. */
  private static final String DUMMY =
      "pbkdf2-sha256:"
          + PasswordHash.ITERATIONS
          + ":AAAAAAAAAAAAAAAAAAAAAA==:"
          + Base64.getEncoder().encodeToString(new byte[32]);

  private final DeviceCertificates adminRules;
  private final Supplier<Map<String, String>> passwords;
  private final Clock clock;
  private final Map<String, Instant> remembered = new LinkedHashMap<>();
  private Map<String, String> rememberedFor = Map.of();

  /**
   * @param adminRules the {@code enrolment.admins} rules, loaded (CAs and CRLs read)
   * @param passwords user name to {@link PasswordHash} text, as the admin file says now: a new map
   *     object means the file changed, and every remembered password is forgotten (a removed or
   *     changed password stops working at once)
   */
  public SiteAdmins(
      DeviceCertificates adminRules, Supplier<Map<String, String>> passwords, Clock clock) {
    this.adminRules = adminRules;
    this.passwords = passwords;
    this.clock = clock;
  }

  @Override
  public AdminVerdict check(List<X509Certificate> chain, Optional<String> authorization) {
    Optional<String> refusedCertificate = Optional.empty();
    if (!chain.isEmpty()) {
      EnrolmentDecision d = adminRules.check(chain, List.of(), clock.instant());
      if (d instanceof EnrolmentDecision.Accepted a) {
        return new AdminVerdict.Admin("certificate " + a.rule() + ":" + a.hostname());
      }
      EnrolmentDecision.Refused r = (EnrolmentDecision.Refused) d;
      refusedCertificate =
          Optional.of(
              "certificate of " + r.subject() + " is no admin's (" + r.reason().text() + ")");
    }
    if (authorization.isPresent()) {
      return password(authorization.get());
    }
    return refusedCertificate
        .<AdminVerdict>map(AdminVerdict.NotAdmin::new)
        .orElseGet(AdminVerdict.NoCredential::new);
  }

  private AdminVerdict password(String header) {
    String[] parts = header.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Basic")) {
      return new AdminVerdict.WrongCredential("not HTTP Basic");
    }
    String pair;
    try {
      pair = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new AdminVerdict.WrongCredential("malformed Basic credential");
    }
    int colon = pair.indexOf(':');
    if (colon < 0) {
      return new AdminVerdict.WrongCredential("malformed Basic credential");
    }
    String user = pair.substring(0, colon);
    String shownUser = user.matches("[A-Za-z0-9._-]{1,32}") ? user : "(not a user name)";
    Map<String, String> users;
    try {
      users = passwords.get();
    } catch (WgmeshException e) {
      // Fail closed: no password is taken from a file that cannot be read.
      return new AdminVerdict.WrongCredential(
          "password logins are refused until the admin file is fixed: " + e.getMessage());
    }
    String key = digest(header.trim());
    if (recall(key, users)) {
      return new AdminVerdict.Admin("password " + shownUser);
    }
    char[] password = pair.substring(colon + 1).toCharArray();
    try {
      String stored = users.get(user);
      boolean ok = PasswordHash.verify(password, stored == null ? DUMMY : stored) && stored != null;
      if (!ok) {
        return new AdminVerdict.WrongCredential("wrong password for user " + shownUser);
      }
    } finally {
      Arrays.fill(password, '\0');
    }
    remember(key, users);
    return new AdminVerdict.Admin("password " + shownUser);
  }

  private synchronized boolean recall(String key, Map<String, String> users) {
    if (users != rememberedFor) {
      remembered.clear();
      rememberedFor = users;
    }
    Instant until = remembered.get(key);
    if (until != null && clock.instant().isBefore(until)) {
      return true;
    }
    remembered.remove(key);
    return false;
  }

  /**
   * Remembers a login verified against {@code users}; not when the file changed during the slow
   * hash (a password removed meanwhile must not be remembered for minutes).
   */
  private synchronized void remember(String key, Map<String, String> users) {
    if (users != rememberedFor) {
      return;
    }
    if (remembered.size() >= MAX_REMEMBERED) {
      remembered.remove(remembered.keySet().iterator().next());
    }
    remembered.put(key, clock.instant().plus(REMEMBER));
  }

  private static String digest(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
