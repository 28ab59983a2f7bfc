# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# What leaves namespace ${namespace} for the Internet (the veth and the LAN) is masqueraded.
#ACTION	SOURCE	DEST
# Your own snat entries (kept by every deploy) come first.
?INCLUDE snat.local
MASQUERADE	${([veth.v4Network] + trust.v4Networks)?join(",")}	${publicInterface}
<#list (sharedLanInterfaces![]) as i>
MASQUERADE	${([veth.v4Network] + trust.v4Networks)?join(",")}	${i}
</#list>
