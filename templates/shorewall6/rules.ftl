# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#ACTION	SOURCE	DEST	PROTO	DEST_PORT(S)
?SECTION NEW
<#if ports?has_content>
# WireGuard: one port per peer, forwarded into namespace ${namespace}.
DNAT	net	loc:[${veth.nsV6Address}]	udp	${ports?join(",")}
</#if>
Invalid(DROP)	net	all	tcp
Invalid(DROP)	net	all	udp
Ping(ACCEPT)	net	$FW
# Neighbour discovery and the rest of ICMPv6 that IPv6 needs are allowed by Shorewall6 itself.
# Management access; replace this template (override directory) to restrict it.
SSH(ACCEPT)	net	$FW
