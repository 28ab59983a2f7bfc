package org.wgmesh.core.site;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * The settings of the site file's {@code clients:} section (issue 25), as written: an empty
 * optional is {@code default}, so the file keeps saying {@code default} and follows the tunnel
 * prefix and port base if those change.
 *
 * @param pool4 the IPv4 pool; empty: clients get no IPv4 address
 * @param pool6 the IPv6 pool; empty: {@link Addressing#clientPool6} of the tunnel prefix
 * @param portBase attached hosts listen for client c on {@code portBase + c}; empty: the site's
 *     portbase + {@link #PORT_BASE_OFFSET}
 * @param keepalive seconds of persistent keepalive on both sides (0: none)
 * @param dns the DNS servers the exported config names (may be empty)
 */
public record ClientSettings(
    Optional<IpPrefix> pool4,
    Optional<IpPrefix> pool6,
    OptionalInt portBase,
    int keepalive,
    List<IpAddress> dns) {

  /** How far above the site's portbase the default client port base lies. */
  public static final int PORT_BASE_OFFSET = 10000;

  /** The keepalive when the section sets none. */
  public static final int DEFAULT_KEEPALIVE = LinkSettings.DEFAULT_KEEPALIVE;

  /** Every setting at its default: no IPv4 pool, the default IPv6 pool and port base. */
  public static final ClientSettings DEFAULT =
      new ClientSettings(
          Optional.empty(), Optional.empty(), OptionalInt.empty(), DEFAULT_KEEPALIVE, List.of());

  public ClientSettings {
    Objects.requireNonNull(pool4, "pool4");
    Objects.requireNonNull(pool6, "pool6");
    Objects.requireNonNull(portBase, "portBase");
    dns = List.copyOf(dns);
  }

  /** The IPv6 pool in effect for a site whose tunnel /48 is {@code tunnelPrefix}. */
  public IpPrefix pool6(IpPrefix tunnelPrefix) {
    return pool6.orElseGet(() -> Addressing.clientPool6(tunnelPrefix));
  }

  /** The client port base in effect for a site whose port base is {@code sitePortbase}. */
  public int portBase(int sitePortbase) {
    return portBase.orElse(sitePortbase + PORT_BASE_OFFSET);
  }

  /** The pools in effect: the IPv4 pool when set, then the IPv6 pool. */
  public List<IpPrefix> pools(IpPrefix tunnelPrefix) {
    return pool4.isPresent()
        ? List.of(pool4.get(), pool6(tunnelPrefix))
        : List.of(pool6(tunnelPrefix));
  }
}
