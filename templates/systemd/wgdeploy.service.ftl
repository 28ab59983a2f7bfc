# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
[Unit]
Description=wgdeploy ${mesh.domain}: apply the current mesh
After=${units.namespace}

[Service]
Type=oneshot
ExecStart=${wgdeploy.command} --supervisor systemd ${mesh.domain}
