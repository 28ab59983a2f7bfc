# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
[Unit]
Description=BIRD in wgmesh namespace ${namespace}
After=${units.namespace}
PartOf=${units.namespace}

[Service]
Type=simple
ExecStart=/usr/bin/ip netns exec ${namespace} /usr/sbin/bird -f -c ${paths.birdConf} -s ${paths.birdSocket} -P ${paths.birdPidFile}
ExecReload=/usr/sbin/birdc -s ${paths.birdSocket} configure
ExecStop=/usr/sbin/birdc -s ${paths.birdSocket} down
Restart=on-failure

[Install]
WantedBy=${units.namespace}
