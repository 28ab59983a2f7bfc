# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#ACTION	SOURCE	DEST	PROTO	DEST_PORT(S)
# Your own rules (kept by every deploy) come first: they win over wgmesh's. With ?SECTION lines
# they must end in ?SECTION NEW, the section wgmesh's rules below are in.
?INCLUDE rules.local
<#if ports?has_content>
# WireGuard: one UDP port per peer (port base + peer number), forwarded into namespace ${namespace}.
DNAT	net	loc:${veth.nsV4Address}	udp	${ports?join(",")}
</#if>
<#if (clientPorts![])?has_content>
# WireGuard clients attached here (one UDP port per client): forwarded into namespace ${namespace}
# like the peers' ports; there they reach every LAN, and every LAN reaches them.
DNAT	net	loc:${veth.nsV4Address}	udp	${clientPorts?join(",")}
</#if>
Ping(ACCEPT)	net	$FW
Ping(ACCEPT)	loc	$FW
<#if firewall.sshFromNet>
# SSH from both sides: the policy drops the rest from net, and an operator deploying over SSH to
# the public address must not be cut off (wgconfig --allow-ssh-from-net false: LAN side only).
SSH(ACCEPT)	net	$FW
<#else>
# SSH from the LAN side only (wgconfig --allow-ssh-from-net false).
</#if>
SSH(ACCEPT)	loc	$FW
