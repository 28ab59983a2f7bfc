package org.wgmesh.core.site;

import java.util.List;
import java.util.Objects;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.net.IpAddress;

/**
 * One client as the site file states it (issue 25): a device that runs no wgmesh and dials in to
 * the hosts it attaches to. {@link Site#clientEntries()} turns it into the published {@link
 * org.wgmesh.core.model.ClientEntry} (host numbers, port, keepalive).
 *
 * @param name a DNS label, lower case; unique among hosts and clients
 * @param number the client number (1..{@link org.wgmesh.core.net.Addressing#MAX_CLIENT})
 * @param publicKey its WireGuard public key (the site never holds its private key)
 * @param addresses at most one IPv4 address (from {@code pool-ipv4}) and one IPv6 address (from the
 *     IPv6 pool)
 * @param attach hostnames of the hosts it attaches to, the primary first
 */
public record SiteClient(
    String name,
    int number,
    X25519PublicKey publicKey,
    List<IpAddress> addresses,
    List<String> attach) {
  public SiteClient {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(publicKey, "publicKey");
    addresses = List.copyOf(addresses);
    attach = List.copyOf(attach);
  }
}
