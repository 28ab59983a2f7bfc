package org.wgmesh.core.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.wgmesh.core.crypto.X25519PublicKey;

/**
 * A scheduled host key switch (issue 12): until {@code at} the host and its peers use the key
 * {@code from}; from {@code at} on, the host's new key. Publishing the new key ahead of time with a
 * common switch time lets both ends of every link change keys within clock skew of each other
 * instead of one deploy interval apart, so BFD and BGP stay up across a host key rotation.
 *
 * @param from the key in use until the switch (the host's previous key)
 * @param at when every end switches, in whole seconds
 */
public record KeySwitch(X25519PublicKey from, Instant at) {
  public KeySwitch {
    Objects.requireNonNull(from, "from");
    at = at.truncatedTo(ChronoUnit.SECONDS);
  }

  /** Whether the switch is still ahead at {@code t}. */
  public boolean pendingAt(Instant t) {
    return t.isBefore(at);
  }
}
