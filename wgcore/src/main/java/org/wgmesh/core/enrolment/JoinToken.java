package org.wgmesh.core.enrolment;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.wgmesh.core.net.IpPrefix;

/**
 * A join token as stored: everything but its secret, of which only the SHA-256 hash is kept.
 *
 * @param id the public identifier (16 hex digits), shown by {@code wgsite --tokens}, named by
 *     {@code --revoke-token}, part of the token text
 * @param secretHash SHA-256 of the 32-byte secret, hex
 * @param created when it was made
 * @param expires from when it is refused
 * @param usesLeft how many more hosts it admits
 * @param hostnames the hostnames it admits
 * @param lanPrefixes the LAN prefixes its hosts may announce
 * @param admit at once or queued
 * @param rejoin whether a host may come back with a new key under it
 * @param revoked whether {@code wgsite --revoke-token} revoked it
 */
public record JoinToken(
    String id,
    String secretHash,
    Instant created,
    Instant expires,
    int usesLeft,
    HostnamePattern hostnames,
    List<IpPrefix> lanPrefixes,
    Admit admit,
    boolean rejoin,
    boolean revoked) {
  static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  public JoinToken {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("token id " + id);
    }
    Objects.requireNonNull(secretHash, "secretHash");
    if (!HASH.matcher(secretHash).matches()) {
      throw new IllegalArgumentException("token hash");
    }
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expires, "expires");
    if (usesLeft < 0) {
      throw new IllegalArgumentException("usesLeft " + usesLeft);
    }
    Objects.requireNonNull(hostnames, "hostnames");
    lanPrefixes = List.copyOf(lanPrefixes);
    Objects.requireNonNull(admit, "admit");
  }

  /** This token with one use fewer. */
  JoinToken used() {
    return new JoinToken(
        id,
        secretHash,
        created,
        expires,
        usesLeft - 1,
        hostnames,
        lanPrefixes,
        admit,
        rejoin,
        revoked);
  }

  /** This token revoked. */
  JoinToken revoke() {
    return new JoinToken(
        id, secretHash, created, expires, usesLeft, hostnames, lanPrefixes, admit, rejoin, true);
  }
}
