# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
#ACTION	SOURCE	DEST
MASQUERADE	${veth.v4Network}	${publicInterface}
