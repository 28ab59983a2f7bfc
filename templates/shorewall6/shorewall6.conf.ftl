# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# Settings not given here take Shorewall's defaults.
STARTUP_ENABLED=Yes
VERBOSITY=1
LOG_LEVEL="info"
LOGFILE=/var/log/messages
IP_FORWARDING=Keep
ROUTE_FILTER=No
ADMINISABSENTMINDED=Yes
# The ICMPv6 that IPv6 cannot work without (RFC 4890: neighbour discovery, router advertisements,
# packet too big, ...) passes before a DROP or REJECT policy, as in Shorewall6's own samples.
# Without it, neighbour solicitations to the public address are dropped: an IPv6-only host is
# unreachable, and the namespace cannot reach its veth gateway.
DROP_DEFAULT="AllowICMPs,Broadcast(DROP),Multicast(DROP)"
REJECT_DEFAULT="AllowICMPs,Broadcast(DROP),Multicast(DROP)"
