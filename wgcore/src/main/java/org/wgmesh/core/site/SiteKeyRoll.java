package org.wgmesh.core.site;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.wgmesh.core.crypto.Ed25519PrivateKey;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;

/**
 * A site-key roll under way ({@code wgsite --roll-site-key}): until {@link #at()} the mesh record,
 * signed by the current key, announces the public halves of the next signing and box keys, and
 * endpoints that verify it pin the next signing key as well; from {@link #at()} on {@code wgpub}
 * signs with the next signing key alone, seals with the next box key, and the old keys are dropped.
 * {@link #toString()} never shows a key.
 *
 * @param nextSigning the next signing key (its file is {@code <name>.sign.next.key}, 0600)
 * @param nextBox the next box (HPKE) key (its file is {@code <name>.box.next.key}, 0600)
 * @param at when the overlap ends (whole seconds)
 */
public record SiteKeyRoll(Ed25519PrivateKey nextSigning, X25519PrivateKey nextBox, Instant at) {
  public SiteKeyRoll {
    Objects.requireNonNull(nextSigning, "nextSigning");
    Objects.requireNonNull(nextBox, "nextBox");
    at = at.truncatedTo(ChronoUnit.SECONDS);
  }

  /** The site keys after the switch. */
  public SiteKeys nextKeys() {
    return new SiteKeys(nextSigning, nextBox);
  }

  /** Whether the overlap is over at {@code now}: the next key signs alone. */
  public boolean due(Instant now) {
    return !now.isBefore(at);
  }

  @Override
  public String toString() {
    return "SiteKeyRoll[next=" + nextSigning.publicKey().fingerprint() + ", at=" + at + "]";
  }
}
