# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# Started by `wgdeploy --supervisor systemd` once namespace ${namespace} exists; the packaged
# wgdeploy@${mesh.domain}.timer runs that deploy at boot and every few minutes.
[Unit]
Description=BIRD in wgmesh namespace ${namespace}

[Service]
Type=simple
ExecStart=/usr/bin/ip netns exec ${namespace} /usr/sbin/bird -f -c ${paths.birdConf} -s ${paths.birdSocket} -P ${paths.birdPidFile}
ExecReload=/usr/sbin/birdc -s ${paths.birdSocket} configure
ExecStop=/usr/sbin/birdc -s ${paths.birdSocket} down
Restart=on-failure
