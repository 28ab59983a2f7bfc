# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# net: the public NIC; loc: the veth into namespace ${namespace}.
?FORMAT 2
#ZONE	INTERFACE	OPTIONS
net	${publicInterface}	tcpflags,nosmurfs,routefilter,logmartians,sourceroute=0
<#list (sharedLanInterfaces![]) as i>
# A network shared with other mesh hosts (the same-LAN shortcut): WireGuard comes in here too.
net	${i}	tcpflags,nosmurfs,routefilter,logmartians,sourceroute=0
</#list>
loc	${veth.hostName}	tcpflags,routefilter
# Your own interfaces (kept by every deploy).
?INCLUDE interfaces.local
