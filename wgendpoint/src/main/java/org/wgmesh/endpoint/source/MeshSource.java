package org.wgmesh.endpoint.source;

import java.nio.file.Path;
import java.util.Objects;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.model.MeshView;
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
