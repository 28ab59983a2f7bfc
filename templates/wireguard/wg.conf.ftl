# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# Format of `wg setconf` (not wg-quick): the link address is set with `ip addr`.
[Interface]
PrivateKey = ${privateKey}
ListenPort = ${link.listenPort?c}

[Peer]
# ${link.peerHostname} (host ${link.peerNumber?c})
PublicKey = ${link.peerPublicKey}
AllowedIPs = 0.0.0.0/0, ::/0
<#if link.endpoint?has_content>
Endpoint = ${link.endpoint}
</#if>
<#if (link.persistentKeepalive > 0)>
PersistentKeepalive = ${link.persistentKeepalive?c}
</#if>
