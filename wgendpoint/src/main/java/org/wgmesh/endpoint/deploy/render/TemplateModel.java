package org.wgmesh.endpoint.deploy.render;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.wgmesh.core.model.MeshLinks;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.plan.ClientLink;
import org.wgmesh.endpoint.deploy.plan.ClientOrigin;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.LanOrigin;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.OverlayPlan;
import org.wgmesh.endpoint.deploy.plan.VethPair;
import org.wgmesh.endpoint.deploy.plan.WireGuardLink;

/**
 * The variables templates see, as plain maps, lists, strings and numbers (so a template cannot
 * reach into Java objects). {@code docs/deploy.md} lists them; keep the two in step.
 */
final class TemplateModel {
  private TemplateModel() {}

  static Map<String, Object> of(DeployPlan p) {
    Layout l = p.layout();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mesh", map("domain", p.domain(), "locus", p.locus(), "serial", p.serial()));
    m.put(
        "self",
        map(
            "number",
            p.selfNumber(),
            "hostname",
            p.selfHostname(),
            "routerId",
            p.routerId(),
            "asn",
            p.localAsn()));
    m.put("namespace", p.namespace());
    m.put("publicInterface", p.publicInterface());
    m.put("veth", veth(p.veth()));
    m.put(
        "trust",
        map(
            "interface", p.trustInterface(),
            "addresses", p.trustAddresses().stream().map(IpPrefix::toString).toList(),
            "v4Networks", strings(p.trustNetworks(false)),
            "v6Networks", strings(p.trustNetworks(true))));
    m.put("links", p.links().stream().map(TemplateModel::link).toList());
    m.put("ports", p.links().stream().map(k -> String.valueOf(k.listenPort())).toList());
    // Clients attached here (issue 25): their interfaces, and their ports for the firewall.
    m.put("clients", p.clients().stream().map(TemplateModel::client).toList());
    m.put("clientPorts", p.clients().stream().map(c -> String.valueOf(c.listenPort())).toList());
    m.put(
        "bgp",
        map(
            "allowedV4", strings(p.allowedV4()),
            "allowedV6", strings(p.allowedV6()),
            "ownV4", strings(p.ownLans().v4()),
            "ownV6", strings(p.ownLans().v6()),
            "origins", p.peerLans().stream().map(o -> withMeshAddress(origin(o), p, o)).toList(),
            // This host's mesh address (issue 25): on the namespace's loopback, announced.
            "meshAddress", p.meshAddressOf(p.selfNumber()).toString(),
            "transit", p.transit(),
            "fromNonTransit", p.links().stream().anyMatch(k -> !k.peerTransit()),
            "localIncludeDir", l.birdLocalDir().toString(),
            // The BFD profile in force (issue 21): the site's, or this endpoint's override.
            "bfdProfile", p.linkSettings().bfd().text(),
            "bfdIntervalMs", p.linkSettings().bfd().intervalMs(),
            "bfdMultiplier", p.linkSettings().bfd().multiplier(),
            // Client addresses (issue 25): ours, and the peers' as origins of theirs.
            "hasClients", p.hasClients(),
            "ownClientsV4", strings(p.ownClientPrefixes(false, false)),
            "ownClientsV6", strings(p.ownClientPrefixes(true, false)),
            "secondaryClientsV4", strings(p.ownClientPrefixes(false, true)),
            "secondaryClientsV6", strings(p.ownClientPrefixes(true, true)),
            "clientPrepend", ClientLink.SECONDARY_PREPEND,
            "clientOrigins", p.clientOrigins().stream().map(TemplateModel::clientOrigin).toList()));
    m.put(
        "paths",
        map(
            "birdConf", l.birdConf().toString(),
            "birdSocket", l.birdSocket().toString(),
            "birdPidFile", l.birdPidFile().toString(),
            "wireguardDir", l.wireguardDir().toString(),
            "shorewallDir", l.shorewallDir().toString(),
            "shorewall6Dir", l.shorewall6Dir().toString(),
            "nftablesFile", l.nftablesFile().toString(),
            "stateDir", l.stateDir().toString()));
    m.put(
        "units",
        map(
            "bird", l.birdUnit(),
            "wireguardGo", l.wireguardGoUnitTemplate()));
    m.put("overlay", overlay(p));
    m.put(
        "firewall",
        map(
            "sshFromNet",
            p.settings().allowSshFromNet(),
            "kind",
            p.settings().firewall().name().toLowerCase(Locale.ROOT)));
    return m;
  }

  static Map<String, Object> link(WireGuardLink k) {
    return map(
        "interfaceName", k.interfaceName(),
        "listenPort", k.listenPort(),
        "peerNumber", k.peerNumber(),
        "peerHostname", k.peerHostname(),
        "peerPublicKey", k.peerPublicKey().toBase64(),
        "endpoint", k.endpoint().orElse(""),
        "persistentKeepalive", k.persistentKeepalive(),
        "mtu", k.mtu(),
        "v6Underlay", k.v6Underlay(),
        "localAddress", k.localAddress().toString(),
        "localCidr", k.localCidr(),
        "peerAddress", k.peerAddress().toString(),
        "prefixLength", k.prefixLength(),
        "peerAsn", k.peerAsn(),
        "peerTransit", k.peerTransit(),
        "sharedLan", k.via() == MeshLinks.Via.SHARED_LAN);
  }

  static Map<String, Object> client(ClientLink c) {
    return map(
        "interfaceName", c.interfaceName(),
        "listenPort", c.listenPort(),
        "number", c.clientNumber(),
        "name", c.clientName(),
        "publicKey", c.publicKey().toBase64(),
        "allowedIps", c.allowedIps(),
        "v4", strings(c.hostPrefixes().stream().filter(x -> !x.isV6()).toList()),
        "v6", strings(c.hostPrefixes().stream().filter(IpPrefix::isV6).toList()),
        "persistentKeepalive", c.keepalive(),
        "primary", c.primary(),
        "mtu", c.mtu());
  }

  static Map<String, Object> clientOrigin(ClientOrigin o) {
    return map(
        "number", o.number(),
        "hostname", o.hostname(),
        "asn", o.asn(),
        "v4", strings(o.v4()),
        "v6", strings(o.v6()));
  }

  /** An origin with its mesh address /128, which BGP accepts from that origin's AS only. */
  private static Map<String, Object> withMeshAddress(
      Map<String, Object> origin, DeployPlan p, LanOrigin o) {
    origin.put("meshAddress", p.meshAddressOf(o.number()).toString());
    return origin;
  }

  /** The VXLAN overlay (issue 25), or {@code enabled: false}. */
  private static Map<String, Object> overlay(DeployPlan p) {
    if (p.overlay().isEmpty()) {
      return map("enabled", false);
    }
    OverlayPlan o = p.overlay().get();
    return map(
        "enabled", true,
        "device", o.device(),
        "vni", o.vni(),
        "port", o.port(),
        "local", o.local().toString(),
        "mtu", o.mtu(),
        "addresses", strings(o.addresses()),
        "remotes", o.remotes().stream().map(Object::toString).toList());
  }

  static Map<String, Object> origin(LanOrigin o) {
    return map(
        "number", o.number(),
        "hostname", o.hostname(),
        "asn", o.asn(),
        "v4", strings(o.v4()),
        "v6", strings(o.v6()));
  }

  private static Map<String, Object> veth(VethPair v) {
    return map(
        "hostName", v.hostName(),
        "nsName", v.nsName(),
        "hostV4", v.hostV4().toString(),
        "nsV4", v.nsV4().toString(),
        "hostV4Address", v.hostV4().network().toString(),
        "nsV4Address", v.nsV4().network().toString(),
        "v4Network", v.nsV4().masked().toString(),
        "hostV6", v.hostV6().toString(),
        "nsV6", v.nsV6().toString(),
        "hostV6Address", v.hostV6().network().toString(),
        "nsV6Address", v.nsV6().network().toString(),
        "v6Network", v.nsV6().masked().toString());
  }

  private static List<String> strings(List<IpPrefix> prefixes) {
    return prefixes.stream().map(IpPrefix::toString).toList();
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
