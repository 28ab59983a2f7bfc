# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# Brings mesh namespace ${namespace} up at boot (wgdeploy recreates whatever is missing) and
# removes it on stop (wgdeploy --down moves the trust interface back).
[Unit]
Description=wgmesh ${mesh.domain}: namespace ${namespace}, WireGuard, BIRD, Shorewall
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${wgdeploy.command} --supervisor systemd ${mesh.domain}
ExecStop=${wgdeploy.command} --supervisor systemd --down ${mesh.domain}

[Install]
WantedBy=multi-user.target
