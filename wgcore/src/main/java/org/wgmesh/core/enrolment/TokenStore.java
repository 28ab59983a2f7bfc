package org.wgmesh.core.enrolment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.wgmesh.core.enrolment.EnrolmentDecision.Accepted;
import org.wgmesh.core.enrolment.EnrolmentDecision.Reason;
import org.wgmesh.core.enrolment.EnrolmentDecision.Refused;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.IpPrefix;

/**
 * The join tokens of a site, as a value: redeeming or revoking returns a new store, which the
 * caller saves ({@link TokenFile}) under the site file's lock.
 *
 * @param tokens in the order they were made
 */
public record TokenStore(List<JoinToken> tokens) {
  public static final TokenStore EMPTY = new TokenStore(List.of());

  public TokenStore {
    tokens = List.copyOf(tokens);
  }

  /**
   * What redeeming a token decided, and the store after it.
   *
   * @param decision accepted or refused
   * @param store with the token's use counted when accepted; this store unchanged when refused
   */
  public record Redemption(EnrolmentDecision decision, TokenStore store) {}

  /** The token with this id. */
  public Optional<JoinToken> token(String id) {
    return tokens.stream().filter(t -> t.id().equals(id)).findFirst();
  }

  /** This store with {@code token} added. */
  public TokenStore with(JoinToken token) {
    List<JoinToken> next = new ArrayList<>(tokens);
    next.add(token);
    return new TokenStore(next);
  }

  /**
   * This store with the token {@code id} revoked (kept, so that its use is refused as revoked
   * rather than unknown).
   *
   * @throws InputException when there is no token {@code id}
   */
  public TokenStore revoke(String id) {
    if (token(id).isEmpty()) {
      throw new InputException(
          "--revoke-token", "no token '" + id + "'", "'wgsite --tokens FILE' lists the tokens");
    }
    return replace(token(id).orElseThrow().revoke());
  }

  /**
   * Decides whether {@code text} admits a host named {@code hostname} announcing {@code lans} at
   * {@code now}. The checks run in a fixed order (unknown, revoked, expired, used up, hostname,
   * LAN), so a refusal names the first that fails; the secret is compared in constant time.
   */
  public Redemption redeem(String text, String hostname, List<IpPrefix> lans, Instant now) {
    return redeem(text, hostname, lans, now, true);
  }

  /**
   * As {@link #redeem}, for a request the site admitted before under this very token (the same host
   * and key: a client whose answer was lost asks again): no use is spent, so a used-up token still
   * answers it; every other check applies.
   */
  public Redemption redeemAgain(String text, String hostname, List<IpPrefix> lans, Instant now) {
    return redeem(text, hostname, lans, now, false);
  }

  private Redemption redeem(
      String text, String hostname, List<IpPrefix> lans, Instant now, boolean spend) {
    Optional<String[]> parts = JoinTokens.split(text);
    String subject = parts.map(p -> "token:" + p[0]).orElse("token:?");
    Optional<JoinToken> found = parts.flatMap(p -> token(p[0]));
    if (found.isEmpty()
        || !JoinTokens.sameHash(found.get().secretHash(), JoinTokens.hash(parts.get()[1]))) {
      // A known id with the wrong secret is refused as unknown too: no oracle for which ids exist.
      return refused(subject, Reason.UNKNOWN_TOKEN, "no such token");
    }
    JoinToken t = found.get();
    if (t.revoked()) {
      return refused(subject, Reason.REVOKED, "revoked by the admin");
    }
    if (!now.isBefore(t.expires())) {
      return refused(subject, Reason.EXPIRED, "expired at " + t.expires());
    }
    if (spend && t.usesLeft() <= 0) {
      return refused(subject, Reason.USED_UP, "every use is spent");
    }
    if (!HostnamePattern.isHostLabel(hostname) || !t.hostnames().matches(hostname)) {
      return refused(
          subject,
          Reason.HOSTNAME_NOT_ALLOWED,
          "'" + hostname + "' does not match " + t.hostnames());
    }
    Optional<IpPrefix> bad = Lans.firstNotAllowed(lans, t.lanPrefixes());
    if (bad.isPresent()) {
      return refused(
          subject, Reason.LAN_NOT_ALLOWED, bad.get() + " is not within " + t.lanPrefixes());
    }
    Accepted ok =
        new Accepted(
            subject, subject, hostname.toLowerCase(Locale.ROOT), lans, t.admit(), t.rejoin());
    return new Redemption(ok, spend ? replace(t.used()) : this);
  }

  private Redemption refused(String subject, Reason reason, String detail) {
    return new Redemption(new Refused(subject, reason, detail), this);
  }

  private TokenStore replace(JoinToken t) {
    List<JoinToken> next = new ArrayList<>(tokens);
    next.replaceAll(o -> o.id().equals(t.id()) ? t : o);
    return new TokenStore(next);
  }
}
