package org.wgmesh.endpoint.deploy;

import org.wgmesh.core.model.MeshView;

/**
 * Where the verified mesh view comes from: in production the DNS reader (fetch, verify against the
 * pinned site key, check serial and expiry, decrypt); in tests a view built in code.
 */
@FunctionalInterface
public interface MeshViewSource {
  /**
   * Returns the verified view of the mesh {@code domain} for this endpoint.
   *
   * @throws org.wgmesh.core.error.WgmeshException (DNS, record or config errors) when it cannot
   */
  MeshView fetch(String domain);
}
