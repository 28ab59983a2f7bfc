package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * What the host should look like after the deploy.
 *
 * @param plan the planned namespace, links and paths
 * @param files the rendered files
 * @param backend the WireGuard implementation asked for
 * @param supervisor who runs the daemons
 * @param acceptedSerials the replay-protection file ({@code <state>/<domain>.seen}) with the
 *     serials just verified, written first so a replayed older record stays refused even if the
 *     deploy fails
 * @param operatorFiles the operator's own Shorewall files a merge found ({@code existing-firewall:
 *     merge}): saved to the state directory's {@code original/} before anything changes
 */
public record Desired(
    DeployPlan plan,
    List<RenderedFile> files,
    WireGuardBackendChoice backend,
    Supervisor supervisor,
    Optional<StateFile> acceptedSerials,
    List<Path> operatorFiles) {
  public Desired {
    Objects.requireNonNull(plan, "plan");
    files = List.copyOf(files);
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(supervisor, "supervisor");
    Objects.requireNonNull(acceptedSerials, "acceptedSerials");
    operatorFiles = List.copyOf(operatorFiles);
  }

  /**
   * A small secret state file and the text it should have.
   *
   * @param path where it goes
   * @param text its content
   */
  public record StateFile(Path path, String text) {}
}
