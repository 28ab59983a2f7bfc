package org.wgmesh.endpoint.deploy;

import java.time.Instant;
import java.util.Optional;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.endpoint.config.HostKeyring;

/**
 * Which of this host's private keys a deploy configures at a given time. During a host key rotation
 * the host holds two: its current key and the pending next one ({@code wghost --rotate-key}); the
 * mesh says which one is in use when (its own entry's key switch), and the interfaces must carry
 * that one, or the peers, which follow the same schedule, drop its packets.
 */
final class HostKeyChoice {
  private final X25519PrivateKey current;
  private final Optional<X25519PrivateKey> pending;
  private final X25519PrivateKey readWith;
  private final Reporter reporter;

  /**
   * @param keys the host's keys as the run read them
   * @param readWith the key the mesh was read with (the fallback when the mesh names neither)
   */
  HostKeyChoice(HostKeyring keys, X25519PrivateKey readWith, Reporter reporter) {
    this.current = keys.current();
    this.pending = keys.pending();
    this.readWith = readWith;
    this.reporter = reporter;
  }

  /** The private key whose public half the mesh gives this host at {@code t}. */
  X25519PrivateKey at(MeshView view, Instant t) {
    var wanted = view.self().keyAt(t);
    if (current.publicKey().equals(wanted)) {
      return current;
    }
    if (pending.isPresent() && pending.get().publicKey().equals(wanted)) {
      return pending.get();
    }
    // The mesh names a key this host no longer holds (e.g. its record still shows a switch this
    // host completed already): configure the key it was read with, which the site publishes.
    reporter.warn(
        "the mesh gives this host the key %s at %s, which it does not hold; using %s",
        wanted.fingerprint(), t, readWith.publicKey().fingerprint());
    return readWith;
  }

  /** Whether {@code key} is the pending next key (then it becomes the host key once deployed). */
  boolean isPending(X25519PrivateKey key) {
    return pending.isPresent() && pending.get().equals(key);
  }
}
