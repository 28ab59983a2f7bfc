package org.wgmesh.core.original;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.net.AsnRange;

/**
 * What an original site becomes (issue 26): the settings and hosts of the new site file, and the
 * report of what was kept and what changed. Nothing is written yet; site keys are made when it is.
 *
 * @param settings the mesh-wide settings
 * @param asnRange the site's ASN range (the original's, widened by any kept AS outside it)
 * @param publish the publish target from {@code global.route53}, or the option; empty: the default
 *     zone file beside the new site file
 * @param hosts the imported hosts
 * @param report what was kept, changed, not kept and left out, and why
 */
public record ImportPlan(
    MeshSettings settings,
    AsnRange asnRange,
    Optional<String> publish,
    List<HostEntry> hosts,
    ImportReport report) {
  public ImportPlan {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(asnRange, "asnRange");
    Objects.requireNonNull(publish, "publish");
    hosts = List.copyOf(hosts);
    Objects.requireNonNull(report, "report");
  }
}
