# Rendered by wgdeploy for ${mesh.domain}; changes are overwritten.
# Format of `wg setconf` (not wg-quick). A client (issue 25): it dials in and roams, so no
# Endpoint; it may send only from its own addresses, which BIRD routes here and announces.
[Interface]
PrivateKey = ${privateKey}
ListenPort = ${client.listenPort?c}

[Peer]
# client ${client.name} (client ${client.number?c}<#if client.primary>, primary host<#else>, secondary host</#if>)
PublicKey = ${client.publicKey}
AllowedIPs = ${client.allowedIps}
<#if (client.persistentKeepalive > 0)>
PersistentKeepalive = ${client.persistentKeepalive?c}
</#if>
