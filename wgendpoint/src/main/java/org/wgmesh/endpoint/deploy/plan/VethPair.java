package org.wgmesh.endpoint.deploy.plan;

import org.wgmesh.core.net.IpPrefix;

/**
 * The veth pair joining the namespace to the default namespace. The namespace routes everything it
 * does not learn from the mesh through it; Shorewall in the default namespace DNATs the WireGuard
 * ports to {@code nsV4}/{@code nsV6} and masquerades what leaves.
 *
 * @param hostName the end in the default namespace
 * @param nsName the end inside the namespace
 * @param hostV4 address of the host end (interface form)
 * @param nsV4 address of the namespace end
 * @param hostV6 IPv6 address of the host end
 * @param nsV6 IPv6 address of the namespace end
 */
public record VethPair(
    String hostName,
    String nsName,
    IpPrefix hostV4,
    IpPrefix nsV4,
    IpPrefix hostV6,
    IpPrefix nsV6) {}
