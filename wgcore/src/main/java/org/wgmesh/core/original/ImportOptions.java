package org.wgmesh.core.original;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.wgmesh.core.net.IpPrefix;

/**
 * What the admin adds to an original site when importing it (issue 26): overrides of the mesh-wide
 * settings, hosts left out, and LAN prefixes the original never knew.
 *
 * @param domain the mesh domain instead of {@code global.domain}
 * @param locus instead of {@code global.locus}
 * @param tunnelPrefix the IPv6 /48 instead of the one derived from {@code global.tunnel_ipv6}
 * @param portbase instead of {@code global.portbase}
 * @param asnRange instead of {@code global.asn_range}
 * @param publish the publish target instead of the one derived from {@code global.route53}
 * @param exclude hosts left out, each a uuid or a hostname
 * @param lans LAN prefixes by hostname ({@code --lan HOST=PREFIX})
 * @param nodes original node files, whose trust networks become the hosts' LAN prefixes
 */
public record ImportOptions(
    Optional<String> domain,
    Optional<String> locus,
    Optional<IpPrefix> tunnelPrefix,
    OptionalInt portbase,
    Optional<String> asnRange,
    Optional<String> publish,
    Set<String> exclude,
    Map<String, List<IpPrefix>> lans,
    List<OriginalNode> nodes) {
  /** No override: everything as the original has it. */
  public static final ImportOptions NONE =
      new ImportOptions(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          OptionalInt.empty(),
          Optional.empty(),
          Optional.empty(),
          Set.of(),
          Map.of(),
          List.of());

  public ImportOptions {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(locus, "locus");
    Objects.requireNonNull(tunnelPrefix, "tunnelPrefix");
    Objects.requireNonNull(portbase, "portbase");
    Objects.requireNonNull(asnRange, "asnRange");
    Objects.requireNonNull(publish, "publish");
    exclude = Set.copyOf(exclude);
    lans = Map.copyOf(lans);
    nodes = List.copyOf(nodes);
  }

  /** These options with {@code n} as the node files. */
  public ImportOptions withNodes(List<OriginalNode> n) {
    return new ImportOptions(
        domain, locus, tunnelPrefix, portbase, asnRange, publish, exclude, lans, n);
  }

  /** These options with {@code e} as the excluded hosts. */
  public ImportOptions withExclude(Set<String> e) {
    return new ImportOptions(
        domain, locus, tunnelPrefix, portbase, asnRange, publish, e, lans, nodes);
  }
}
