package org.wgmesh.core.original;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PublicKey;

/**
 * One entry of an original v2 site file's {@code hosts:} mapping, as written (issue 26): nothing is
 * renumbered, lower-cased or dropped here; {@code OriginalImport} decides that.
 *
 * @param uuid the entry's uuid (equal to its mapping key)
 * @param hostname as written
 * @param asn {@code -1} when the original never assigned one
 * @param octet the host number; {@code -1} or {@code 0} when unassigned (also when missing)
 * @param localIpv4 the {@code local_ipv4} list as written (e.g. {@code 198.18.0.1/32})
 * @param localIpv6 the {@code local_ipv6} list as written
 * @param publicKey the WireGuard (and NaCl) public key
 * @param localNetworks {@code local_networks} when not empty (unused by the original)
 * @param where for each key of the entry, {@code Property 'hosts.<uuid>.<key>' at line N}, for
 *     messages about relations between entries (a duplicate octet names both)
 */
public record OriginalHost(
    UUID uuid,
    String hostname,
    long asn,
    long octet,
    List<String> localIpv4,
    List<String> localIpv6,
    X25519PublicKey publicKey,
    Optional<String> localNetworks,
    Map<String, String> where) {
  public OriginalHost {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(hostname, "hostname");
    localIpv4 = List.copyOf(localIpv4);
    localIpv6 = List.copyOf(localIpv6);
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(localNetworks, "localNetworks");
    where = Map.copyOf(where);
  }

  /** Where {@code key} of this entry is, or the entry itself when the key is absent. */
  public String where(String key) {
    return where.getOrDefault(key, where.getOrDefault("", "Property 'hosts." + uuid + "'"));
  }
}
