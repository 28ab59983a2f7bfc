package org.wgmesh.endpoint.source;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.endpoint.config.HostKeyring;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * Where an endpoint's verified mesh view comes from: in production the DNS reader (fetch, verify
 * against the pinned site key, check serial and expiry, decrypt); in tests a view built in code.
 */
@FunctionalInterface
public interface MeshSource {
  /**
   * Reads and verifies the mesh of {@code config}. Writes nothing: the serials it accepted come
   * back for the caller to record.
   *
   * @param hostKey this host's private key (opens its group-key record)
   * @throws org.wgmesh.core.error.WgmeshException (DNS, record or config errors) when it cannot
   */
  Read read(EndpointConfig config, X25519PrivateKey hostKey);

  /**
   * {@link #read} with the host's keys of this run in hand: a source that needs the HPKE key takes
   * it from {@code keys} instead of reading its file again.
   *
   * @param hostKey the key to open the group-key record with ({@code keys}' current or pending)
   */
  default Read read(EndpointConfig config, X25519PrivateKey hostKey, HostKeyring keys) {
    return read(config, hostKey);
  }

  /**
   * {@link #read} during a host key rotation ({@code wghost --rotate-key}): reads with the pending
   * next key when the site publishes it, else with the current key.
   *
   * @param keys the host's keys, read once for the run
   * @return the read and the key it was made with
   * @throws org.wgmesh.core.error.WgmeshException as {@link #read}, from the read with the current
   *     key
   */
  default KeyedRead readRotating(EndpointConfig config, HostKeyring keys) {
    Optional<X25519PrivateKey> pending = keys.pending();
    if (pending.isPresent()) {
      try {
        return new KeyedRead(read(config, pending.get(), keys), pending.get(), true);
      } catch (RecordException notPublishedYet) {
        // The site has not published the new key yet: carry on with the current one.
      }
    }
    return new KeyedRead(read(config, keys.current(), keys), keys.current(), false);
  }

  /**
   * A read and the host key that opened it.
   *
   * @param read the verified read
   * @param key the host key it was made with
   * @param next whether that is the pending next key (the caller adopts it once deployed)
   */
  record KeyedRead(Read read, X25519PrivateKey key, boolean next) {}

  /**
   * A verified read.
   *
   * @param view the verified mesh view
   * @param seenFile the replay-protection file ({@code <state>/<domain>.seen}, mode 0600)
   * @param seenText its content after this read: the highest serials verified so far
   */
  record Read(MeshView view, Path seenFile, String seenText) {
    public Read {
      Objects.requireNonNull(view, "view");
      Objects.requireNonNull(seenFile, "seenFile");
      Objects.requireNonNull(seenText, "seenText");
    }
  }
}
