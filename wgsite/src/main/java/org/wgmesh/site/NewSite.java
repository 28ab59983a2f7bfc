package org.wgmesh.site;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the operator asked for when creating a site; an empty value means "use the default".
 *
 * @param domain the mesh domain (required for a new site)
 * @param locus the locus (required for a new site)
 * @param asnRange an ASN range such as {@code 64512:64999}, default {@code 64512:65534}
 * @param tunnelPrefix an IPv6 /48, default a random ULA /48
 * @param portbase the UDP port base, default 51000
 * @param publish the publish target URI, default {@code zonefile:<dir>/<domain>.zone}
 */
public record NewSite(
    Optional<String> domain,
    Optional<String> locus,
    Optional<String> asnRange,
    Optional<String> tunnelPrefix,
    OptionalInt portbase,
    Optional<String> publish) {
  public NewSite {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(locus, "locus");
    Objects.requireNonNull(asnRange, "asnRange");
    Objects.requireNonNull(tunnelPrefix, "tunnelPrefix");
    Objects.requireNonNull(portbase, "portbase");
    Objects.requireNonNull(publish, "publish");
  }

  /** Whether any creation option was given. */
  public boolean any() {
    return domain.isPresent()
        || locus.isPresent()
        || asnRange.isPresent()
        || tunnelPrefix.isPresent()
        || portbase.isPresent()
        || publish.isPresent();
  }
}
