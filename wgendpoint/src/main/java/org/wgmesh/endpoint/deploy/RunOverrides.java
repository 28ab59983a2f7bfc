package org.wgmesh.endpoint.deploy;

import java.util.Optional;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * Settings given on the command line for one run, over the endpoint file's ({@code --backend},
 * {@code --supervisor}). A type of its own, not nested in {@link DeployService}, because the run's
 * {@link RunContext} applies them and the service makes that context.
 *
 * @param backend {@code --backend}
 * @param supervisor {@code --supervisor}
 */
public record RunOverrides(
    Optional<WireGuardBackendChoice> backend, Optional<Supervisor> supervisor) {
  /** No override. */
  public static RunOverrides none() {
    return new RunOverrides(Optional.empty(), Optional.empty());
  }

  EndpointConfig applyTo(EndpointConfig c) {
    return c.with(
        b -> {
          backend.ifPresent(v -> b.backend = v);
          supervisor.ifPresent(v -> b.supervisor = v);
        });
  }
}
