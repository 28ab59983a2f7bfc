package org.wgmesh.endpoint.deploy;

import java.util.Objects;
import java.util.function.Supplier;
import org.wgmesh.core.crypto.X25519PrivateKey;

/**
 * What the endpoint's own configuration gives wgdeploy: its settings and (read lazily, only when
 * needed) its WireGuard private key.
 *
 * @param settings the local settings
 * @param privateKey reads the key file (0600) on demand
 */
public record EndpointInputs(EndpointSettings settings, Supplier<X25519PrivateKey> privateKey) {
  public EndpointInputs {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(privateKey, "privateKey");
  }
}
