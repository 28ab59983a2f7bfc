package org.wgmesh.endpoint.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.DnsjavaSource;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.yaml.YamlDocuments;
import org.wgmesh.core.yaml.YamlNode;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.EndpointTuning;
import org.wgmesh.endpoint.settings.ExistingFirewall;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.settings.InterfaceName;
import org.wgmesh.endpoint.settings.NamespaceName;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * Reads and writes the endpoint file {@code DIR/<domain>.yaml} (format: {@code
 * docs/endpoint-file.md}). Reading is strict: an unknown key, a value of the wrong form or a
 * fingerprint that does not match the pinned key is a {@link ConfigException} naming the file, the
 * key and its line. Writing is atomic and leaves an identical file untouched.
 */
public final class EndpointFile {
  /** The format version this code reads and writes. */
  public static final int VERSION = 1;

  /**
   * The largest endpoint file read, checked before parsing (issue 19): the file holds this host's
   * settings only (a written one is under 2 KB), so 1 MiB is far more than any real file.
   */
  public static final long MAX_BYTES = 1L << 20;

  /**
   * Where endpoint files live unless {@code --config-dir} or {@code WGMESH_CONFIG_DIR} says
   * otherwise.
   */
  public static final Path DEFAULT_DIR = Path.of("/etc/wgmesh");

  /** The environment variable that overrides {@link #DEFAULT_DIR}. */
  public static final String DIR_ENV = "WGMESH_CONFIG_DIR";

  private static final String HEADER =
      "# wgmesh endpoint configuration, written by wgconfig (see docs/endpoint-file.md).\n"
          + "# Re-run wgconfig to change it; hand edits are kept but checked on every read.\n";

  private static final Set<String> KEYS =
      Set.of(
          "version",
          "domain",
          "site",
          "locus",
          "uuid",
          "hostname",
          "netns",
          "public-interface",
          "public-addresses",
          "trust-interface",
          "trust-addresses",
          "lan-prefixes",
          "host-key",
          "resolver",
          "zone-file",
          "backend",
          "supervisor",
          "roots",
          "template-dir",
          "allow-ssh-from-net",
          "firewall",
          "existing-firewall",
          "mtu",
          "keepalive",
          "bfd",
          "router-on-mesh");
  private static final Set<String> SITE_KEYS = Set.of("signing-key", "fingerprint", "box-key");
  private static final Set<String> ROOT_KEYS =
      Set.of(
          "prefix",
          "wireguard",
          "bird",
          "shorewall",
          "shorewall6",
          "systemd",
          "state",
          "run",
          "metrics");

  private EndpointFile() {}

  /**
   * Every key the file may hold (the site keys without their {@code site.} prefix, not {@code site}
   * itself): for the docs test.
   */
  static Set<String> keysForDocs() {
    Set<String> all = new java.util.HashSet<>(KEYS);
    all.addAll(SITE_KEYS);
    all.remove("site");
    return all;
  }

  /**
   * The configuration directory, absolute: {@code option} when given, else {@code
   * $WGMESH_CONFIG_DIR}, else {@link #DEFAULT_DIR}.
   */
  public static Path configDir(Optional<Path> option, Map<String, String> env) {
    if (option.isPresent()) {
      return option.get().toAbsolutePath();
    }
    String fromEnv = env.get(DIR_ENV);
    return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv).toAbsolutePath() : DEFAULT_DIR;
  }

  /** {@code dir/<domain>.yaml}. */
  public static Path path(Path dir, DomainName domain) {
    return dir.resolve(domain + ".yaml");
  }

  /** The default host key file: {@code dir/<domain>.key}. */
  public static Path defaultHostKey(Path dir, DomainName domain) {
    return dir.resolve(domain + ".key");
  }

  /** Whether the endpoint file for {@code domain} exists in {@code dir}. */
  public static boolean exists(Path dir, DomainName domain) {
    return Files.isRegularFile(path(dir, domain));
  }

  /**
   * Reads and validates {@code file}.
   *
   * @param expectedDomain the domain the file must be for (its name says so), or null to accept any
   * @throws FileException when it cannot be read (a missing file comes with a hint to run wgconfig)
   * @throws ConfigException naming file, key and line of the first problem
   */
  public static EndpointConfig load(Path file, DomainName expectedDomain) {
    if (!Files.exists(file)) {
      String d = expectedDomain == null ? "DOMAIN" : expectedDomain.toString();
      throw new FileException(
          file.toString(),
          "no endpoint configuration",
          "enrol this host first: wgconfig [--config-dir " + file.getParent() + "] " + d);
    }
    return parse(
        YamlDocuments.read(file, "endpoint-file size limit", MAX_BYTES),
        file.getParent(),
        expectedDomain);
  }

  /** Parses a document; {@code dir} resolves a relative {@code host-key}. */
  static EndpointConfig parse(YamlNode root, Path dir, DomainName expectedDomain) {
    Map<String, YamlNode> e = root.entries(KEYS);
    YamlNode versionNode = root.require(e, "version");
    long version = versionNode.number(0, Integer.MAX_VALUE);
    if (version != VERSION) {
      throw versionNode.error(
          "version " + version + " is not supported (this wgmesh reads version " + VERSION + ")",
          "use the wgmesh release that wrote this file, or re-create it with wgconfig");
    }
    YamlNode domainNode = root.require(e, "domain");
    DomainName domain = value(domainNode, t -> DomainName.parse(t, "domain"));
    if (expectedDomain != null && !domain.equals(expectedDomain)) {
      throw domainNode.error(
          "the file is for '" + domain + "', not '" + expectedDomain + "'",
          "each mesh has its own file DIR/<domain>.yaml");
    }
    YamlNode siteNode = root.require(e, "site");
    Map<String, YamlNode> site = siteNode.entries(SITE_KEYS);
    YamlNode signingNode = siteNode.require(site, "signing-key");
    Ed25519PublicKey signing = value(signingNode, t -> Ed25519PublicKey.parse(t, "signing-key"));
    YamlNode fpNode = siteNode.require(site, "fingerprint");
    if (!fpNode.text().equals(signing.fingerprint())) {
      throw fpNode.error(
          "does not match site.signing-key (whose fingerprint is " + signing.fingerprint() + ")",
          "the pinned site key was edited: re-enrol with wgconfig --site-fingerprint FINGERPRINT "
              + domain);
    }
    X25519PublicKey box =
        value(siteNode.require(site, "box-key"), t -> X25519PublicKey.parse(t, "box-key"));
    String locus = root.require(e, "locus").text();
    UUID uuid = value(root.require(e, "uuid"), UUID::fromString);

    Optional<Path> zoneFile = YamlNode.optional(e, "zone-file").map(n -> Path.of(n.text()));
    Optional<String> resolver =
        YamlNode.optional(e, "resolver")
            .map(
                n ->
                    value(
                        n,
                        t -> {
                          DnsjavaSource.parseResolver(t);
                          return t;
                        }));
    if (resolver.isPresent() && zoneFile.isPresent()) {
      throw e.get("zone-file").error("both resolver and zone-file are set", "keep one of them");
    }
    Path hostKey =
        YamlNode.optional(e, "host-key")
            .map(n -> inConfigDir(n, dir))
            .orElse(defaultHostKey(dir == null ? DEFAULT_DIR : dir, domain));
    try {
      return new EndpointConfig(
          domain,
          signing,
          box,
          locus,
          uuid,
          YamlNode.optional(e, "hostname")
              .map(
                  n ->
                      value(
                          n,
                          t ->
                              org.wgmesh.core.registration.Registration.checkHostname(
                                  t, "hostname"))),
          YamlNode.optional(e, "netns").map(n -> value(n, t -> NamespaceName.parse(t, "netns"))),
          interfaceName(e, "public-interface"),
          list(e, "public-addresses", t -> IpAddress.parse(t, "address")),
          interfaceName(e, "trust-interface"),
          list(e, "trust-addresses", t -> IpPrefix.parseInterface(t, "address")),
          list(e, "lan-prefixes", t -> IpPrefix.parse(t, "prefix")),
          hostKey,
          resolver,
          zoneFile,
          choice(e, "backend", WireGuardBackendChoice.class, WireGuardBackendChoice.AUTO),
          choice(e, "supervisor", Supervisor.class, Supervisor.DIRECT),
          roots(e),
          YamlNode.optional(e, "template-dir").map(n -> inConfigDir(n, dir)),
          flag(e, "allow-ssh-from-net", true),
          choice(e, "firewall", Firewall.class, Firewall.SHOREWALL),
          choice(e, "existing-firewall", ExistingFirewall.class, ExistingFirewall.REFUSE),
          tuning(e));
    } catch (ConfigException ce) {
      // The record names the key; add where it is.
      YamlNode at = e.get(ce.what());
      if (at != null) {
        throw at.error(ce.why(), ce.hint().orElse(null));
      }
      throw ce;
    }
  }

  private static <T> T value(YamlNode n, Function<String, T> parse) {
    try {
      return parse.apply(n.text());
    } catch (WgmeshException ex) {
      throw n.error(ex.why(), ex.hint().orElse(null));
    } catch (IllegalArgumentException ex) {
      throw n.error("'" + n.text() + "' is not valid: " + ex.getMessage());
    }
  }

  /** A path that is absolute, or relative to the directory of the endpoint file. */
  private static Path inConfigDir(YamlNode n, Path dir) {
    Path p = value(n, Path::of);
    return dir == null ? p : dir.resolve(p);
  }

  /** {@code true} or {@code false}, nothing else (YAML's yes/no/on/off would be a surprise). */
  private static boolean flag(Map<String, YamlNode> e, String key, boolean fallback) {
    Optional<YamlNode> n = YamlNode.optional(e, key);
    if (n.isEmpty()) {
      return fallback;
    }
    String t = n.get().text();
    if (!t.equals("true") && !t.equals("false")) {
      throw n.get().error("'" + t + "' is not true or false");
    }
    return Boolean.parseBoolean(t);
  }

  /** {@code mtu}, {@code keepalive}, {@code bfd} and {@code router-on-mesh} (issues 20, 21). */
  private static EndpointTuning tuning(Map<String, YamlNode> e) {
    OptionalInt mtu =
        YamlNode.optional(e, "mtu")
            .map(
                n ->
                    OptionalInt.of(
                        value(n, t -> LinkSettings.checkMtu(LinkSettings.number(t, "mtu"), "mtu"))))
            .orElse(OptionalInt.empty());
    OptionalInt keepalive =
        YamlNode.optional(e, "keepalive")
            .map(
                n ->
                    OptionalInt.of(
                        value(
                            n,
                            t ->
                                LinkSettings.checkKeepalive(
                                    LinkSettings.number(t, "keepalive"), "keepalive"))))
            .orElse(OptionalInt.empty());
    Optional<BfdProfile> bfd =
        YamlNode.optional(e, "bfd").map(n -> value(n, t -> BfdProfile.parse(t, "bfd")));
    return new EndpointTuning(mtu, keepalive, bfd, flag(e, "router-on-mesh", true));
  }

  private static Optional<InterfaceName> interfaceName(Map<String, YamlNode> e, String key) {
    return YamlNode.optional(e, key).map(n -> value(n, t -> InterfaceName.parse(t, key)));
  }

  private static <T> List<T> list(Map<String, YamlNode> e, String key, Function<String, T> parse) {
    Optional<YamlNode> n = YamlNode.optional(e, key);
    if (n.isEmpty()) {
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (YamlNode item : n.get().items()) {
      T v = value(item, parse);
      if (out.contains(v)) {
        throw item.error("'" + item.text() + "' is listed twice");
      }
      out.add(v);
    }
    return out;
  }

  private static <E extends Enum<E>> E choice(
      Map<String, YamlNode> e, String key, Class<E> type, E fallback) {
    Optional<YamlNode> n = YamlNode.optional(e, key);
    if (n.isEmpty()) {
      return fallback;
    }
    String t = n.get().text();
    for (E c : type.getEnumConstants()) {
      if (c.name().equalsIgnoreCase(t)) {
        return c;
      }
    }
    throw n.get().error("'" + t + "' is not one of " + names(type));
  }

  static <E extends Enum<E>> String names(Class<E> type) {
    List<String> out = new ArrayList<>();
    for (E c : type.getEnumConstants()) {
      out.add(c.name().toLowerCase(Locale.ROOT));
    }
    return String.join(", ", out);
  }

  private static Roots roots(Map<String, YamlNode> e) {
    Optional<YamlNode> n = YamlNode.optional(e, "roots");
    if (n.isEmpty()) {
      return Roots.system();
    }
    Map<String, YamlNode> r = n.get().entries(ROOT_KEYS);
    Roots base =
        YamlNode.optional(r, "prefix").map(p -> Roots.under(absolute(p))).orElse(Roots.system());
    return new Roots(
        rootPath(r, "wireguard", base.wireguard()),
        rootPath(r, "bird", base.bird()),
        rootPath(r, "shorewall", base.shorewall()),
        rootPath(r, "shorewall6", base.shorewall6()),
        rootPath(r, "systemd", base.systemd()),
        rootPath(r, "state", base.state()),
        rootPath(r, "run", base.run()),
        rootPath(r, "metrics", base.metrics()));
  }

  private static Path rootPath(Map<String, YamlNode> r, String key, Path fallback) {
    return YamlNode.optional(r, key).map(EndpointFile::absolute).orElse(fallback);
  }

  private static Path absolute(YamlNode n) {
    Path p = Path.of(n.text());
    if (!p.isAbsolute()) {
      throw n.error("'" + n.text() + "' is not an absolute path");
    }
    return p;
  }

  /**
   * Writes {@code config} to {@code file} atomically (mode 0644: it holds no secret).
   *
   * @return true when the file was created or changed; false when it already had this content
   * @throws FileException when it cannot be written (the old file is then intact)
   */
  public static boolean save(EndpointConfig config, Path file) {
    return AtomicFiles.write(file, render(config, file.getParent()), AtomicFiles.PUBLIC);
  }

  /** The file text for {@code config}: keys in a fixed order, optional ones only when set. */
  public static String render(EndpointConfig c, Path dir) {
    return HEADER + YamlDocuments.dump(toMap(c, dir));
  }

  /**
   * The settings as an ordered map of plain values (what the file holds), used for the file and for
   * showing what changed.
   */
  public static Map<String, Object> toMap(EndpointConfig c, Path dir) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", VERSION);
    m.put("domain", c.domain().toString());
    Map<String, Object> site = new LinkedHashMap<>();
    site.put("signing-key", c.siteSigningKey().toBase64());
    site.put("fingerprint", c.siteFingerprint());
    site.put("box-key", c.siteBoxKey().toBase64());
    m.put("site", site);
    m.put("locus", c.locus());
    m.put("uuid", c.uuid().toString());
    c.hostname().ifPresent(h -> m.put("hostname", h));
    c.netns().ifPresent(n -> m.put("netns", n.toString()));
    c.publicInterface().ifPresent(n -> m.put("public-interface", n.toString()));
    m.put("public-addresses", c.publicAddresses().stream().map(IpAddress::toString).toList());
    c.trustInterface().ifPresent(n -> m.put("trust-interface", n.toString()));
    m.put("trust-addresses", c.trustAddresses().stream().map(IpPrefix::toString).toList());
    if (!c.lanPrefixes().isEmpty()) {
      m.put("lan-prefixes", c.lanPrefixes().stream().map(IpPrefix::toString).toList());
    }
    Path defaultKey = defaultHostKey(dir == null ? DEFAULT_DIR : dir, c.domain());
    if (!c.hostKey().equals(defaultKey)) {
      m.put("host-key", c.hostKey().toString());
    }
    c.resolver().ifPresent(r -> m.put("resolver", r));
    c.zoneFile().ifPresent(z -> m.put("zone-file", z.toString()));
    m.put("backend", c.backend().name().toLowerCase(Locale.ROOT));
    m.put("supervisor", c.supervisor().name().toLowerCase(Locale.ROOT));
    if (!c.roots().equals(Roots.system())) {
      Roots r = c.roots();
      Map<String, Object> roots = new LinkedHashMap<>();
      roots.put("wireguard", r.wireguard().toString());
      roots.put("bird", r.bird().toString());
      roots.put("shorewall", r.shorewall().toString());
      roots.put("shorewall6", r.shorewall6().toString());
      roots.put("systemd", r.systemd().toString());
      roots.put("state", r.state().toString());
      roots.put("run", r.run().toString());
      roots.put("metrics", r.metrics().toString());
      m.put("roots", roots);
    }
    c.templateDir().ifPresent(t -> m.put("template-dir", t.toString()));
    m.put("allow-ssh-from-net", c.allowSshFromNet());
    m.put("firewall", c.firewall().name().toLowerCase(Locale.ROOT));
    if (c.existingFirewall() != ExistingFirewall.REFUSE) {
      m.put("existing-firewall", c.existingFirewall().name().toLowerCase(Locale.ROOT));
    }
    // Tuning only when set, so the files of endpoints that set none stay as they were.
    EndpointTuning t = c.tuning();
    t.mtu().ifPresent(v -> m.put("mtu", v));
    t.keepalive().ifPresent(v -> m.put("keepalive", v));
    t.bfd().ifPresent(v -> m.put("bfd", v.text()));
    if (!t.routerOnMesh()) {
      m.put("router-on-mesh", false);
    }
    return m;
  }

  /** The current content of {@code file}, or empty when it does not exist or cannot be read. */
  static Optional<String> currentText(Path file) {
    try {
      return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
