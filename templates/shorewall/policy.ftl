# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#SOURCE	DEST	POLICY	LOGLEVEL
$FW	all	ACCEPT
loc	net	ACCEPT
net	all	DROP	info
all	all	REJECT	info
