# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#ACTION	SOURCE	DEST	PROTO	DEST_PORT(S)
?SECTION NEW
<#if ports?has_content>
# WireGuard: one port per peer, forwarded into namespace ${namespace}.
DNAT	net	loc:${veth.nsV4Address}	udp	${ports?join(",")}
</#if>
Invalid(DROP)	net	all	tcp
Invalid(DROP)	net	all	udp
Ping(ACCEPT)	net	$FW
# Management access; replace this template (override directory) to restrict it.
SSH(ACCEPT)	net	$FW
