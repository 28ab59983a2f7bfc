package org.wgmesh.core.original;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PublicKey;

/**
 * An original wgmesh v2 node file ({@code node_<locus>.yaml}, {@code wgsetup init}'s {@code local:}
 * section), as written (issue 26). It holds no secret: the key is in {@link #secretKeyFile}.
 *
 * @param source the file, for messages
 * @param locus {@code locus}
 * @param siteDomain {@code site_domain}
 * @param sitePublicKey {@code site_pubkey}: the original site's NaCl public key
 * @param hostname {@code hostname}
 * @param uuid {@code uuid}
 * @param secretKeyFile {@code secret_key_file}: the node key's path on the host
 * @param publicKeyFile {@code public_key_file}
 * @param publicInterface {@code public_iface}
 * @param publicAddresses {@code public_address} ({@code false} or empty: none)
 * @param trustInterface {@code trust_iface}
 * @param trustAddresses {@code trust_address} (interface form, e.g. {@code 10.0.1.1/24})
 * @param publicKey {@code public_key_encoded} when not empty
 */
public record OriginalNode(
    String source,
    String locus,
    String siteDomain,
    X25519PublicKey sitePublicKey,
    String hostname,
    UUID uuid,
    Optional<String> secretKeyFile,
    Optional<String> publicKeyFile,
    Optional<String> publicInterface,
    List<String> publicAddresses,
    Optional<String> trustInterface,
    List<String> trustAddresses,
    Optional<X25519PublicKey> publicKey) {
  public OriginalNode {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(locus, "locus");
    Objects.requireNonNull(siteDomain, "siteDomain");
    Objects.requireNonNull(sitePublicKey, "sitePublicKey");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(secretKeyFile, "secretKeyFile");
    Objects.requireNonNull(publicKeyFile, "publicKeyFile");
    Objects.requireNonNull(publicInterface, "publicInterface");
    publicAddresses = List.copyOf(publicAddresses);
    Objects.requireNonNull(trustInterface, "trustInterface");
    trustAddresses = List.copyOf(trustAddresses);
    Objects.requireNonNull(publicKey, "publicKey");
  }
}
