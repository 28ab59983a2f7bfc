# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
[Unit]
Description=Run wgdeploy for ${mesh.domain} regularly

[Timer]
OnBootSec=1min
OnUnitActiveSec=5min
RandomizedDelaySec=30s

[Install]
WantedBy=timers.target
