# Rendered by wgdeploy for ${mesh.domain} on ${self.hostname} (host ${self.number}); changes are overwritten.
# Site-specific additions go to ${bgp.localIncludeDir}/*.conf.
log syslog all;
router id ${self.routerId};

define MESH_ASN = ${self.asn};

# Route origin filters. Every host is its own AS and may originate only its own LAN prefixes, as
# the signed mesh view lists them, or longer ones. A route is accepted only when its prefix lies
# within a LAN prefix of the host whose AS ends its AS path (bgp_path.last): no host can take over
# another host's LAN, or a more specific of it, under its own AS. Rejected as well: link and
# tunnel prefixes, default routes, and our own prefixes coming back (MESH_ASN is not listed).
# Each host's mesh address (a /128 under the tunnel prefix, issue 25) is accepted from its own AS
# only, like its LANs.
# Transit still works: host C's route relayed by host B has the path "B C", origin C.
# BGP does not authenticate the path, so a host can still forge one that ends in another host's
# AS (docs/security.md).
<#macro within prefixes><#if prefixes?has_content>net ~ [ <#list prefixes as p>${p}+<#sep>, </#sep></#list> ]<#else>false</#if></#macro>
function mesh_origin_v4() {
  case bgp_path.last {
<#list bgp.origins as o>
    ${o.asn}: return <@within o.v4/>; # ${o.hostname}
</#list>
    else: return false;
  }
}

function mesh_origin_v6() {
  case bgp_path.last {
<#list bgp.origins as o>
    ${o.asn}: return net ~ [ ${o.meshAddress} ] || <@within o.v6/>; # ${o.hostname}
</#list>
    else: return false;
  }
}

# Our own LAN prefixes (and longer) when originated here: connected or static, never learned.
function mesh_own_v4() {
  if source = RTS_BGP then return false;
  return <@within bgp.ownV4/>;
}

function mesh_own_v6() {
  if source = RTS_BGP then return false;
  return net ~ [ ${bgp.meshAddress} ] || <@within bgp.ownV6/>;
}

<#if bgp.hasClients>
<#list ["v4", "v6"] as f>
<#if f == "v4">
# Clients (issue 25): a route to a client address is accepted only when the AS that ends its path
# is a host the client attaches to, and only the exact address (/32, /128) the signed mesh view
# lists, never a covering or a longer prefix.
</#if>
function mesh_client_${f}() {
  case bgp_path.last {
<#list bgp.clientOrigins as o>
    ${o.asn}: return <#if o[f]?has_content>net ~ [ ${o[f]?join(", ")} ]<#else>false</#if>; # ${o.hostname}
</#list>
    else: return false;
  }
}

<#if f == "v4">
# The clients attached here: BIRD's static routes over their interfaces (protocol mesh_clients_*
# below), announced to every peer.
</#if>
function mesh_own_client_${f}() {
  if proto != "mesh_clients_${f}" then return false;
  return <#if bgp["ownClients" + f?upper_case]?has_content>net ~ [ ${bgp["ownClients" + f?upper_case]?join(", ")} ]<#else>false</#if>;
}

<#if f == "v4">
# The clients whose primary host is another one: announced with our AS put in front
# ${bgp.clientPrepend} more times, so the mesh sends their traffic through the primary, where their
# configs send it (a secondary still reaches them directly: its own static route wins here).
</#if>
function mesh_secondary_client_${f}() {
  return <#if bgp["secondaryClients" + f?upper_case]?has_content>net ~ [ ${bgp["secondaryClients" + f?upper_case]?join(", ")} ]<#else>false</#if>;
}

</#list>

# Never a default route, whatever a LAN prefix says.
<#list ["v4", "v6"] as f>
filter mesh_${f}_in { if net.len > 0 && (mesh_origin_${f}() || mesh_client_${f}()) then accept; reject; }
</#list>
<#if !bgp.transit>
# Not transit (a spoke of a hub-and-spoke mesh): only our own LANs and clients go out, never a
# route learned from a peer, so traffic between other hosts never passes through here.
</#if>
<#list ["v4", "v6"] as f>
filter mesh_${f}_out {
  if net.len = 0 then reject;
  if mesh_own_${f}() then accept;
  if mesh_own_client_${f}() then {
    if mesh_secondary_client_${f}() then {
<#list 1..bgp.clientPrepend as i>
      bgp_path.prepend(MESH_ASN);
</#list>
    }
    accept;
  }
<#if bgp.transit>
  if mesh_origin_${f}() || mesh_client_${f}() then accept;
</#if>
  reject;
}
</#list>
<#if bgp.fromNonTransit>

# From a peer that is not transit (a spoke), only the peer's own LANs: an AS path of exactly its
# AS. A direct (shared-LAN) path has this length 1 and wins over the path through a hub (2 or more).
# Its clients' addresses come with its AS alone, repeated when it is not their primary host.
<#list ["v4", "v6"] as f>
filter mesh_${f}_in_own {
  if net.len > 0 && bgp_path.len = 1 && mesh_origin_${f}() then accept;
  if net.len > 0 && bgp_path.first = bgp_path.last && mesh_client_${f}() then accept;
  reject;
}
</#list>
</#if>
<#else>
# Never a default route, whatever a LAN prefix says.
filter mesh_v4_in { if net.len > 0 && mesh_origin_v4() then accept; reject; }
filter mesh_v6_in { if net.len > 0 && mesh_origin_v6() then accept; reject; }
<#if bgp.transit>
filter mesh_v4_out { if net.len > 0 && (mesh_own_v4() || mesh_origin_v4()) then accept; reject; }
filter mesh_v6_out { if net.len > 0 && (mesh_own_v6() || mesh_origin_v6()) then accept; reject; }
<#else>
# Not transit (a spoke of a hub-and-spoke mesh): only our own LANs go out, never a route learned
# from a peer, so traffic between other hosts never passes through here.
filter mesh_v4_out { if net.len > 0 && mesh_own_v4() then accept; reject; }
filter mesh_v6_out { if net.len > 0 && mesh_own_v6() then accept; reject; }
</#if>
<#if bgp.fromNonTransit>

# From a peer that is not transit (a spoke), only the peer's own LANs: an AS path of exactly its
# AS. A direct (shared-LAN) path has this length 1 and wins over the path through a hub (2 or more).
filter mesh_v4_in_own { if net.len > 0 && bgp_path.len = 1 && mesh_origin_v4() then accept; reject; }
filter mesh_v6_in_own { if net.len > 0 && bgp_path.len = 1 && mesh_origin_v6() then accept; reject; }
</#if>
</#if>

protocol device {
  scan time 10;
}
<#if clients?has_content>

# The clients attached here (issue 25): a route to each address over the client's own interface,
# to the kernel and, by the export filters above, to every peer.
<#list ["v4", "v6"] as f>
protocol static mesh_clients_${f} {
  ip${f};
<#list clients as c>
<#list c[f] as a>
  route ${a} via "${c.interfaceName}"; # ${c.name}
</#list>
</#list>
}
</#list>
</#if>

# The connected prefixes of the trust (LAN) interface.
protocol direct lan {
  ipv4;
  ipv6;
  interface "${trust.interface}";
}

# This host's mesh address on the namespace's loopback (issue 25): announced to every peer, so
# every host reaches it (the VXLAN overlay's endpoint, the host's "tunnel" address in DNS).
protocol direct mesh_address {
  ipv6 { import where net ~ [ ${bgp.meshAddress} ]; };
  interface "lo";
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
  # Each neighbour puts its own AS first: a forged path must name the forger, one hop longer than
  # the owner's own announcement (see the origin filters above).
  enforce first as on;
  bfd on;
  hold time 9;
  keepalive time 3;
  connect delay time 1;
  connect retry time 2;
  error wait time 1, 2;
  ipv4 {
    extended next hop on;
    import filter mesh_v4_in;
    export filter mesh_v4_out;
  };
  ipv6 {
    import filter mesh_v6_in;
    export filter mesh_v6_out;
  };
}
<#list links as link>

protocol bgp ${link.interfaceName} from mesh_peer {
  description "${link.peerHostname}<#if link.sharedLan> (shared LAN)</#if>";
  interface "${link.interfaceName}";
  source address ${link.localAddress};
  neighbor ${link.peerAddress} as ${link.peerAsn};
<#if !link.peerTransit>
  ipv4 { import filter mesh_v4_in_own; };
  ipv6 { import filter mesh_v6_in_own; };
</#if>
}
</#list>

include "${bgp.localIncludeDir}/*.conf";
