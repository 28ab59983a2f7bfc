# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# Userspace WireGuard for one interface (instance = interface name) in namespace ${namespace};
# used only when the kernel has no WireGuard module. Started by `wgdeploy --supervisor systemd`.
[Unit]
Description=wireguard-go %i in wgmesh namespace ${namespace}

[Service]
Type=simple
ExecStart=/usr/bin/ip netns exec ${namespace} /usr/bin/wireguard-go -f %i
Restart=on-failure
