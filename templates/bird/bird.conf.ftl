# Rendered by wgdeploy for ${mesh.domain} on ${self.hostname}; changes are overwritten.
# Site-specific additions go to ${bgp.localIncludeDir}/*.conf.
log syslog all;
router id ${self.routerId};

protocol device {
}

# Connected networks (the LAN), except the veth to the default namespace and the WireGuard links.
protocol direct {
  ipv4;
  ipv6;
  interface "-${veth.nsName}", "-wg*", "*";
}

protocol kernel kernel4 {
  ipv4 {
    import none;
    export where source = RTS_BGP;
  };
  merge paths on;
}

protocol kernel kernel6 {
  ipv6 {
    import none;
    export where source = RTS_BGP;
  };
  merge paths on;
}

protocol bfd {
  interface "wg*" {
    min rx interval ${bgp.bfdIntervalMs?c} ms;
    min tx interval ${bgp.bfdIntervalMs?c} ms;
    multiplier ${bgp.bfdMultiplier?c};
  };
}

# Only the mesh's allowed LAN prefixes (or longer) cross the mesh, in either direction; never a default route.
filter mesh_lan_v4 {
<#if bgp.allowedV4?has_content>
  if net ~ [ <#list bgp.allowedV4 as p>${p}+<#sep>, </#sep></#list> ] then accept;
</#if>
  reject;
}

filter mesh_lan_v6 {
<#if bgp.allowedV6?has_content>
  if net ~ [ <#list bgp.allowedV6 as p>${p}+<#sep>, </#sep></#list> ] then accept;
</#if>
  reject;
}

template bgp mesh_peer {
  local as ${self.asn?c};
  hold time 6;
  bfd graceful;
  graceful restart;
  enable extended messages;
  ipv4 {
    extended next hop;
    import filter mesh_lan_v4;
    export filter mesh_lan_v4;
  };
  ipv6 {
    import filter mesh_lan_v6;
    export filter mesh_lan_v6;
  };
}

<#list links as link>
protocol bgp ${link.interfaceName} from mesh_peer {
  description "${link.peerHostname}";
  interface "${link.interfaceName}";
  neighbor ${link.peerAddress} as ${link.peerAsn?c} external;
}

</#list>
include "${bgp.localIncludeDir}/*.conf";
