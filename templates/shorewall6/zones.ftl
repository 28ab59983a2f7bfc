# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#ZONE	TYPE
fw	firewall
net	ipv6
loc	ipv6
