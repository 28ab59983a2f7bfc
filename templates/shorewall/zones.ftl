# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#ZONE	TYPE
fw	firewall
net	ipv4
loc	ipv4
