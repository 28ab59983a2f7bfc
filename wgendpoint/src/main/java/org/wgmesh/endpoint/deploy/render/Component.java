package org.wgmesh.endpoint.deploy.render;

/** What a rendered file configures: decides which reload a change of it needs. */
public enum Component {
  /** One WireGuard interface ({@code wg syncconf}). */
  WIREGUARD,
  /** BIRD ({@code birdc configure}). */
  BIRD,
  /** Shorewall for IPv4 ({@code shorewall reload}). */
  SHOREWALL,
  /** Shorewall6 ({@code shorewall6 reload}). */
  SHOREWALL6,
  /** wgdeploy's nftables table ({@code nft -f}). */
  NFTABLES,
  /** systemd units ({@code systemctl daemon-reload} under the systemd supervisor). */
  SYSTEMD
}
