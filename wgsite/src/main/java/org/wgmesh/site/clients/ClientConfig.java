package org.wgmesh.site.clients;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.site.ClientSettings;
import org.wgmesh.core.site.Site;

/**
 * The standard wg-quick configuration of one client (issue 25): what the stock WireGuard apps and
 * {@code wg-quick up} take. One {@code [Peer]} per attached host. The primary (the first attached
 * host) carries the whole mesh: every host's LAN prefixes, the tunnel /48 and the client pools.
 * Each other attached host carries only its own LAN prefixes and its mesh address, so WireGuard
 * sends those straight to it (a prefix can belong to one peer only, so those LANs are not repeated
 * on the primary; the mesh address /128 inside the primary's tunnel /48 wins by longest prefix).
 * Failing over to a secondary for the whole mesh takes a config that names it first.
 */
public final class ClientConfig {
  /** Stands where the private key goes when the site does not have it. */
  public static final String PLACEHOLDER =
      "<REPLACE WITH THE CLIENT'S PRIVATE KEY: wgsite does not keep it>";

  private ClientConfig() {}

  /**
   * The config text of client {@code name} of {@code site}.
   *
   * @param privateKey the client's private key; empty writes {@link #PLACEHOLDER}
   * @throws InputException when there is no such client, or the key does not match the client's
   *     public key
   */
  public static String render(Site site, String name, Optional<X25519PrivateKey> privateKey) {
    ClientEntry client =
        site.clientEntries().stream()
            .filter(c -> c.name().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    new InputException(
                        "client " + name,
                        "no client of this name in the site file",
                        "see 'wgsite --list FILE'"));
    if (privateKey.isPresent() && !privateKey.get().publicKey().equals(client.publicKey())) {
      throw new InputException(
          "--private-key-file",
          "the private key is not client "
              + name
              + "'s: its public key is "
              + privateKey.get().publicKey().fingerprint()
              + ", the site file has "
              + client.publicKey().fingerprint(),
          "give the file holding this client's private key");
    }
    ClientSettings s = site.clients().settings();
    StringBuilder b = new StringBuilder();
    b.append("# wgmesh client ")
        .append(client.name())
        .append(" (client ")
        .append(client.number())
        .append(") of ")
        .append(site.settings().domain())
        .append('\n');
    b.append("[Interface]\n");
    b.append("PrivateKey = ")
        .append(privateKey.map(X25519PrivateKey::toBase64).orElse(PLACEHOLDER))
        .append('\n');
    b.append("Address = ")
        .append(
            client.addresses().stream()
                .map(a -> a + (a.isV6() ? "/128" : "/32"))
                .collect(Collectors.joining(", ")))
        .append('\n');
    if (!s.dns().isEmpty()) {
      b.append("DNS = ")
          .append(s.dns().stream().map(IpAddress::toString).collect(Collectors.joining(", ")))
          .append('\n');
    }
    List<HostEntry> attached = new ArrayList<>();
    for (int n : client.attachedTo()) {
      attached.add(site.hosts().stream().filter(h -> h.number() == n).findFirst().orElseThrow());
    }
    for (int i = 0; i < attached.size(); i++) {
      HostEntry h = attached.get(i);
      b.append('\n');
      b.append("# ")
          .append(h.hostname())
          .append(i == 0 ? " (primary)" : " (secondary)")
          .append('\n');
      b.append("[Peer]\n");
      b.append("PublicKey = ").append(h.publicKey().toBase64()).append('\n');
      b.append("Endpoint = ")
          .append(h.endpoints().get(0).forEndpoint())
          .append(':')
          .append(client.port())
          .append('\n');
      b.append("AllowedIPs = ")
          .append(
              allowedIps(site, attached, i).stream()
                  .map(IpPrefix::toString)
                  .collect(Collectors.joining(", ")))
          .append('\n');
      if (client.keepalive() > 0) {
        b.append("PersistentKeepalive = ").append(client.keepalive()).append('\n');
      }
    }
    return b.toString();
  }

  /** The AllowedIPs of the {@code index}-th attached host (0: the primary). */
  static List<IpPrefix> allowedIps(Site site, List<HostEntry> attached, int index) {
    HostEntry host = attached.get(index);
    Set<IpPrefix> out = new LinkedHashSet<>();
    if (index > 0) {
      out.addAll(host.lanPrefixes());
      out.add(
          new IpPrefix(Addressing.meshAddress(site.settings().tunnelPrefix(), host.number()), 128));
      return List.copyOf(out);
    }
    Set<IpPrefix> secondaries = new LinkedHashSet<>();
    for (int i = 1; i < attached.size(); i++) {
      secondaries.addAll(attached.get(i).lanPrefixes());
    }
    for (HostEntry h : site.hosts()) {
      h.lanPrefixes().stream().filter(p -> !secondaries.contains(p)).forEach(out::add);
    }
    out.add(site.settings().tunnelPrefix());
    out.addAll(site.clients().settings().pools(site.settings().tunnelPrefix()));
    return List.copyOf(out);
  }
}
