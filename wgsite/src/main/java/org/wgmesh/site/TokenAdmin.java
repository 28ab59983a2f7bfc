package org.wgmesh.site;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.enrolment.HostnamePattern;
import org.wgmesh.core.enrolment.JoinToken;
import org.wgmesh.core.enrolment.JoinTokens;
import org.wgmesh.core.enrolment.TokenDefaults;
import org.wgmesh.core.enrolment.TokenFile;
import org.wgmesh.core.enrolment.TokenStore;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;

/**
 * The {@code wgsite} service for join tokens (issue 23): make one, list them, revoke one. Changes
 * happen under the site file's lock, so they cannot lose a redeem the enrolment service saves at
 * the same time; a refused request changes nothing.
 */
public final class TokenAdmin {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");

  /**
   * What {@code wgsite --token} asks for; absent values take the site's {@code enrolment.tokens}
   * defaults.
   *
   * @param expires how long the token is valid
   * @param uses how many hosts it admits
   * @param hostnames the hostnames it admits
   * @param lans the LAN prefixes its hosts may announce
   */
  public record Request(
      Optional<Duration> expires,
      OptionalInt uses,
      HostnamePattern hostnames,
      List<IpPrefix> lans) {
    public Request {
      Objects.requireNonNull(expires, "expires");
      Objects.requireNonNull(uses, "uses");
      Objects.requireNonNull(hostnames, "hostnames");
      lans = List.copyOf(lans);
    }
  }

  /**
   * Makes a token and stores its hash; the returned text is the only copy of its secret.
   *
   * @throws ConfigException when the site has no {@code enrolment:} section
   * @throws InputException for an expiry, a number of uses or a LAN prefix out of bounds
   */
  public JoinTokens.Minted create(Path yaml, Request request, Instant now) {
    checkBounds(request);
    existing(yaml);
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      Site site = SiteFile.load(yaml);
      TokenDefaults defaults = policy(site, yaml).tokens();
      for (IpPrefix p : request.lans()) {
        if (site.settings().allowedLanPrefixes().stream().noneMatch(a -> a.contains(p))) {
          throw new InputException(
              "--lan",
              p
                  + " is not within the site's allowed-lan-prefixes "
                  + site.settings().allowedLanPrefixes(),
              "choose a prefix within them");
        }
      }
      JoinTokens.Minted minted =
          JoinTokens.mint(
              now,
              request.expires().orElse(defaults.expires()),
              request.uses().orElse(defaults.uses()),
              request.hostnames(),
              request.lans(),
              defaults.admit(),
              defaults.rejoin());
      Path file = TokenFile.beside(yaml);
      TokenFile.write(file, TokenFile.read(file).with(minted.token()));
      return minted;
    }
  }

  /** The tokens of the site, in the order they were made (never their secrets). */
  public List<JoinToken> list(Path yaml) {
    existing(yaml);
    return TokenFile.read(TokenFile.beside(yaml)).tokens();
  }

  /**
   * Revokes the token {@code id}; it stays listed, refused as revoked.
   *
   * @throws InputException when {@code id} is not a token id or no token has it
   */
  public JoinToken revoke(Path yaml, String id) {
    if (!ID.matcher(id).matches()) {
      throw new InputException(
          "--revoke-token", "'" + id + "' is not a token id (16 hex digits)", LIST_HINT);
    }
    existing(yaml);
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      Path file = TokenFile.beside(yaml);
      TokenStore next = TokenFile.read(file).revoke(id);
      TokenFile.write(file, next);
      return next.token(id).orElseThrow();
    }
  }

  private static final String LIST_HINT = "'wgsite --tokens FILE' lists the tokens";

  private static void checkBounds(Request r) {
    r.expires().ifPresent(d -> TokenDefaults.checkExpires(d, "--expires"));
    r.uses()
        .ifPresent(
            u -> {
              if (u < 1 || u > TokenDefaults.MAX_USES) {
                throw new InputException(
                    "--uses", u + " is out of range 1.." + TokenDefaults.MAX_USES);
              }
            });
  }

  /** The usual "does not exist" error, before any lock file is created beside a missing site. */
  private static void existing(Path yaml) {
    if (!Files.exists(yaml)) {
      SiteFile.load(yaml);
    }
  }

  private static EnrolmentPolicy policy(Site site, Path yaml) {
    return site.enrolment()
        .orElseThrow(
            () ->
                new ConfigException(
                    yaml.toString(),
                    "has no enrolment: section, so no service would accept a token",
                    "add one (docs/enrolment.md), then make tokens"));
  }
}
