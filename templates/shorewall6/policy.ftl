# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#SOURCE	DEST	POLICY	LOGLEVEL
# Your own policies (kept by every deploy) come first, before wgmesh's catch-all ones.
?INCLUDE policy.local
$FW	all	ACCEPT
loc	net	ACCEPT
net	all	DROP	info
all	all	REJECT	info
