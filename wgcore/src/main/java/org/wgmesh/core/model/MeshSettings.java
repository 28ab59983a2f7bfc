package org.wgmesh.core.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.net.IpPrefix;

/**
 * The mesh-wide parameters that every endpoint needs, published in the signed mesh record.
 *
 * @param domain the DNS name of the mesh record, e.g. {@code mesh.example.com}
 * @param locus short mesh name; the default network namespace name on endpoints
 * @param tunnelPrefix the IPv6 /48 that link addresses derive from
 * @param portbase UDP port base: the interface towards host n listens on portbase + n
 * @param allowedLanPrefixes the prefixes hosts may announce; BGP import filters accept only these
 * @param topology the topology policy, from which every endpoint computes its links
 * @param links the mesh-wide link settings (MTU, keepalive, BFD; issues 20 and 21)
 * @param overlay the VXLAN overlay (issue 25), when the site has one
 */
public record MeshSettings(
    String domain,
    String locus,
    IpPrefix tunnelPrefix,
    int portbase,
    List<IpPrefix> allowedLanPrefixes,
    Topology topology,
    LinkSettings links,
    Optional<VxlanOverlay> overlay) {

  public MeshSettings {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(locus, "locus");
    Objects.requireNonNull(tunnelPrefix, "tunnelPrefix");
    allowedLanPrefixes = List.copyOf(allowedLanPrefixes);
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(links, "links");
    Objects.requireNonNull(overlay, "overlay");
  }

  /** Settings without an overlay. */
  public MeshSettings(
      String domain,
      String locus,
      IpPrefix tunnelPrefix,
      int portbase,
      List<IpPrefix> allowedLanPrefixes,
      Topology topology,
      LinkSettings links) {
    this(
        domain,
        locus,
        tunnelPrefix,
        portbase,
        allowedLanPrefixes,
        topology,
        links,
        Optional.empty());
  }

  /** Settings with the default link settings ({@link LinkSettings#DEFAULT}). */
  public MeshSettings(
      String domain,
      String locus,
      IpPrefix tunnelPrefix,
      int portbase,
      List<IpPrefix> allowedLanPrefixes,
      Topology topology) {
    this(domain, locus, tunnelPrefix, portbase, allowedLanPrefixes, topology, LinkSettings.DEFAULT);
  }

  /** A copy with {@code l} as the link settings. */
  public MeshSettings withLinks(LinkSettings l) {
    return new MeshSettings(
        domain, locus, tunnelPrefix, portbase, allowedLanPrefixes, topology, l, overlay);
  }

  /** A copy with {@code o} as the VXLAN overlay (empty: none). */
  public MeshSettings withOverlay(Optional<VxlanOverlay> o) {
    return new MeshSettings(
        domain, locus, tunnelPrefix, portbase, allowedLanPrefixes, topology, links, o);
  }
}
