package org.wgmesh.core.site;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.wgmesh.core.crypto.Ed25519PrivateKey;

/**
 * A site signing-key roll under way ({@code wgsite --roll-site-key}): until {@link #at()} the mesh
 * record, signed by the current key, announces {@link #nextSigning()}'s public key, and endpoints
 * that verify it pin it as well; from {@link #at()} on {@code wgpub} signs with the next key alone
 * and the old one is dropped. {@link #toString()} never shows the key.
 *
 * @param nextSigning the next signing key (its file is {@code <name>.sign.next.key}, 0600)
 * @param at when the overlap ends (whole seconds)
 */
public record SiteKeyRoll(Ed25519PrivateKey nextSigning, Instant at) {
  public SiteKeyRoll {
    Objects.requireNonNull(nextSigning, "nextSigning");
    at = at.truncatedTo(ChronoUnit.SECONDS);
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
