package org.wgmesh.core.site;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.wgmesh.core.crypto.Ed25519PrivateKey;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.FileException;

/**
 * The site-key roll procedures: {@code wgsite --roll-site-key} starts a roll, {@code wgpub}
 * completes it once the overlap is over. They are apart from the codec and the key store because
 * they are the one place that changes both the site file and its key files, in an order that a run
 * cut short at any point leaves readable, and the next run completes. Each works on a site the
 * caller has loaded and holds the lock of, so a run loads the site file once.
 */
public final class SiteKeyRolls {
  private SiteKeyRolls() {}

  /**
   * Starts a site-key roll: makes the next signing and box keys ({@code <name>.sign.next.key},
   * {@code <name>.box.next.key}, 0600) and records their public halves and the end of the overlap
   * in the site file.
   *
   * @param site the site as loaded from {@code yaml}
   * @param overlap how long the current key keeps signing while records announce the next one;
   *     should cover the longest time an endpoint may stay offline (and at least one record
   *     lifetime, so every endpoint sees an announcement before the switch)
   * @return the site with the roll
   * @throws ConflictException when a roll is already under way
   * @throws FileException when a next key file exists or cannot be written
   */
  public static Site start(Site site, Path yaml, Duration overlap, Instant now) {
    if (site.keyPolicy().roll().isPresent()) {
      SiteKeyRoll r = site.keyPolicy().roll().get();
      throw new ConflictException(
          yaml.toString(),
          "a site-key roll to "
              + r.nextSigning().publicKey().fingerprint()
              + " is already under way (the new key signs alone from "
              + r.at()
              + ")",
          "let it complete (wgpub after that time finishes it), then start another");
    }
    Ed25519PrivateKey next = Ed25519PrivateKey.generate();
    X25519PrivateKey nextBox = X25519PrivateKey.generate();
    SiteKeyStore.beside(yaml).createNext(next, nextBox);
    Site rolled =
        site.withKeyPolicy(
            site.keyPolicy()
                .withRoll(Optional.of(new SiteKeyRoll(next, nextBox, now.plus(overlap)))));
    SiteFile.save(rolled, yaml);
    return rolled;
  }

  /**
   * Completes a roll whose overlap is over at {@code now}: the site file names the next key as the
   * signing key (and no roll), then the next key files replace the old ones, which are gone. The
   * caller has published the records signed by the new key. Idempotent, and it also finishes a
   * completion that was interrupted between the two steps.
   *
   * @param site the site as loaded from {@code yaml}
   * @return the site after the roll when it changed a file, else empty
   * @throws FileException when a file cannot be written
   */
  public static Optional<Site> complete(Site site, Path yaml, Instant now) {
    Optional<SiteKeyRoll> roll = site.keyPolicy().roll();
    if (roll.isPresent() && !roll.get().due(now)) {
      return Optional.empty();
    }
    Site done = site;
    boolean changed = false;
    if (roll.isPresent()) {
      done =
          new Site(
              site.settings(),
              site.hosts(),
              roll.get().nextKeys(),
              site.asnRange(),
              site.publishTarget(),
              site.ttl(),
              site.recordLifetime(),
              site.retired(),
              site.keyPolicy().withRoll(Optional.empty()),
              site.enrolment(),
              // A site-key roll does not touch the original wgmesh's key (issue 26).
              site.originalKey(),
              site.clients());
      SiteFile.save(done, yaml);
      changed = true;
    }
    changed |= SiteKeyStore.beside(yaml).promoteNext(done.keys());
    return changed ? Optional.of(done) : Optional.empty();
  }
}
