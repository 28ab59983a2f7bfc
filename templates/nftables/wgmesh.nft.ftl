<#-- The firewall of the mesh as one nftables table of its own (firewall: nftables). -->
<#assign netIfaces = [publicInterface] + (sharedLanInterfaces![])>
<#function set items><#return "{ " + items?map(i -> "\"" + i + "\"")?join(", ") + " }"></#function>
# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# wgdeploy's own table: 'nft -f' of this file replaces it in one transaction (add, delete, define)
# and leaves every other table alone. nftables runs every base chain of a hook, so an accept here
# cannot open what the operator's tables drop: these chains accept by default and drop only what
# is aimed at the mesh (docs/deploy.md, "Firewall: nftables").
add table inet wgmesh
delete table inet wgmesh
table inet wgmesh {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
<#if ports?has_content>
		# WireGuard: one UDP port per peer, forwarded into namespace ${namespace}.
		meta nfproto ipv4 iifname ${set(netIfaces)} udp dport { ${ports?join(", ")} } dnat ip to ${veth.nsV4Address}
		meta nfproto ipv6 iifname ${set(netIfaces)} udp dport { ${ports?join(", ")} } dnat ip6 to ${veth.nsV6Address}
</#if>
<#if (clientPorts![])?has_content>
		# WireGuard clients attached here: one UDP port per client, forwarded likewise.
		meta nfproto ipv4 iifname ${set(netIfaces)} udp dport { ${clientPorts?join(", ")} } dnat ip to ${veth.nsV4Address}
		meta nfproto ipv6 iifname ${set(netIfaces)} udp dport { ${clientPorts?join(", ")} } dnat ip6 to ${veth.nsV6Address}
</#if>
	}

	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		# What leaves namespace ${namespace} for the Internet (the veth and the LAN) is masqueraded.
		oifname ${set(netIfaces)} ip saddr { ${([veth.v4Network] + trust.v4Networks)?join(", ")} } masquerade
		oifname "${publicInterface}" ip6 saddr { ${([veth.v6Network] + trust.v6Networks)?join(", ")} } masquerade
	}

	chain input {
		type filter hook input priority filter; policy accept;
		iifname != ${set(netIfaces)} accept
		ct state established,related accept
		icmp type echo-request accept
		icmpv6 type echo-request accept
<#if firewall.sshFromNet>
		# SSH from the Internet side is not dropped here (the operator's tables decide).
<#else>
		# SSH from the LAN side only (wgconfig --allow-ssh-from-net false).
		tcp dport 22 drop
</#if>
		# The router's end of the veth into namespace ${namespace} is not for the Internet.
		ip daddr ${veth.hostV4Address} drop
		ip6 daddr ${veth.hostV6Address} drop
	}

	chain forward {
		type filter hook forward priority filter; policy accept;
		# From the Internet into the namespace: the forwarded WireGuard ports and replies only.
		iifname ${set(netIfaces)} oifname "${veth.hostName}" ct status dnat accept
		iifname ${set(netIfaces)} oifname "${veth.hostName}" ct state established,related accept
		iifname ${set(netIfaces)} oifname "${veth.hostName}" drop
	}
}
