# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# Settings not given here take Shorewall's defaults.
STARTUP_ENABLED=Yes
VERBOSITY=1
LOG_LEVEL="info"
LOGFILE=/var/log/messages
IP_FORWARDING=Keep
ROUTE_FILTER=No
ADMINISABSENTMINDED=Yes
