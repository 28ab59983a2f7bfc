package org.wgmesh.endpoint.enrol;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The device certificate ({@code --cert}, PEM, leaf first, intermediates after) and its private key
 * ({@code --key}, unencrypted PKCS#8 PEM) the endpoint presents to the enrolment service.
 */
public record DeviceIdentity(Path certificate, Path key) {
  public DeviceIdentity {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
  }
}
