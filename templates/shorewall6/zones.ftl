# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#ZONE	TYPE
fw	firewall
net	ipv6
loc	ipv6
# Your own zones (kept by every deploy): after these, so they may nest in net or loc.
?INCLUDE zones.local
