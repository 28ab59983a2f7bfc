package org.wgmesh.core.original;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.crypto.X25519PublicKey;

/**
 * An original wgmesh v2 site file ({@code wgsite init}'s YAML), as written (issue 26). Secrets are
 * not kept: of the AWS fields only whether any is set.
 *
 * @param source the file, for messages
 * @param locus {@code global.locus}
 * @param domain {@code global.domain}
 * @param tunnelIpv4 {@code global.tunnel_ipv4} (never used by the original)
 * @param tunnelIpv6 {@code global.tunnel_ipv6} as written (a /64 in v2)
 * @param portbase {@code global.portbase}, {@value #DEFAULT_PORTBASE} when absent (the original's
 *     default)
 * @param asnRange {@code global.asn_range} as written ({@code a:b[,c][,d:e]})
 * @param asnUsed {@code global.asn_used}
 * @param publicKey {@code global.publickey}: the site's NaCl public key
 * @param publicKeyWhere where {@code global.publickey} is ({@code Property ... at line N})
 * @param privateKeyPath {@code global.privatekey}: the path of the site key file on the original's
 *     machine
 * @param route53 {@code global.route53}, the hosted zone id, when set
 * @param alerts {@code global.alerts} when set (unused by the original)
 * @param awsConfigured whether any of {@code aws_credentials}, {@code aws_access_key}, {@code
 *     aws_secret_access_key} is set (their values are never kept)
 * @param hosts the {@code hosts:} entries in file order
 */
public record OriginalSite(
    String source,
    String locus,
    String domain,
    Optional<String> tunnelIpv4,
    Optional<String> tunnelIpv6,
    int portbase,
    String asnRange,
    List<Long> asnUsed,
    X25519PublicKey publicKey,
    String publicKeyWhere,
    Optional<String> privateKeyPath,
    Optional<String> route53,
    Optional<String> alerts,
    boolean awsConfigured,
    List<OriginalHost> hosts) {
  /** The original's port base when {@code global.portbase} is absent. */
  public static final int DEFAULT_PORTBASE = 58822;

  public OriginalSite {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(locus, "locus");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(tunnelIpv4, "tunnelIpv4");
    Objects.requireNonNull(tunnelIpv6, "tunnelIpv6");
    Objects.requireNonNull(asnRange, "asnRange");
    asnUsed = List.copyOf(asnUsed);
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(publicKeyWhere, "publicKeyWhere");
    Objects.requireNonNull(privateKeyPath, "privateKeyPath");
    Objects.requireNonNull(route53, "route53");
    Objects.requireNonNull(alerts, "alerts");
    hosts = List.copyOf(hosts);
  }
}
