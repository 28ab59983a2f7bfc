package org.wgmesh.core.site;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.yaml.YamlNode;

/**
 * The site file's {@code clients:} section (issue 25) to a {@link SiteClients} and back: the
 * property-by-property checks with their lines. The rules that span hosts and clients are in {@link
 * ClientRules}.
 */
final class ClientSpec {
  static final String KEY = "clients";
  static final String DEFAULT = "default";
  static final Set<String> KEYS =
      Set.of("pool-ipv4", "pool-ipv6", "port-base", "keepalive", "dns", "list");
  static final Set<String> CLIENT_KEYS =
      Set.of("name", "number", "public-key", "addresses", "attach");

  private ClientSpec() {}

  /** Parses the section; an empty {@code clients:} is the section with every default. */
  static SiteClients parse(YamlNode section) {
    if (section.isNull()) {
      return new SiteClients(true, ClientSettings.DEFAULT, List.of());
    }
    Map<String, YamlNode> e = section.entries(KEYS);
    Optional<IpPrefix> pool4 =
        YamlNode.optional(e, "pool-ipv4").map(n -> n.as(t -> IpPrefix.parse(t, "pool-ipv4")));
    Optional<IpPrefix> pool6 =
        YamlNode.optional(e, "pool-ipv6")
            .filter(n -> !n.text().equals(DEFAULT))
            .map(n -> n.as(t -> IpPrefix.parse(t, "pool-ipv6")));
    OptionalInt portBase = OptionalInt.empty();
    Optional<YamlNode> pb =
        YamlNode.optional(e, "port-base").filter(n -> !n.text().equals(DEFAULT));
    if (pb.isPresent()) {
      portBase = OptionalInt.of((int) pb.get().number(1, 65534));
    }
    int keepalive =
        YamlNode.optional(e, "keepalive")
            .map(
                n ->
                    n.as(
                        t ->
                            LinkSettings.checkKeepalive(
                                LinkSettings.number(t, "keepalive"), "keepalive")))
            .orElse(ClientSettings.DEFAULT_KEEPALIVE);
    List<IpAddress> dns = new ArrayList<>();
    for (YamlNode d : YamlNode.optional(e, "dns").map(YamlNode::items).orElse(List.of())) {
      dns.add(d.as(t -> IpAddress.parse(t, "dns")));
    }
    List<SiteClient> list = new ArrayList<>();
    for (YamlNode c : YamlNode.optional(e, "list").map(YamlNode::items).orElse(List.of())) {
      list.add(client(c));
    }
    return new SiteClients(true, new ClientSettings(pool4, pool6, portBase, keepalive, dns), list);
  }

  private static SiteClient client(YamlNode c) {
    Map<String, YamlNode> e = c.entries(CLIENT_KEYS);
    YamlNode nameNode = c.require(e, "name");
    String name = nameNode.text();
    if (!ClientRules.NAME.matcher(name).matches()) {
      throw nameNode.error(
          "'" + name + "' is not a DNS label",
          "use 1-63 lower-case letters, digits and inner hyphens, e.g. anna-laptop");
    }
    int number = (int) c.require(e, "number").number(1, Addressing.MAX_CLIENT);
    X25519PublicKey key =
        c.require(e, "public-key").as(t -> X25519PublicKey.parse(t, "public-key"));
    List<IpAddress> addresses = new ArrayList<>();
    for (YamlNode a : c.require(e, "addresses").items()) {
      addresses.add(a.as(t -> IpAddress.parse(t, "address")));
    }
    List<String> attach = new ArrayList<>();
    for (YamlNode a : c.require(e, "attach").items()) {
      attach.add(a.text().toLowerCase(Locale.ROOT));
    }
    return new SiteClient(name, number, key, addresses, attach);
  }

  /** The section as the site file writes it: settings first, then the clients by number. */
  static Map<String, Object> render(SiteClients clients) {
    ClientSettings s = clients.settings();
    Map<String, Object> m = new LinkedHashMap<>();
    s.pool4().ifPresent(p -> m.put("pool-ipv4", p.toString()));
    m.put("pool-ipv6", s.pool6().map(Object::toString).orElse(DEFAULT));
    m.put("port-base", s.portBase().isPresent() ? (Object) s.portBase().getAsInt() : DEFAULT);
    m.put("keepalive", s.keepalive());
    if (!s.dns().isEmpty()) {
      m.put("dns", s.dns().stream().map(Object::toString).toList());
    }
    List<Object> list = new ArrayList<>();
    for (SiteClient c : clients.list()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", c.name());
      e.put("number", c.number());
      e.put("public-key", c.publicKey().toBase64());
      e.put("addresses", c.addresses().stream().map(Object::toString).toList());
      e.put("attach", c.attach());
      list.add(e);
    }
    m.put("list", list);
    return m;
  }
}
