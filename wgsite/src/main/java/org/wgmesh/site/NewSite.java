package org.wgmesh.site;

/**
 * What the operator asked for when creating a site; null means "use the default".
 *
 * @param domain the mesh domain (required)
 * @param locus the locus (required)
 * @param asnRange an ASN range such as {@code 64512:64999}, or null for {@code 64512:65534}
 * @param tunnelPrefix an IPv6 /48, or null for a random ULA /48
 * @param portbase the UDP port base, or null for 51000
 * @param publish the publish target URI, or null for {@code zonefile:<dir>/<domain>.zone}
 */
public record NewSite(
    String domain,
    String locus,
    String asnRange,
    String tunnelPrefix,
    Integer portbase,
    String publish) {
  /** Whether any creation option was given. */
  public boolean any() {
    return domain != null
        || locus != null
        || asnRange != null
        || tunnelPrefix != null
        || portbase != null
        || publish != null;
  }
}
