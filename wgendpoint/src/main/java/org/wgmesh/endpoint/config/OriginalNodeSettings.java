package org.wgmesh.endpoint.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.original.OriginalNode;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.InterfaceName;

/**
 * The settings an original wgmesh v2 node file gives an endpoint (issue 26, plan §2.3): host name,
 * public interface and addresses, trust interface and addresses. Every value is checked here, so a
 * bad node file fails before DNS is read or anything is written; each error names the node file and
 * the property. The uuid is not a setting: {@link OriginalNodeImport} keeps it.
 */
final class OriginalNodeSettings {
  private OriginalNodeSettings() {}

  /**
   * The node's settings as changes of the endpoint configuration, in the order of the endpoint
   * file. A value the node file leaves out is not changed. An empty {@code public_address} ({@code
   * false} in v2, the default without {@code --public-addrs}) means none: the host only dials out.
   *
   * @throws ConfigException naming the node file and property of a value that cannot be used
   */
  static List<Consumer<EndpointConfig.Builder>> of(OriginalNode node) {
    List<Consumer<EndpointConfig.Builder>> changes = new ArrayList<>();
    // Lower case, as the site import keeps it, so a later wghost registers the same name.
    String hostname =
        checked(node, "hostname", t -> Registration.checkHostname(t, "hostname"))
            .apply(node.hostname());
    changes.add(b -> b.hostname = Optional.of(hostname));
    node.publicInterface()
        .map(checked(node, "public_iface", t -> InterfaceName.parse(t, "public_iface")))
        .ifPresent(v -> changes.add(b -> b.publicInterface = Optional.of(v)));
    List<IpAddress> publicAddresses =
        node.publicAddresses().stream()
            .map(checked(node, "public_address", t -> IpAddress.parse(t, "public_address")))
            .toList();
    changes.add(b -> b.publicAddresses = publicAddresses);
    node.trustInterface()
        .map(checked(node, "trust_iface", t -> InterfaceName.parse(t, "trust_iface")))
        .ifPresent(v -> changes.add(b -> b.trustInterface = Optional.of(v)));
    // Interface form (10.0.1.1/24): the LAN prefixes default to their networks, which is what the
    // site import takes from the same file (--original-node).
    List<IpPrefix> trustAddresses =
        node.trustAddresses().stream()
            .map(checked(node, "trust_address", t -> IpPrefix.parseInterface(t, "trust_address")))
            .toList();
    if (!trustAddresses.isEmpty()) {
      changes.add(b -> b.trustAddresses = trustAddresses);
    }
    return changes;
  }

  /**
   * {@code parse} with its errors as the node file's: {@code <file>: Property 'local.<key>': why}
   * (exit 3, as every other error of an original file).
   */
  private static <T> Function<String, T> checked(
      OriginalNode node, String key, Function<String, T> parse) {
    return text -> {
      try {
        return parse.apply(text);
      } catch (InputException | ConfigException e) {
        throw new ConfigException(
            node.source(),
            "Property 'local." + key + "': " + e.why(),
            "fix a copy of the node file and import that (the original's files are never changed)",
            e);
      }
    };
  }
}
