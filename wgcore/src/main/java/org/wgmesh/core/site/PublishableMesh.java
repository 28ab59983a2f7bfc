package org.wgmesh.core.site;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;

/**
 * The site's own rules applied to a mesh an endpoint assembled from records: whether the site could
 * have published it. Host records carry nothing that ties them to one publication within a
 * group-key epoch, so a resolver cache that holds some records of one publication and some of the
 * next yields a view the site never published (a LAN moved from one host to another, claimed by
 * both). Every publication passed these rules when the site wrote it, so a view that breaks them is
 * a mix. The ASN range and the retired numbers are not in the records and are not checked.
 */
public final class PublishableMesh {
  private PublishableMesh() {}

  /**
   * @param hosts every member as its host record says
   * @param where names a property of a host in the reader's terms, given {@code hosts[i].field} (i
   *     an index into {@code hosts} ordered by number) or a mesh-wide property such as {@code
   *     topology.hubs}
   * @return why the site could not have published this mesh, or empty when it could
   */
  public static Optional<String> problem(
      MeshSettings settings, List<HostEntry> hosts, UnaryOperator<String> where) {
    List<HostEntry> sorted = new ArrayList<>(hosts);
    sorted.sort(Comparator.comparingInt(HostEntry::number));
    try {
      SiteRules.check("mesh", where::apply, settings, Optional.empty(), sorted, List.of());
      return Optional.empty();
    } catch (ConfigException e) {
      return Optional.of(e.why());
    }
  }
}
