# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# net: the public NIC; loc: the veth into namespace ${namespace}.
?FORMAT 2
#ZONE	INTERFACE	OPTIONS
net	${publicInterface}	tcpflags,sourceroute=0
loc	${veth.hostName}	tcpflags
# Your own interfaces (kept by every deploy).
?INCLUDE interfaces.local
