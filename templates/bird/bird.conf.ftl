# Rendered by wgdeploy for ${mesh.domain} on ${self.hostname} (host ${self.number}); changes are overwritten.
# Site-specific additions go to ${bgp.localIncludeDir}/*.conf.
log syslog all;
router id ${self.routerId};

define MESH_ASN = ${self.asn};

# Only the mesh's allowed LAN prefixes (and longer) travel over the mesh, in either direction;
# never a default route.
function mesh_v4() {
<#if bgp.allowedV4?has_content>
  return net ~ [ <#list bgp.allowedV4 as p>${p}+<#sep>, </#sep></#list> ] && net.len > 0;
<#else>
  return false;
</#if>
}

function mesh_v6() {
<#if bgp.allowedV6?has_content>
  return net ~ [ <#list bgp.allowedV6 as p>${p}+<#sep>, </#sep></#list> ] && net.len > 0;
<#else>
  return false;
</#if>
}

filter mesh_v4_only { if mesh_v4() then accept; reject; }
filter mesh_v6_only { if mesh_v6() then accept; reject; }

protocol device {
  scan time 10;
}

# The connected prefixes of the trust (LAN) interface.
protocol direct lan {
  ipv4;
  ipv6;
  interface "${trust.interface}";
}

# Routes learned over the mesh (and local static ones) go to the kernel; nothing is learned from it.
protocol kernel kernel4 {
  ipv4 { import none; export where source ~ [ RTS_BGP, RTS_STATIC ]; };
}

protocol kernel kernel6 {
  ipv6 { import none; export where source ~ [ RTS_BGP, RTS_STATIC ]; };
}

protocol bfd mesh_bfd {
  interface "wg*" {
    min rx interval ${bgp.bfdIntervalMs} ms;
    min tx interval ${bgp.bfdIntervalMs} ms;
    idle tx interval 1000 ms;
    multiplier ${bgp.bfdMultiplier};
  };
}

template bgp mesh_peer {
  local as MESH_ASN;
  bfd on;
  hold time 9;
  keepalive time 3;
  connect delay time 1;
  connect retry time 2;
  error wait time 1, 2;
  ipv4 {
    extended next hop on;
    import filter mesh_v4_only;
    export filter mesh_v4_only;
  };
  ipv6 {
    import filter mesh_v6_only;
    export filter mesh_v6_only;
  };
}
<#list links as link>

protocol bgp ${link.interfaceName} from mesh_peer {
  description "${link.peerHostname}";
  interface "${link.interfaceName}";
  source address ${link.localAddress};
  neighbor ${link.peerAddress} as ${link.peerAsn};
}
</#list>

include "${bgp.localIncludeDir}/*.conf";
