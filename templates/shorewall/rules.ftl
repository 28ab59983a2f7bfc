# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#ACTION	SOURCE	DEST	PROTO	DEST_PORT(S)
?SECTION NEW
<#if ports?has_content>
# WireGuard: one UDP port per peer (port base + peer number), forwarded into namespace ${namespace}.
DNAT	net	loc:${veth.nsV4Address}	udp	${ports?join(",")}
</#if>
Ping(ACCEPT)	net	$FW
Ping(ACCEPT)	loc	$FW
# Management from the LAN side only; replace this template (override directory) to change it.
SSH(ACCEPT)	loc	$FW
