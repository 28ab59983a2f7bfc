package org.wgmesh.endpoint.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.DnsjavaSource;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.yaml.YamlNode;
import org.wgmesh.core.yaml.YamlSetting;
import org.wgmesh.core.yaml.YamlSpec;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.ExistingFirewall;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.settings.InterfaceName;
import org.wgmesh.endpoint.settings.NamespaceName;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * Every key of the endpoint file, each declared once: its name, how its value is parsed and
 * checked, its default, and how it is written back. {@link EndpointFile} reads and writes through
 * {@link #SPEC}; the order here is the order of the written file. Defaults of optional settings are
 * the ones of {@link EndpointConfig#builder()}. Adding a setting: {@code docs/endpoint-file.md},
 * "Adding a setting".
 */
final class EndpointSpec {
  /** The format version this code reads and writes. */
  static final int VERSION = 1;

  /**
   * The config being read or written, with where its file is.
   *
   * @param b the settings
   * @param dir the directory of the file: relative paths are relative to it, and the default host
   *     key is in it; empty for a file named without a directory (then {@link
   *     EndpointPaths#DEFAULT_DIR} for the host key, and relative paths stay relative)
   * @param expectedDomain the domain the file must be for, when reading
   */
  record Draft(EndpointConfig.Builder b, Optional<Path> dir, Optional<DomainName> expectedDomain) {}

  /** The builder's defaults, which absent keys keep and "written only when set" compares to. */
  private static final EndpointConfig.Builder DEFAULT = EndpointConfig.builder();

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

  /** The {@code site:} mapping: the pinned key, its fingerprint (checked), the box key. */
  static final YamlSpec<Draft> SITE =
      YamlSpec.of(
          required(
              "signing-key",
              scalar(t -> Ed25519PublicKey.parse(t, "signing-key")),
              b -> b.siteSigningKey,
              (b, v) -> b.siteSigningKey = v,
              Ed25519PublicKey::toBase64),
          // Derived from signing-key: read only to check that the two still match.
          YamlSetting.<Draft, String>value(
              "fingerprint",
              EndpointSpec::checkFingerprint,
              d -> d.b().siteSigningKey.fingerprint(),
              (d, v) -> {},
              v -> v),
          required(
              "box-key",
              scalar(t -> X25519PublicKey.parse(t, "box-key")),
              b -> b.siteBoxKey,
              (b, v) -> b.siteBoxKey = v,
              X25519PublicKey::toBase64));

  /** The whole file, in written order. */
  static final YamlSpec<Draft> SPEC =
      YamlSpec.of(
          YamlSetting.<Draft, Integer>value(
              "version", EndpointSpec::checkVersion, d -> VERSION, (d, v) -> {}, v -> v),
          YamlSetting.<Draft, DomainName>value(
              "domain",
              EndpointSpec::checkDomain,
              d -> d.b().domain,
              (d, v) -> d.b().domain = v,
              DomainName::toString),
          SITE.under("site"),
          required("locus", (n, d) -> n.text(), b -> b.locus, (b, v) -> b.locus = v, v -> v),
          required("uuid", scalar(UUID::fromString), b -> b.uuid, (b, v) -> b.uuid = v, text()),
          ifSet(
              "hostname",
              scalar(t -> Registration.checkHostname(t, "hostname")),
              b -> b.hostname,
              (b, v) -> b.hostname = v,
              text()),
          ifSet(
              "netns",
              scalar(t -> NamespaceName.parse(t, "netns")),
              b -> b.netns,
              (b, v) -> b.netns = v,
              text()),
          ifSet(
              "public-interface",
              scalar(t -> InterfaceName.parse(t, "public-interface")),
              b -> b.publicInterface,
              (b, v) -> b.publicInterface = v,
              text()),
          optional(
              "public-addresses",
              list(t -> IpAddress.parse(t, "address")),
              b -> b.publicAddresses,
              (b, v) -> b.publicAddresses = v,
              texts()),
          ifSet(
              "trust-interface",
              scalar(t -> InterfaceName.parse(t, "trust-interface")),
              b -> b.trustInterface,
              (b, v) -> b.trustInterface = v,
              text()),
          optional(
              "trust-addresses",
              list(t -> IpPrefix.parseInterface(t, "address")),
              b -> b.trustAddresses,
              (b, v) -> b.trustAddresses = v,
              texts()),
          optional(
                  "lan-prefixes",
                  list(t -> IpPrefix.parse(t, "prefix")),
                  b -> b.lanPrefixes,
                  (b, v) -> b.lanPrefixes = v,
                  texts())
              .whenSet(),
          YamlSetting.<Draft, Path>value(
                  "host-key",
                  EndpointSpec::inConfigDir,
                  d -> d.b().hostKey,
                  (d, v) -> d.b().hostKey = v,
                  Path::toString)
              .orElse(
                  d ->
                      EndpointPaths.defaultHostKey(
                          d.dir().orElse(EndpointPaths.DEFAULT_DIR), d.b().domain))
              .whenSet(),
          ifSet(
              "resolver",
              scalar(
                  t -> {
                    DnsjavaSource.parseResolver(t);
                    return t;
                  }),
              b -> b.resolver,
              (b, v) -> b.resolver = v,
              v -> v),
          ifSet(
              "zone-file",
              EndpointSpec::zoneFile,
              b -> b.zoneFile,
              (b, v) -> b.zoneFile = v,
              text()),
          optional(
              "backend",
              choice(WireGuardBackendChoice.class),
              b -> b.backend,
              (b, v) -> b.backend = v,
              lowerCase()),
          optional(
              "supervisor",
              choice(Supervisor.class),
              b -> b.supervisor,
              (b, v) -> b.supervisor = v,
              lowerCase()),
          optional(
                  "roots",
                  (n, d) -> roots(n),
                  b -> b.roots,
                  (b, v) -> b.roots = v,
                  EndpointSpec::rootsMap)
              .whenSet(),
          ifSet(
              "template-dir",
              EndpointSpec::inConfigDir,
              b -> b.templateDir,
              (b, v) -> b.templateDir = v,
              text()),
          optional(
              "allow-ssh-from-net",
              EndpointSpec::flag,
              b -> b.allowSshFromNet,
              (b, v) -> b.allowSshFromNet = v,
              v -> v),
          optional(
              "firewall",
              choice(Firewall.class),
              b -> b.firewall,
              (b, v) -> b.firewall = v,
              lowerCase()),
          optional(
                  "existing-firewall",
                  choice(ExistingFirewall.class),
                  b -> b.existingFirewall,
                  (b, v) -> b.existingFirewall = v,
                  lowerCase())
              .whenSet(),
          // Tuning (issues 20, 21) only when set, so the files of endpoints that set none stay.
          optional(
                  "mtu",
                  presentInt(t -> LinkSettings.checkMtu(LinkSettings.number(t, "mtu"), "mtu")),
                  b -> b.tuning.mtu(),
                  (b, v) -> b.tuning = b.tuning.withMtu(v),
                  OptionalInt::getAsInt)
              .whenSet(),
          optional(
                  "keepalive",
                  presentInt(
                      t ->
                          LinkSettings.checkKeepalive(
                              LinkSettings.number(t, "keepalive"), "keepalive")),
                  b -> b.tuning.keepalive(),
                  (b, v) -> b.tuning = b.tuning.withKeepalive(v),
                  OptionalInt::getAsInt)
              .whenSet(),
          ifSet(
              "bfd",
              scalar(t -> BfdProfile.parse(t, "bfd")),
              b -> b.tuning.bfd(),
              (b, v) -> b.tuning = b.tuning.withBfd(v),
              BfdProfile::text),
          optional(
                  "router-on-mesh",
                  EndpointSpec::flag,
                  b -> b.tuning.routerOnMesh(),
                  (b, v) -> b.tuning = b.tuning.withRouterOnMesh(v),
                  v -> v)
              .whenSet(),
          // Health reports (issue 23): wghost --enrol records them; absent, nothing is reported.
          ifSet(
              "report-url",
              (n, d) -> n.text(),
              b -> b.reportUrl,
              (b, v) -> b.reportUrl = v,
              text()),
          ifSet(
              "report-ca",
              EndpointSpec::inConfigDir,
              b -> b.reportCa,
              (b, v) -> b.reportCa = v,
              text()),
          ifSet(
              "report-cert",
              EndpointSpec::inConfigDir,
              b -> b.reportCert,
              (b, v) -> b.reportCert = v,
              text()),
          ifSet(
              "report-key",
              EndpointSpec::inConfigDir,
              b -> b.reportKey,
              (b, v) -> b.reportKey = v,
              text()),
          ifSet(
              "report-credential",
              EndpointSpec::inConfigDir,
              b -> b.reportCredential,
              (b, v) -> b.reportCredential = v,
              text()));

  private EndpointSpec() {}

  /** Every key the file may hold, the {@code site.} ones without their prefix: for the docs. */
  static Set<String> keysForDocs() {
    Set<String> all = new HashSet<>(SPEC.keys());
    all.addAll(SITE.keys());
    all.remove("site");
    return all;
  }

  // --- declaring a setting: a field of the builder, a parser, a written form ---

  private static <T> YamlSetting.Value<Draft, T> required(
      String key,
      BiFunction<YamlNode, Draft, T> parse,
      Function<EndpointConfig.Builder, T> get,
      BiConsumer<EndpointConfig.Builder, T> set,
      Function<T, Object> format) {
    return YamlSetting.value(
        key, parse, d -> get.apply(d.b()), (d, v) -> set.accept(d.b(), v), format);
  }

  /** Optional, defaulting to {@link EndpointConfig#builder()}'s value of the field. */
  private static <T> YamlSetting.Value<Draft, T> optional(
      String key,
      BiFunction<YamlNode, Draft, T> parse,
      Function<EndpointConfig.Builder, T> get,
      BiConsumer<EndpointConfig.Builder, T> set,
      Function<T, Object> format) {
    return required(key, parse, get, set, format).orElse(d -> get.apply(DEFAULT));
  }

  /**
   * An {@code Optional} setting: absent is empty (the builder's default too), written only when
   * set, as {@code format} gives the value inside.
   */
  private static <T> YamlSetting.Value<Draft, Optional<T>> ifSet(
      String key,
      BiFunction<YamlNode, Draft, T> parse,
      Function<EndpointConfig.Builder, Optional<T>> get,
      BiConsumer<EndpointConfig.Builder, Optional<T>> set,
      Function<T, Object> format) {
    return optional(
            key,
            (n, d) -> Optional.of(parse.apply(n, d)),
            get,
            set,
            v -> format.apply(v.orElseThrow()))
        .whenSet();
  }

  /** A scalar through a value parser, its complaint at the node's line. */
  private static <T> BiFunction<YamlNode, Draft, T> scalar(Function<String, T> parser) {
    return (n, d) -> n.as(parser);
  }

  private static BiFunction<YamlNode, Draft, OptionalInt> presentInt(Function<String, Integer> p) {
    return (n, d) -> OptionalInt.of(n.as(p));
  }

  private static <T> Function<T, Object> text() {
    return Object::toString;
  }

  private static <T> Function<List<T>, Object> texts() {
    return v -> v.stream().map(Object::toString).toList();
  }

  private static <E extends Enum<E>> Function<E, Object> lowerCase() {
    return v -> v.name().toLowerCase(Locale.ROOT);
  }

  // --- parsers that need more than the text ---

  private static Integer checkVersion(YamlNode n, Draft d) {
    long version = n.number(0, Integer.MAX_VALUE);
    if (version != VERSION) {
      throw n.error(
          "version " + version + " is not supported (this wgmesh reads version " + VERSION + ")",
          "use the wgmesh release that wrote this file, or re-create it with wgconfig");
    }
    return VERSION;
  }

  private static DomainName checkDomain(YamlNode n, Draft d) {
    DomainName domain = n.as(t -> DomainName.parse(t, "domain"));
    if (d.expectedDomain().isPresent() && !domain.equals(d.expectedDomain().get())) {
      throw n.error(
          "the file is for '" + domain + "', not '" + d.expectedDomain().get() + "'",
          "each mesh has its own file DIR/<domain>.yaml");
    }
    return domain;
  }

  private static String checkFingerprint(YamlNode n, Draft d) {
    Ed25519PublicKey signing = d.b().siteSigningKey;
    if (!n.text().equals(signing.fingerprint())) {
      throw n.error(
          "does not match site.signing-key (whose fingerprint is " + signing.fingerprint() + ")",
          "the pinned site key was edited: re-enrol with wgconfig --site-fingerprint FINGERPRINT "
              + d.b().domain);
    }
    return n.text();
  }

  /** A zone file; not together with a resolver (read before it). */
  private static Path zoneFile(YamlNode n, Draft d) {
    Path p = Path.of(n.text());
    if (d.b().resolver.isPresent()) {
      throw n.error("both resolver and zone-file are set", "keep one of them");
    }
    return p;
  }

  /** A path that is absolute, or relative to the directory of the endpoint file. */
  private static Path inConfigDir(YamlNode n, Draft d) {
    Path p = n.as(Path::of);
    return d.dir().map(dir -> dir.resolve(p)).orElse(p);
  }

  /** {@code true} or {@code false}, nothing else (YAML's yes/no/on/off would be a surprise). */
  private static boolean flag(YamlNode n, Draft d) {
    String t = n.text();
    if (!t.equals("true") && !t.equals("false")) {
      throw n.error("'" + t + "' is not true or false");
    }
    return Boolean.parseBoolean(t);
  }

  /** One of the enum's constants, in any case. */
  private static <E extends Enum<E>> BiFunction<YamlNode, Draft, E> choice(Class<E> type) {
    return (n, d) -> {
      String t = n.text();
      for (E c : type.getEnumConstants()) {
        if (c.name().equalsIgnoreCase(t)) {
          return c;
        }
      }
      throw n.error("'" + t + "' is not one of " + names(type));
    };
  }

  private static <E extends Enum<E>> String names(Class<E> type) {
    List<String> out = new ArrayList<>();
    for (E c : type.getEnumConstants()) {
      out.add(c.name().toLowerCase(Locale.ROOT));
    }
    return String.join(", ", out);
  }

  /** Items of a list through a value parser; an item listed twice is an error. */
  private static <T> BiFunction<YamlNode, Draft, List<T>> list(Function<String, T> parse) {
    return (n, d) -> {
      List<T> out = new ArrayList<>();
      for (YamlNode item : n.items()) {
        T v = item.as(parse);
        if (out.contains(v)) {
          throw item.error("'" + item.text() + "' is listed twice");
        }
        out.add(v);
      }
      return out;
    };
  }

  /** {@code prefix} (every system path below it) and/or single absolute paths. */
  private static Roots roots(YamlNode n) {
    Map<String, YamlNode> r = n.entries(ROOT_KEYS);
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

  /** Written out path by path (never as a prefix), so the file says where each thing goes. */
  private static Object rootsMap(Roots r) {
    Map<String, Object> roots = new LinkedHashMap<>();
    roots.put("wireguard", r.wireguard().toString());
    roots.put("bird", r.bird().toString());
    roots.put("shorewall", r.shorewall().toString());
    roots.put("shorewall6", r.shorewall6().toString());
    roots.put("systemd", r.systemd().toString());
    roots.put("state", r.state().toString());
    roots.put("run", r.run().toString());
    roots.put("metrics", r.metrics().toString());
    return roots;
  }

  private static Path rootPath(Map<String, YamlNode> r, String key, Path fallback) {
    return YamlNode.optional(r, key).map(EndpointSpec::absolute).orElse(fallback);
  }

  private static Path absolute(YamlNode n) {
    Path p = Path.of(n.text());
    if (!p.isAbsolute()) {
      throw n.error("'" + n.text() + "' is not an absolute path");
    }
    return p;
  }
}
