package org.wgmesh.core.original;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.yaml.YamlDocuments;
import org.wgmesh.core.yaml.YamlNode;

/**
 * Reads the original wgmesh's v2 files (issue 26): the site file ({@code global:} and {@code
 * hosts:}) and a node file ({@code local:}). The one class of this package that uses YAML. Strict:
 * an unknown key, a wrong shape, a duplicate key, a uuid that does not match its mapping key or a
 * missing key is a {@link ConfigException} naming the file, the property and its line. A v1 file
 * (1.0.x) is recognised and refused by name. Values are kept as written; the import decides what to
 * keep.
 */
public final class OriginalYaml {
  /** Size limit of an original site file (as of a wgmesh site file). */
  public static final long MAX_SITE_BYTES = 16L << 20;

  /** Size limit of an original node file. */
  public static final long MAX_NODE_BYTES = 1L << 20;

  /** The keys of {@code global:} that the original v2 writes. */
  public static final Set<String> GLOBAL_KEYS =
      Set.of(
          "locus",
          "tunnel_ipv4",
          "tunnel_ipv6",
          "domain",
          "portbase",
          "asn_range",
          "asn_used",
          "publickey",
          "privatekey",
          "alerts",
          "route53",
          "aws_credentials",
          "aws_access_key",
          "aws_secret_access_key");

  /** The keys of an entry of {@code hosts:}. */
  public static final Set<String> HOST_KEYS =
      Set.of(
          "uuid",
          "hostname",
          "asn",
          "octet",
          "local_ipv4",
          "local_ipv6",
          "public_key_encoded",
          "local_networks",
          "public_key_file",
          "private_key_file");

  /** The keys of a node file's {@code local:}. */
  public static final Set<String> NODE_KEYS =
      Set.of(
          "locus",
          "site_domain",
          "site_pubkey",
          "hostname",
          "uuid",
          "cmdfping",
          "secret_key_file",
          "public_key_file",
          "public_iface",
          "public_address",
          "trust_iface",
          "trust_address",
          "asn",
          "public_key_encoded");

  private static final String V1_HINT =
      "only files of the original wgmesh 2.x can be imported; v1 support needs genuine v1 files to"
          + " test against";

  private OriginalYaml() {}

  /**
   * Reads an original v2 site file.
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be read
   * @throws ConfigException when it is over {@link #MAX_SITE_BYTES}, not YAML, a v1 file, or not
   *     the v2 layout (naming the property and line)
   */
  public static OriginalSite readSite(Path file) {
    return site(YamlDocuments.read(file, "original site-file size limit", MAX_SITE_BYTES));
  }

  /** Parses the text of an original v2 site file; {@code source} names it in errors. */
  public static OriginalSite parseSite(String text, String source) {
    return site(YamlDocuments.parse(text, source));
  }

  /**
   * Reads an original v2 node file ({@code node_<locus>.yaml}).
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be read
   * @throws ConfigException when it is over {@link #MAX_NODE_BYTES}, not YAML, a v1 host file, or
   *     not the v2 layout
   */
  public static OriginalNode readNode(Path file) {
    return node(YamlDocuments.read(file, "original node-file size limit", MAX_NODE_BYTES));
  }

  /** Parses the text of an original v2 node file; {@code source} names it in errors. */
  public static OriginalNode parseNode(String text, String source) {
    return node(YamlDocuments.parse(text, source));
  }

  private static OriginalSite site(YamlNode root) {
    Map<String, YamlNode> top = root.entries();
    if (top.containsKey("global") && top.get("global").isMap()) {
      Map<String, YamlNode> g = top.get("global").entries();
      if (g.containsKey("ipv4") || g.containsKey("ipv6")) {
        throw v1(root, "site file");
      }
    }
    if (top.containsKey("local") || top.containsKey("host") || top.containsKey("site")) {
      throw root.error(
          "this is an original node or host file, not a site file",
          "give the site controller's <locus>.yaml");
    }
    top = root.entries(Set.of("global", "hosts"));
    YamlNode globalNode = root.require(top, "global");
    Map<String, YamlNode> g = globalNode.entries(GLOBAL_KEYS);

    List<OriginalHost> hosts = new ArrayList<>();
    Optional<YamlNode> hostsNode = YamlNode.optional(top, "hosts");
    if (hostsNode.isPresent()) {
      for (Map.Entry<String, YamlNode> e : hostsNode.get().entries().entrySet()) {
        hosts.add(host(e.getKey(), e.getValue(), root));
      }
    }

    YamlNode publicKeyNode =
        YamlNode.optional(g, "publickey")
            .orElseThrow(
                () ->
                    globalNode.error(
                        "global.publickey is missing or empty",
                        "run the original `wgsite check` once: it writes the site's public key"));
    return new OriginalSite(
        root.source(),
        globalNode.require(g, "locus").text(),
        globalNode.require(g, "domain").text(),
        optionalText(g, "tunnel_ipv4"),
        optionalText(g, "tunnel_ipv6"),
        YamlNode.optional(g, "portbase")
            .map(n -> (int) n.number(0, 65535))
            .orElse(OriginalSite.DEFAULT_PORTBASE),
        globalNode.require(g, "asn_range").text(),
        YamlNode.optional(g, "asn_used").map(OriginalYaml::asnList).orElse(List.of()),
        publicKey(publicKeyNode),
        publicKeyNode.where(),
        optionalText(g, "privatekey"),
        optionalText(g, "route53"),
        optionalText(g, "alerts"),
        YamlNode.optional(g, "aws_credentials").isPresent()
            || YamlNode.optional(g, "aws_access_key").isPresent()
            || YamlNode.optional(g, "aws_secret_access_key").isPresent(),
        hosts);
  }

  private static OriginalHost host(String key, YamlNode entry, YamlNode root) {
    if (!entry.isMap()) {
      throw entry.error("expected a host entry (a mapping)");
    }
    Map<String, YamlNode> raw = entry.entries();
    if (!raw.containsKey("uuid") && !isUuid(key)) {
      // v1 keys its hosts by hostname and has no uuid field.
      throw v1(root, "site file");
    }
    Map<String, YamlNode> h = entry.entries(HOST_KEYS);
    if (!isUuid(key)) {
      throw entry.error("the mapping key '" + key + "' is not a uuid");
    }
    YamlNode uuidNode = entry.require(h, "uuid");
    UUID uuid = uuid(uuidNode);
    if (!uuid.toString().equals(key.toLowerCase(Locale.ROOT))) {
      throw uuidNode.error(
          "uuid " + uuid + " differs from its mapping key " + key,
          "an entry's key and its uuid field are the same in files the original wrote; fix the"
              + " hand edit in a copy");
    }
    YamlNode keyNode =
        YamlNode.optional(h, "public_key_encoded")
            .orElseThrow(() -> entry.error("missing key: public_key_encoded is missing or empty"));
    Map<String, String> where = new LinkedHashMap<>();
    where.put("", entry.where());
    h.forEach((k, v) -> where.put(k, v.where()));
    return new OriginalHost(
        uuid,
        entry.require(h, "hostname").text(),
        YamlNode.optional(h, "asn").map(n -> n.number(-1, 4_294_967_295L)).orElse(-1L),
        YamlNode.optional(h, "octet").map(n -> n.number(-1, 65_535)).orElse(-1L),
        texts(h, "local_ipv4"),
        texts(h, "local_ipv6"),
        publicKey(keyNode),
        optionalText(h, "local_networks"),
        where);
  }

  private static OriginalNode node(YamlNode root) {
    Map<String, YamlNode> top = root.entries();
    if (top.containsKey("host") || top.containsKey("site")) {
      throw v1(root, "host file");
    }
    if (top.containsKey("global") || top.containsKey("hosts")) {
      throw root.error(
          "this is an original site file, not a node file", "give the host's node_<locus>.yaml");
    }
    top = root.entries(Set.of("local"));
    YamlNode localNode = root.require(top, "local");
    Map<String, YamlNode> l = localNode.entries(NODE_KEYS);
    return new OriginalNode(
        root.source(),
        localNode.require(l, "locus").text(),
        localNode.require(l, "site_domain").text(),
        publicKey(localNode.require(l, "site_pubkey")),
        localNode.require(l, "hostname").text(),
        uuid(localNode.require(l, "uuid")),
        optionalText(l, "secret_key_file"),
        optionalText(l, "public_key_file"),
        optionalText(l, "public_iface"),
        texts(l, "public_address"),
        optionalText(l, "trust_iface"),
        texts(l, "trust_address"),
        YamlNode.optional(l, "public_key_encoded").map(OriginalYaml::publicKey));
  }

  private static ConfigException v1(YamlNode root, String kind) {
    return root.error(
        "a v1 " + kind + " of the original wgmesh (1.0.x): not supported yet", V1_HINT);
  }

  private static boolean isUuid(String text) {
    try {
      return UUID.fromString(text).toString().equals(text.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static UUID uuid(YamlNode node) {
    String text = node.text();
    if (!isUuid(text)) {
      throw node.error("'" + text + "' is not a uuid");
    }
    return UUID.fromString(text);
  }

  private static X25519PublicKey publicKey(YamlNode node) {
    return node.as(s -> X25519PublicKey.parse(s, node.path()));
  }

  private static Optional<String> optionalText(Map<String, YamlNode> entries, String key) {
    return YamlNode.optional(entries, key).map(YamlNode::text);
  }

  /** A list of values; absent, empty, {@code null} or {@code false} (v2's "none") is empty. */
  private static List<String> texts(Map<String, YamlNode> entries, String key) {
    Optional<YamlNode> node = YamlNode.optional(entries, key);
    if (node.isEmpty() || (!node.get().isList() && "false".equals(node.get().text()))) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (YamlNode item : node.get().items()) {
      out.add(item.text());
    }
    return out;
  }

  private static List<Long> asnList(YamlNode node) {
    List<Long> out = new ArrayList<>();
    for (YamlNode item : node.items()) {
      out.add(item.number(0, 4_294_967_295L));
    }
    return out;
  }
}
