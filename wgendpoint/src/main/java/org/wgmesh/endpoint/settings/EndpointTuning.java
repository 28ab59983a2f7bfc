package org.wgmesh.endpoint.settings;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.LinkSettings;

/**
 * This endpoint's own choices about its links and its default namespace ({@code
 * docs/endpoint-file.md}, issues 20 and 21): overrides of the site's link settings, and whether the
 * router itself reaches the remote LANs.
 *
 * @param mtu the MTU of this endpoint's links instead of the site's; empty: the site's
 * @param keepalive the keepalive instead of the site's; empty: the site's
 * @param bfd the BFD profile instead of the site's; empty: the site's
 * @param routerOnMesh whether the default namespace gets routes to the remote LANs through the veth
 *     (where that is safe), so the router itself reaches them
 */
public record EndpointTuning(
    OptionalInt mtu, OptionalInt keepalive, Optional<BfdProfile> bfd, boolean routerOnMesh) {
  /** No overrides; the router on the mesh. */
  public static final EndpointTuning DEFAULT =
      new EndpointTuning(OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), true);

  /**
   * @throws org.wgmesh.core.error.InputException when a value is out of range
   */
  public EndpointTuning {
    Objects.requireNonNull(mtu, "mtu");
    Objects.requireNonNull(keepalive, "keepalive");
    Objects.requireNonNull(bfd, "bfd");
    mtu.ifPresent(m -> LinkSettings.checkMtu(m, "mtu"));
    keepalive.ifPresent(k -> LinkSettings.checkKeepalive(k, "keepalive"));
  }

  /** The site's link settings with this endpoint's overrides applied. */
  public LinkSettings applyTo(LinkSettings site) {
    LinkSettings l = mtu.isPresent() ? site.withMtu(mtu) : site;
    l = keepalive.isPresent() ? l.withKeepalive(keepalive.getAsInt()) : l;
    return bfd.map(l::withBfd).orElse(l);
  }

  public EndpointTuning withMtu(OptionalInt m) {
    return new EndpointTuning(m, keepalive, bfd, routerOnMesh);
  }

  public EndpointTuning withKeepalive(OptionalInt k) {
    return new EndpointTuning(mtu, k, bfd, routerOnMesh);
  }

  public EndpointTuning withBfd(Optional<BfdProfile> b) {
    return new EndpointTuning(mtu, keepalive, b, routerOnMesh);
  }

  public EndpointTuning withRouterOnMesh(boolean on) {
    return new EndpointTuning(mtu, keepalive, bfd, on);
  }
}
