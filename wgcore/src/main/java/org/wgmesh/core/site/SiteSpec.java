package org.wgmesh.core.site;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.KeySwitch;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.NamesPolicy;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.yaml.YamlNode;

/**
 * The site file as written, validated property by property with the line of each: every error reads
 * {@code Property 'x' at line N: ...}. {@link #parse} also runs the cross-host rules with line
 * numbers, so a {@link Site} built from a spec is known good. Keys are in {@link SiteFile}.
 *
 * @param settings mesh-wide parameters
 * @param asnRange the ASN range
 * @param publishTarget the publish URI
 * @param ttl record TTL
 * @param recordLifetime record validity
 * @param signingPublic the stored public signing key
 * @param boxPublic the stored public box key
 * @param hosts admitted hosts, in file order
 * @param retired retired numbers, in file order
 * @param signingNode the {@code site-keys.signing-public} node, for errors about key files
 * @param boxNode the {@code site-keys.box-public} node, for errors about key files
 * @param keyPolicy {@code group-key-max-age} and {@code key-switch-delay} (the roll comes with the
 *     key file, in {@link SiteFile})
 * @param roll {@code site-keys.next-signing-public} and {@code roll-at}, empty outside a roll
 * @param enrolment the {@code enrolment:} section ({@link EnrolmentSpec}), empty when absent
 * @param originalNode {@code site-keys.original-public} (issue 26): the public half of the original
 *     wgmesh's site key, whose private half is in {@code NAME.original.key}; empty for a site not
 *     imported from the original, or that forgot its key
 * @param clients the {@code clients:} section (issue 25, {@link ClientSpec}); {@link
 *     SiteClients#NONE} when absent
 * @param names the {@code names:} section (issue 25, {@link NamesSpec}), empty when absent
 */
record SiteSpec(
    MeshSettings settings,
    AsnRange asnRange,
    String publishTarget,
    Duration ttl,
    Duration recordLifetime,
    Ed25519PublicKey signingPublic,
    X25519PublicKey boxPublic,
    List<HostEntry> hosts,
    List<RetiredHost> retired,
    YamlNode signingNode,
    YamlNode boxNode,
    KeyPolicy keyPolicy,
    Optional<RollSpec> roll,
    Optional<EnrolmentPolicy> enrolment,
    Optional<YamlNode> originalNode,
    SiteClients clients,
    Optional<NamesPolicy> names) {

  /**
   * A site-key roll as the site file states it.
   *
   * @param nextPublic the next signing key's public half
   * @param at when the overlap ends
   * @param node the {@code next-signing-public} node, for errors about the key file
   */
  record RollSpec(
      Ed25519PublicKey nextPublic,
      X25519PublicKey nextBoxPublic,
      Instant at,
      YamlNode node,
      YamlNode boxNode) {}

  /**
   * The error for a key file that does not hold the private half of {@code site-keys.<property>}:
   * names the property and its line, so the key store needs no YAML.
   */
  ConfigException keyFileMismatch(String property, Path file) {
    YamlNode node =
        switch (property) {
          case "signing-public" -> signingNode;
          case "box-public" -> boxNode;
          case "next-signing-public" -> roll.orElseThrow().node();
          case "next-box-public" -> roll.orElseThrow().boxNode();
          case ORIGINAL_PUBLIC -> originalNode.orElseThrow();
          default -> throw new IllegalArgumentException(property);
        };
    String hint =
        property.startsWith("next-")
            ? "restore the right " + file.getFileName() + "; never edit site-keys by hand"
            : "restore the right "
                + file.getFileName()
                + " (e.g. from a backup); never edit site-keys by hand";
    return node.error("does not match the private key in " + file, hint);
  }

  /** The public half of the original wgmesh's site key (issue 26), in {@code site-keys}. */
  static final String ORIGINAL_PUBLIC = "original-public";

  /** The original wgmesh's site public key, when the site file names one. */
  Optional<X25519PublicKey> originalPublic() {
    return originalNode.map(n -> convert(n, t -> X25519PublicKey.parse(t, ORIGINAL_PUBLIC)));
  }

  /** Format version of the site file; written as {@code version: 1}. */
  static final int VERSION = 1;

  static final int DEFAULT_PORTBASE = 51000;
  static final Duration DEFAULT_TTL = Duration.ofSeconds(300);
  static final Duration DEFAULT_RECORD_LIFETIME = Duration.ofDays(7);
  static final List<String> DEFAULT_ALLOWED_LAN =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "198.18.0.0/15", "fd00::/8");

  static final Set<String> TOP_KEYS =
      Set.of(
          "version",
          "domain",
          "locus",
          "tunnel-prefix",
          "portbase",
          "asn-range",
          "allowed-lan-prefixes",
          "topology",
          "mtu",
          "keepalive",
          "bfd",
          "publish",
          "ttl",
          "record-lifetime",
          "group-key-max-age",
          "key-switch-delay",
          "site-keys",
          "hosts",
          "retired",
          EnrolmentSpec.KEY,
          ClientSpec.KEY,
          "overlay",
          NamesSpec.KEY);
  static final Set<String> KEY_KEYS =
      Set.of(
          "signing-public",
          "box-public",
          "next-signing-public",
          "next-box-public",
          "roll-at",
          ORIGINAL_PUBLIC);
  static final Set<String> HOST_KEYS =
      Set.of(
          "uuid",
          "hostname",
          "number",
          "asn",
          "public-key",
          "endpoints",
          "lan-prefixes",
          "shared-lans",
          "hpke-public",
          "previous-key",
          "key-switch-at",
          "enrolled-as");
  static final Set<String> RETIRED_KEYS = Set.of("number", "uuid");
  static final Set<String> TOPOLOGY_KEYS = Set.of("policy", "hubs", "hubs-per-spoke");

  /** The {@code overlay:} section (issue 25) and its one kind, {@code vxlan:}. */
  static final String OVERLAY = "overlay";

  static final Set<String> OVERLAY_KEYS = Set.of("vxlan");
  static final Set<String> VXLAN_KEYS = Set.of("vni", "port", "ipv4", "ipv6");

  /** {@code overlay.vxlan.ipv6: default}: the site's {@code P:0:3::/64}. */
  static final String DEFAULT_OVERLAY_IPV6 = "default";

  private static final Pattern LOCUS = Pattern.compile("[a-z][a-z0-9-]{0,14}");
  private static final Pattern URI_FORM = Pattern.compile("[a-z][a-z0-9+.-]*:\\S.*");

  /**
   * Validates a parsed site file.
   *
   * @throws ConfigException naming the property and line of the first problem
   */
  static SiteSpec parse(YamlNode root) {
    Map<String, YamlNode> top = root.entries(TOP_KEYS);
    YamlNode.optional(top, "version")
        .ifPresent(
            v -> {
              if (v.number(0, Integer.MAX_VALUE) != VERSION) {
                throw v.error(
                    "this wgsite reads site files of version " + VERSION, "upgrade wgsite");
              }
            });
    String domain = convert(root.require(top, "domain"), t -> DomainName.parse(t, "domain").name());
    String locus = convert(root.require(top, "locus"), SiteSpec::checkLocus);
    IpPrefix tunnel =
        convert(
            root.require(top, "tunnel-prefix"),
            t -> checkTunnelPrefix(IpPrefix.parse(t, "tunnel-prefix"), "tunnel-prefix"));
    int portbase =
        YamlNode.optional(top, "portbase")
            .map(n -> (int) n.number(1, 65534))
            .orElse(DEFAULT_PORTBASE);
    AsnRange asn =
        YamlNode.optional(top, "asn-range")
            .map(n -> convert(n, t -> AsnRange.parse(t, "asn-range")))
            .orElseGet(() -> AsnRange.parse(AsnRange.DEFAULT, "asn-range"));
    List<IpPrefix> allowed = allowedLan(top);
    YamlNode pub = root.require(top, "publish");
    convert(pub, t -> checkPublishTarget(t, domain, "publish"));
    Duration ttl =
        YamlNode.optional(top, "ttl").map(n -> duration(n, 1, 86400)).orElse(DEFAULT_TTL);
    Duration lifetime =
        YamlNode.optional(top, "record-lifetime")
            .map(n -> duration(n, 3600, 366L * 86400))
            .orElse(DEFAULT_RECORD_LIFETIME);
    // Keys over time (issue 12): the group key also rotates when this old, not only on removals.
    KeyPolicy keyPolicy =
        new KeyPolicy(
            YamlNode.optional(top, "group-key-max-age").map(n -> duration(n, 3600, 366L * 86400)),
            Optional.empty(),
            // How long after a rotated host key is first published every end switches to it.
            YamlNode.optional(top, "key-switch-delay").map(n -> duration(n, 1, 366L * 86400)));
    YamlNode keysNode = root.require(top, "site-keys");
    Map<String, YamlNode> keys = keysNode.entries(KEY_KEYS);
    YamlNode signNode = keysNode.require(keys, "signing-public");
    YamlNode boxNode = keysNode.require(keys, "box-public");
    Ed25519PublicKey sign = convert(signNode, t -> Ed25519PublicKey.parse(t, "signing-public"));
    X25519PublicKey box = convert(boxNode, t -> X25519PublicKey.parse(t, "box-public"));
    Optional<RollSpec> roll = rollSpec(keysNode, keys, sign, box);
    Optional<YamlNode> originalNode = YamlNode.optional(keys, ORIGINAL_PUBLIC);
    originalNode.ifPresent(n -> convert(n, t -> X25519PublicKey.parse(t, ORIGINAL_PUBLIC)));

    List<YamlNode> hostNodes =
        YamlNode.optional(top, "hosts").map(YamlNode::items).orElse(List.of());
    List<HostEntry> hosts = new ArrayList<>();
    for (YamlNode h : hostNodes) {
      hosts.add(host(h));
    }
    Topology topology =
        YamlNode.optional(top, "topology").map(n -> topology(n, hosts)).orElse(Topology.FULL_MESH);
    MeshSettings settings =
        new MeshSettings(
            domain,
            locus,
            tunnel,
            portbase,
            allowed,
            topology,
            linkSettings(top),
            YamlNode.optional(top, OVERLAY).map(n -> overlay(n, tunnel)));
    List<YamlNode> retiredNodes =
        YamlNode.optional(top, "retired").map(YamlNode::items).orElse(List.of());
    List<RetiredHost> retired = new ArrayList<>();
    for (YamlNode r : retiredNodes) {
      Map<String, YamlNode> e = r.entries(RETIRED_KEYS);
      retired.add(
          new RetiredHost(
              (int) r.require(e, "number").number(1, Addressing.MAX_HOST),
              convert(r.require(e, "uuid"), t -> uuid(t))));
    }
    Map<String, Integer> lines = new HashMap<>();
    collectLines(root, lines);
    SiteRules.Locator locator =
        path ->
            lines.containsKey(path)
                ? "Property '" + path + "' at line " + lines.get(path)
                : "Property '" + path + "'";
    SiteRules.check(root.source(), locator, settings, Optional.of(asn), hosts, retired);
    SiteClients clients =
        YamlNode.optional(top, ClientSpec.KEY).map(ClientSpec::parse).orElse(SiteClients.NONE);
    ClientRules.check(root.source(), locator, settings, hosts, clients);
    return new SiteSpec(
        settings,
        asn,
        pub.text(),
        ttl,
        lifetime,
        sign,
        box,
        hosts,
        retired,
        signNode,
        boxNode,
        keyPolicy,
        roll,
        YamlNode.optional(top, EnrolmentSpec.KEY).map(n -> EnrolmentSpec.parse(n, allowed)),
        originalNode,
        clients,
        names(top, settings, hosts, clients));
  }

  /** The {@code names:} section (issue 25), checked against the hosts and clients at its line. */
  private static Optional<NamesPolicy> names(
      Map<String, YamlNode> top,
      MeshSettings settings,
      List<HostEntry> hosts,
      SiteClients clients) {
    Optional<YamlNode> node = YamlNode.optional(top, NamesSpec.KEY);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    NamesPolicy policy = NamesSpec.parse(node.get());
    try {
      NamesSpec.check(policy, settings, hosts, clients.list(), node.get().where());
    } catch (ConfigException e) {
      throw node.get().error(e.why(), e.hint());
    }
    return Optional.of(policy);
  }

  /**
   * {@code mtu}, {@code keepalive} and {@code bfd} (issues 20 and 21): the mesh-wide link settings,
   * each optional ({@link LinkSettings#DEFAULT}).
   */
  private static LinkSettings linkSettings(Map<String, YamlNode> top) {
    LinkSettings l = LinkSettings.DEFAULT;
    Optional<YamlNode> mtu = YamlNode.optional(top, "mtu");
    if (mtu.isPresent()) {
      l =
          l.withMtu(
              OptionalInt.of(
                  convert(
                      mtu.get(),
                      t -> LinkSettings.checkMtu(LinkSettings.number(t, "mtu"), "mtu"))));
    }
    Optional<YamlNode> keepalive = YamlNode.optional(top, "keepalive");
    if (keepalive.isPresent()) {
      l =
          l.withKeepalive(
              convert(
                  keepalive.get(),
                  t ->
                      LinkSettings.checkKeepalive(
                          LinkSettings.number(t, "keepalive"), "keepalive")));
    }
    Optional<YamlNode> bfd = YamlNode.optional(top, "bfd");
    if (bfd.isPresent()) {
      l = l.withBfd(convert(bfd.get(), t -> BfdProfile.parse(t, "bfd")));
    }
    return l;
  }

  /**
   * {@code overlay: vxlan:} (issue 25): {@code vni} required, {@code port} (default 4789), {@code
   * ipv4} (a network, optional), {@code ipv6} ({@code default}, the site's {@code P:0:3::/64}, or a
   * /64). That every host number has an address is a rule across entries ({@link SiteRules}).
   */
  private static VxlanOverlay overlay(YamlNode n, IpPrefix tunnel) {
    Map<String, YamlNode> kinds = n.entries(OVERLAY_KEYS);
    YamlNode vx = n.require(kinds, "vxlan");
    Map<String, YamlNode> e = vx.entries(VXLAN_KEYS);
    int vni = (int) vx.require(e, "vni").number(1, VxlanOverlay.MAX_VNI);
    int port =
        YamlNode.optional(e, "port")
            .map(p -> (int) p.number(1, 65535))
            .orElse(VxlanOverlay.DEFAULT_PORT);
    Optional<IpPrefix> ipv4 = YamlNode.optional(e, "ipv4").map(SiteSpec::overlayIpv4);
    IpPrefix ipv6 =
        YamlNode.optional(e, "ipv6")
            .filter(v -> !v.text().equals(DEFAULT_OVERLAY_IPV6))
            .map(v -> overlayIpv6(v, tunnel))
            .orElseGet(() -> Addressing.overlayNetwork6(tunnel));
    return new VxlanOverlay(vni, port, ipv4, ipv6);
  }

  private static IpPrefix overlayIpv4(YamlNode v) {
    IpPrefix p = convert(v, t -> IpPrefix.parse(t, "ipv4"));
    if (p.isV6()) {
      throw v.error("is an IPv6 prefix", "give an IPv4 network such as 198.51.100.0/24");
    }
    if (p.length() > 30) {
      throw v.error(
          "/" + p.length() + " leaves no room for hosts",
          "give a network with an address for every host number, e.g. a /24");
    }
    return p;
  }

  private static IpPrefix overlayIpv6(YamlNode v, IpPrefix tunnel) {
    IpPrefix p = convert(v, t -> IpPrefix.parse(t, "ipv6"));
    if (!p.isV6() || p.length() != VxlanOverlay.IPV6_LENGTH) {
      throw v.error(
          "must be an IPv6 /64 or 'default', is " + p,
          "write 'default' for " + Addressing.overlayNetwork6(tunnel) + ", or a /64 of yours");
    }
    return p;
  }

  /** {@code next-signing-public} and {@code roll-at} come together, or neither. */
  private static Optional<RollSpec> rollSpec(
      YamlNode keysNode,
      Map<String, YamlNode> keys,
      Ed25519PublicKey current,
      X25519PublicKey currentBox) {
    Optional<YamlNode> next = YamlNode.optional(keys, "next-signing-public");
    Optional<YamlNode> nextBox = YamlNode.optional(keys, "next-box-public");
    Optional<YamlNode> at = YamlNode.optional(keys, "roll-at");
    if (next.isEmpty() && nextBox.isEmpty() && at.isEmpty()) {
      return Optional.empty();
    }
    if (next.isEmpty() || nextBox.isEmpty() || at.isEmpty()) {
      throw next.or(() -> nextBox)
          .or(() -> at)
          .get()
          .error(
              "next-signing-public, next-box-public and roll-at go together (a site-key roll)",
              "start a roll with 'wgsite --roll-site-key', never edit site-keys by hand");
    }
    Ed25519PublicKey nextKey =
        convert(next.get(), t -> Ed25519PublicKey.parse(t, "next-signing-public"));
    if (nextKey.equals(current)) {
      throw next.get().error("is the current signing key", "never edit site-keys by hand");
    }
    X25519PublicKey nextBoxKey =
        convert(nextBox.get(), t -> X25519PublicKey.parse(t, "next-box-public"));
    if (nextBoxKey.equals(currentBox)) {
      throw nextBox.get().error("is the current box key", "never edit site-keys by hand");
    }
    Instant when;
    try {
      when = Instant.parse(at.get().text());
    } catch (DateTimeParseException e) {
      throw at.get()
          .error("'" + at.get().text() + "' is not a time", "write e.g. 2027-01-15T12:00:00Z");
    }
    return Optional.of(new RollSpec(nextKey, nextBoxKey, when, next.get(), nextBox.get()));
  }

  /**
   * {@code topology: full-mesh}, or a mapping {@code policy: hub-and-spoke}, {@code hubs:} (host
   * names or numbers of admitted hosts with a public address), optional {@code hubs-per-spoke}.
   */
  private static Topology topology(YamlNode n, List<HostEntry> hosts) {
    if (!n.isMap()) {
      String t = n.text();
      if (t.equals(Topology.FullMesh.NAME)) {
        return Topology.FULL_MESH;
      }
      if (t.equals(Topology.HubAndSpoke.NAME)) {
        throw n.error(
            "hub-and-spoke needs its hubs",
            "write topology: {policy: hub-and-spoke, hubs: [HOSTNAME, ...]} (docs/site-file.md)");
      }
      throw n.error(
          "unknown topology '" + t + "'",
          "use " + Topology.FullMesh.NAME + " or a " + Topology.HubAndSpoke.NAME + " mapping");
    }
    Map<String, YamlNode> e = n.entries(TOPOLOGY_KEYS);
    YamlNode policy = n.require(e, "policy");
    if (policy.text().equals(Topology.FullMesh.NAME)) {
      for (String k : List.of("hubs", "hubs-per-spoke")) {
        if (e.containsKey(k)) {
          throw e.get(k).error("only a hub-and-spoke topology has '" + k + "'");
        }
      }
      return Topology.FULL_MESH;
    }
    if (!policy.text().equals(Topology.HubAndSpoke.NAME)) {
      throw policy.error(
          "unknown topology '" + policy.text() + "'",
          "use " + Topology.FullMesh.NAME + " or " + Topology.HubAndSpoke.NAME);
    }
    YamlNode hubsNode = n.require(e, "hubs");
    List<YamlNode> items = hubsNode.items();
    if (items.isEmpty()) {
      throw hubsNode.error(
          "a hub-and-spoke mesh needs at least one hub",
          "name two or more hubs, so that spokes survive the failure of one");
    }
    List<Integer> hubs = new ArrayList<>();
    Map<Integer, YamlNode> seen = new HashMap<>();
    for (YamlNode item : items) {
      HostEntry hub = hub(item, hosts);
      YamlNode prev = seen.putIfAbsent(hub.number(), item);
      if (prev != null) {
        throw item.error(
            "hub " + hub.hostname() + " is listed twice (also line " + prev.line() + ")");
      }
      if (!hub.isPublic()) {
        throw item.error(
            "hub "
                + hub.hostname()
                + " has no public address: spokes behind NAT could not reach it",
            "choose hubs with endpoint addresses, or give this host one");
      }
      hubs.add(hub.number());
    }
    int perSpoke = 0;
    YamlNode perNode = e.get("hubs-per-spoke");
    if (perNode != null && !perNode.isNull()) {
      perSpoke = (int) perNode.number(1, Addressing.MAX_HOST);
      if (perSpoke > hubs.size()) {
        throw perNode.error(
            perSpoke + " is more than the " + hubs.size() + " hubs listed",
            "name more hubs or lower hubs-per-spoke");
      }
    }
    try {
      return new Topology.HubAndSpoke(hubs, perSpoke);
    } catch (InputException x) {
      throw hubsNode.error(x.why(), x.hint());
    }
  }

  /** A hub by hostname, else by number, among the admitted hosts. */
  private static HostEntry hub(YamlNode item, List<HostEntry> hosts) {
    String t = item.text().toLowerCase(Locale.ROOT);
    for (HostEntry h : hosts) {
      if (h.hostname().equals(t)) {
        return h;
      }
    }
    if (t.matches("[0-9]{1,5}")) {
      int number = Integer.parseInt(t);
      for (HostEntry h : hosts) {
        if (h.number() == number) {
          return h;
        }
      }
    }
    throw item.error(
        "unknown hub '" + item.text() + "': no admitted host has this hostname or number",
        "admit the hub first (wgsite -i), then name it here");
  }

  private static HostEntry host(YamlNode h) {
    Map<String, YamlNode> e = h.entries(HOST_KEYS);
    List<IpAddress> endpoints = new ArrayList<>();
    for (YamlNode a : YamlNode.optional(e, "endpoints").map(YamlNode::items).orElse(List.of())) {
      endpoints.add(convert(a, t -> IpAddress.parse(t, "endpoint")));
    }
    List<IpPrefix> lans = new ArrayList<>();
    for (YamlNode p : YamlNode.optional(e, "lan-prefixes").map(YamlNode::items).orElse(List.of())) {
      lans.add(convert(p, t -> IpPrefix.parse(t, "LAN prefix")));
    }
    List<IpPrefix> shared = new ArrayList<>();
    for (YamlNode p : YamlNode.optional(e, "shared-lans").map(YamlNode::items).orElse(List.of())) {
      shared.add(convert(p, t -> sharedLan(t)));
    }
    X25519PublicKey key =
        convert(h.require(e, "public-key"), t -> X25519PublicKey.parse(t, "public-key"));
    return HostEntry.builder()
        .uuid(convert(h.require(e, "uuid"), SiteSpec::uuid))
        .hostname(convert(h.require(e, "hostname"), t -> Registration.checkHostname(t, "hostname")))
        .number((int) h.require(e, "number").number(1, Addressing.MAX_HOST))
        .asn(convert(h.require(e, "asn"), SiteSpec::asnNumber))
        .publicKey(key)
        .endpoints(endpoints)
        .lanPrefixes(lans)
        .sharedLans(shared)
        .hpkePublic(
            YamlNode.optional(e, "hpke-public")
                .map(n -> convert(n, t -> X25519PublicKey.parse(t, "hpke-public"))))
        .keySwitch(keySwitch(e, key))
        .enrolledAs(YamlNode.optional(e, "enrolled-as").map(SiteSpec::enrolledAs))
        .build();
  }

  /** Longest {@code enrolled-as}: a certificate subject of a reasonable size, or a token id. */
  static final int MAX_ENROLLED_AS = 1024;

  /**
   * {@code enrolled-as} (issue 23): the identity a host enrolled with, a certificate subject or
   * {@code token:<id>}; one line of printable text, as it is compared and logged.
   */
  private static String enrolledAs(YamlNode n) {
    String t = n.text();
    if (t.isBlank()) {
      throw n.error("is empty", "remove enrolled-as, or give the subject the host enrolled with");
    }
    if (t.length() > MAX_ENROLLED_AS) {
      throw n.error(
          "is " + t.length() + " characters long, more than " + MAX_ENROLLED_AS,
          "give the certificate subject or token:<id> the host enrolled with");
    }
    if (t.chars().anyMatch(Character::isISOControl)) {
      throw n.error("contains a control character", "write the subject on one line");
    }
    return t;
  }

  /**
   * {@code previous-key} and {@code key-switch-at} (issue 12): a scheduled switch from the previous
   * key to {@code public-key}, both or neither.
   */
  private static Optional<KeySwitch> keySwitch(Map<String, YamlNode> e, X25519PublicKey key) {
    Optional<YamlNode> prev = YamlNode.optional(e, "previous-key");
    Optional<YamlNode> at = YamlNode.optional(e, "key-switch-at");
    if (prev.isEmpty() && at.isEmpty()) {
      return Optional.empty();
    }
    if (prev.isEmpty() || at.isEmpty()) {
      throw prev.or(() -> at)
          .get()
          .error(
              "previous-key and key-switch-at go together (a scheduled key switch)",
              "give both, or neither; 'wgsite -i' of a key rotation blob writes them");
    }
    X25519PublicKey from = convert(prev.get(), t -> X25519PublicKey.parse(t, "previous-key"));
    if (from.equals(key)) {
      throw prev.get()
          .error(
              "is the host's public-key itself",
              "previous-key is the key the host used before the rotation; remove both keys"
                  + " to switch now");
    }
    Instant when;
    try {
      when = Instant.parse(at.get().text());
    } catch (DateTimeParseException x) {
      throw at.get()
          .error("'" + at.get().text() + "' is not a time", "write e.g. 2026-12-03T15:00:00Z");
    }
    return Optional.of(new KeySwitch(from, when));
  }

  /** A shared-LAN entry: this host's address on the network, with its prefix length. */
  private static IpPrefix sharedLan(String t) {
    IpPrefix p = IpPrefix.parseInterface(t, "shared LAN");
    if (p.masked().equals(p)) {
      throw new InputException(
          "shared LAN",
          "'" + t + "' is a network, not this host's address on it",
          "write the host's address with the prefix length, e.g. 192.168.7.10/24");
    }
    return p;
  }

  private static List<IpPrefix> allowedLan(Map<String, YamlNode> top) {
    YamlNode n = top.get("allowed-lan-prefixes");
    List<IpPrefix> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      DEFAULT_ALLOWED_LAN.forEach(t -> out.add(IpPrefix.parse(t, "default")));
      return out;
    }
    List<YamlNode> items = n.items();
    List<YamlNode> seen = new ArrayList<>();
    for (YamlNode i : items) {
      IpPrefix p = convert(i, t -> IpPrefix.parse(t, "allowed LAN prefix"));
      for (int j = 0; j < out.size(); j++) {
        if (out.get(j).overlaps(p)) {
          throw i.error(
              p + " overlaps " + out.get(j) + " (line " + seen.get(j).line() + ")",
              "list each range once");
        }
      }
      out.add(p);
      seen.add(i);
    }
    return out;
  }

  private static long asnNumber(String t) {
    long v;
    try {
      v = Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new InputException("asn", "'" + t + "' is not a number");
    }
    if (!AsnRange.isPrivate(v)) {
      throw new InputException(
          "asn", v + " is not a private AS number", "use one from the site's asn-range");
    }
    return v;
  }

  private static Duration duration(YamlNode n, long minSeconds, long maxSeconds) {
    Duration d = convert(n, t -> Durations.parse(t, n.path()));
    if (d.getSeconds() < minSeconds || d.getSeconds() > maxSeconds) {
      throw n.error(
          Durations.format(d)
              + " is out of range "
              + Durations.format(Duration.ofSeconds(minSeconds))
              + ".."
              + Durations.format(Duration.ofSeconds(maxSeconds)));
    }
    return d;
  }

  /**
   * A tunnel prefix must be an IPv6 /48 (link addresses use the next two 16-bit groups) of unicast
   * addresses that can be routed between hosts: not multicast (ff00::/8), link-local (fe80::/10),
   * or the /48 holding the loopback and unspecified addresses (::/48), where interface addresses do
   * not work or mean something else.
   */
  static IpPrefix checkTunnelPrefix(IpPrefix p, String what) {
    if (!p.isV6() || p.length() != Addressing.TUNNEL_PREFIX_LENGTH) {
      throw new InputException(what, "must be an IPv6 /48, is " + p, TUNNEL_PREFIX_HINT);
    }
    InetAddress a = p.network().address();
    String unusable =
        a.isMulticastAddress()
            ? "multicast (ff00::/8)"
            : a.isLinkLocalAddress()
                ? "link-local (fe80::/10)"
                : a.isAnyLocalAddress() ? "the loopback and unspecified addresses (::/48)" : null;
    if (unusable != null) {
      throw new InputException(
          what, p + " is " + unusable + "; it must be a unicast prefix", TUNNEL_PREFIX_HINT);
    }
    return p;
  }

  private static final String TUNNEL_PREFIX_HINT =
      "use a unicast /48 such as a random ULA, e.g. fd12:3456:789a::/48";

  /** A publish target is a URI {@code scheme:rest}; the publisher interprets the scheme. */
  static String checkPublishTarget(String t, String domain, String what) {
    if (!URI_FORM.matcher(t).matches()) {
      throw new InputException(
          what, "'" + t + "' is not a URI", "e.g. zonefile:/etc/wgmesh/" + domain + ".zone");
    }
    return t;
  }

  static String checkLocus(String t) {
    if (!LOCUS.matcher(t).matches()) {
      throw new InputException(
          "locus",
          "'" + t + "' is not a locus name",
          "use 1-15 lower-case letters, digits or hyphens, starting with a letter (it names a network namespace)");
    }
    return t;
  }

  private static UUID uuid(String t) {
    if (!t.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      throw new InputException("uuid", "'" + t + "' is not a UUID");
    }
    return UUID.fromString(t);
  }

  /** Runs a value parser on a scalar ({@link YamlNode#as}): its complaint at the node's line. */
  static <T> T convert(YamlNode n, Function<String, T> parser) {
    return n.as(parser);
  }

  private static void collectLines(YamlNode n, Map<String, Integer> lines) {
    lines.put(n.path(), n.line());
    if (n.isMap()) {
      n.entries().values().forEach(c -> collectLines(c, lines));
    } else if (n.isList()) {
      n.items().forEach(c -> collectLines(c, lines));
    }
  }
}
