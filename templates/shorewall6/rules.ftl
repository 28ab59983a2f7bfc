# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#ACTION	SOURCE	DEST	PROTO	DEST_PORT(S)
# Your own rules (kept by every deploy) come first: they win over wgmesh's. With ?SECTION lines
# they must end in ?SECTION NEW, the section wgmesh's rules below are in.
?INCLUDE rules.local
<#if ports?has_content>
# WireGuard over IPv6: the same ports, forwarded into namespace ${namespace}.
DNAT	net	loc:[${veth.nsV6Address}]	udp	${ports?join(",")}
</#if>
<#if (clientPorts![])?has_content>
# WireGuard clients attached here over IPv6: their ports, forwarded likewise.
DNAT	net	loc:[${veth.nsV6Address}]	udp	${clientPorts?join(",")}
</#if>
Ping(ACCEPT)	net	$FW
Ping(ACCEPT)	loc	$FW
<#if firewall.sshFromNet>
# SSH from both sides, as for IPv4 (wgconfig --allow-ssh-from-net false: LAN side only).
SSH(ACCEPT)	net	$FW
</#if>
SSH(ACCEPT)	loc	$FW
