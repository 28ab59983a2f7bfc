package org.wgmesh.core.site;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.wgmesh.core.enrolment.Admit;
import org.wgmesh.core.enrolment.CertificateRule;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.enrolment.Lans;
import org.wgmesh.core.enrolment.Listen;
import org.wgmesh.core.enrolment.ObservedPolicy;
import org.wgmesh.core.enrolment.ServiceLimits;
import org.wgmesh.core.enrolment.SubjectPattern;
import org.wgmesh.core.enrolment.TokenDefaults;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.yaml.YamlNode;

/**
 * The site file's {@code enrolment:} section (issue 23; {@code docs/enrolment.md}) read into an
 * {@link EnrolmentPolicy} and written back. Beside {@link SiteSpec} rather than in it so that the
 * site's format stays readable; like it, every error names the key path and line.
 */
final class EnrolmentSpec {
  static final String KEY = "enrolment";
  static final Set<String> KEYS =
      Set.of(
          "listen",
          "tls-certificate",
          "tls-key",
          "certificates",
          "tokens",
          "limits",
          "admins",
          "observed");
  static final Set<String> OBSERVED_KEYS = Set.of("roaming", "nat-traversal");
  static final Set<String> RULE_KEYS =
      Set.of("name", "ca", "crl", "subject", "subject-regex", "lan-prefixes", "admit", "rejoin");

  /** An admin rule is a certificate rule without what only enrolment needs. */
  static final Set<String> ADMIN_KEYS = Set.of("name", "ca", "crl", "subject", "subject-regex");

  static final Set<String> TOKEN_KEYS = Set.of("expires", "uses", "admit", "rejoin");
  static final Set<String> LIMIT_KEYS =
      Set.of(
          "requests-per-minute",
          "max-connections",
          "max-threads",
          "max-body-bytes",
          "idle-timeout",
          "connection-deadline",
          "max-followers");

  private EnrolmentSpec() {}

  /**
   * Reads the section.
   *
   * @param allowedLans the site's {@code allowed-lan-prefixes}: a rule's LANs must lie within them
   * @throws org.wgmesh.core.error.ConfigException naming the key path and line of the first problem
   */
  static EnrolmentPolicy parse(YamlNode section, List<IpPrefix> allowedLans) {
    Map<String, YamlNode> e = section.entries(KEYS);
    YamlNode listenNode = section.require(e, "listen");
    List<Listen> listen = new ArrayList<>();
    Map<Listen, YamlNode> seen = new HashMap<>();
    for (YamlNode n : listenNode.items()) {
      Listen l = n.as(t -> Listen.parse(t, "listen address"));
      YamlNode prev = seen.putIfAbsent(l, n);
      if (prev != null) {
        throw n.error(l + " is listed twice (also line " + prev.line() + ")");
      }
      listen.add(l);
    }
    if (listen.isEmpty()) {
      throw listenNode.error(
          "the service needs an address to listen on", "e.g. listen: [\"192.0.2.10:8443\"]");
    }
    Path cert = path(section.require(e, "tls-certificate"));
    Path key = path(section.require(e, "tls-key"));
    List<CertificateRule> rules = new ArrayList<>();
    Map<String, YamlNode> names = new HashMap<>();
    for (YamlNode r : YamlNode.optional(e, "certificates").map(YamlNode::items).orElse(List.of())) {
      CertificateRule rule = rule(r, allowedLans);
      YamlNode prev = names.putIfAbsent(rule.name(), r);
      if (prev != null) {
        throw r.error(
            "rule name '" + rule.name() + "' is used twice (also line " + prev.line() + ")");
      }
      rules.add(rule);
    }
    TokenDefaults tokens =
        YamlNode.optional(e, "tokens").map(EnrolmentSpec::tokens).orElse(TokenDefaults.DEFAULT);
    ServiceLimits limits =
        YamlNode.optional(e, "limits")
            .map(n -> limits(n, listen.size()))
            .orElse(ServiceLimits.NONE);
    List<CertificateRule> admins = new ArrayList<>();
    Map<String, YamlNode> adminNames = new HashMap<>();
    for (YamlNode r : YamlNode.optional(e, "admins").map(YamlNode::items).orElse(List.of())) {
      CertificateRule rule = rule(r, r.entries(ADMIN_KEYS), List.of());
      YamlNode prev = adminNames.putIfAbsent(rule.name(), r);
      if (prev != null) {
        throw r.error(
            "admin rule name '" + rule.name() + "' is used twice (also line " + prev.line() + ")");
      }
      admins.add(rule);
    }
    ObservedPolicy observed =
        YamlNode.optional(e, "observed")
            .map(EnrolmentSpec::observed)
            .orElse(ObservedPolicy.DEFAULT);
    return new EnrolmentPolicy(listen, cert, key, rules, tokens, limits, admins, observed);
  }

  private static ServiceLimits limits(YamlNode n, int addresses) {
    Map<String, YamlNode> e = n.entries(LIMIT_KEYS);
    return new ServiceLimits(
        whole(e, "requests-per-minute", 1, ServiceLimits.MAX_REQUESTS_PER_MINUTE),
        whole(e, "max-connections", 1, ServiceLimits.MAX_CONNECTIONS),
        whole(e, "max-threads", ServiceLimits.minThreads(addresses), ServiceLimits.MAX_THREADS),
        whole(e, "max-body-bytes", ServiceLimits.MIN_BODY_BYTES, ServiceLimits.MAX_BODY_BYTES),
        timeout(e, "idle-timeout", ServiceLimits.MAX_IDLE_TIMEOUT),
        timeout(e, "connection-deadline", ServiceLimits.MAX_CONNECTION_DEADLINE),
        whole(e, "max-followers", 1, ServiceLimits.MAX_FOLLOWERS));
  }

  private static OptionalInt whole(Map<String, YamlNode> e, String key, int min, int max) {
    return YamlNode.optional(e, key)
        .map(n -> OptionalInt.of((int) n.number(min, max)))
        .orElse(OptionalInt.empty());
  }

  private static Optional<Duration> timeout(Map<String, YamlNode> e, String key, Duration max) {
    return YamlNode.optional(e, key)
        .map(
            n ->
                n.as(
                    t -> {
                      Duration d = Durations.parse(t, key);
                      if (d.compareTo(ServiceLimits.MIN_TIMEOUT) < 0 || d.compareTo(max) > 0) {
                        throw new InputException(
                            key,
                            "'" + t + "' is out of range 1s.." + Durations.format(max),
                            "write e.g. 10s or 2m");
                      }
                      return d;
                    }));
  }

  private static CertificateRule rule(YamlNode r, List<IpPrefix> allowedLans) {
    return rule(r, r.entries(RULE_KEYS), allowedLans);
  }

  private static CertificateRule rule(
      YamlNode r, Map<String, YamlNode> e, List<IpPrefix> allowedLans) {
    String name = r.require(e, "name").as(EnrolmentSpec::ruleName);
    Optional<YamlNode> glob = YamlNode.optional(e, "subject");
    Optional<YamlNode> regex = YamlNode.optional(e, "subject-regex");
    if (glob.isPresent() == regex.isPresent()) {
      throw glob.or(() -> Optional.of(r))
          .get()
          .error(
              "a rule has either subject or subject-regex",
              "subject: CN=*.fleet.example, or subject-regex: 'CN=(?<host>[a-z0-9-]+),O=Example'");
    }
    SubjectPattern subject =
        glob.isPresent()
            ? glob.get().as(t -> SubjectPattern.glob(t, "subject"))
            : regex.get().as(t -> SubjectPattern.regex(t, "subject-regex"));
    List<IpPrefix> lans = new ArrayList<>();
    for (YamlNode p : YamlNode.optional(e, "lan-prefixes").map(YamlNode::items).orElse(List.of())) {
      IpPrefix prefix = p.as(t -> IpPrefix.parse(t, "LAN prefix"));
      if (Lans.firstNotAllowed(List.of(prefix), allowedLans).isPresent()) {
        throw p.error(
            prefix + " is not within the site's allowed-lan-prefixes " + allowedLans,
            "choose a prefix within them, or widen allowed-lan-prefixes");
      }
      lans.add(prefix);
    }
    return new CertificateRule(
        name,
        path(r.require(e, "ca")),
        YamlNode.optional(e, "crl").map(EnrolmentSpec::path),
        subject,
        lans,
        admit(e),
        rejoin(e));
  }

  private static TokenDefaults tokens(YamlNode n) {
    Map<String, YamlNode> e = n.entries(TOKEN_KEYS);
    Duration expires =
        YamlNode.optional(e, "expires")
            .map(
                x ->
                    x.as(t -> TokenDefaults.checkExpires(Durations.parse(t, "expires"), "expires")))
            .orElse(TokenDefaults.DEFAULT.expires());
    int uses =
        YamlNode.optional(e, "uses")
            .map(x -> (int) x.number(1, TokenDefaults.MAX_USES))
            .orElse(TokenDefaults.DEFAULT.uses());
    return new TokenDefaults(
        expires,
        uses,
        YamlNode.optional(e, "admit").isPresent() ? admit(e) : TokenDefaults.DEFAULT.admit(),
        YamlNode.optional(e, "rejoin").isPresent() ? rejoin(e) : TokenDefaults.DEFAULT.rejoin());
  }

  /** {@code admit:}, {@code queue} when absent: a human decides unless the admin said otherwise. */
  private static Admit admit(Map<String, YamlNode> e) {
    return YamlNode.optional(e, "admit")
        .map(n -> n.as(t -> Admit.parse(t, "admit")))
        .orElse(Admit.QUEUE);
  }

  private static boolean rejoin(Map<String, YamlNode> e) {
    return flag(e, "rejoin").orElse(false);
  }

  /** A {@code true}/{@code false} key, if given; anything else names the key and line. */
  private static Optional<Boolean> flag(Map<String, YamlNode> e, String key) {
    return YamlNode.optional(e, key)
        .map(
            n ->
                n.as(
                    t -> {
                      if (!t.equals("true") && !t.equals("false")) {
                        throw new InputException(key, "'" + t + "' is not true or false");
                      }
                      return Boolean.parseBoolean(t);
                    }));
  }

  /** {@code observed:} (issue 24): what the site publishes of where its hosts are seen. */
  private static ObservedPolicy observed(YamlNode n) {
    Map<String, YamlNode> e = n.entries(OBSERVED_KEYS);
    return new ObservedPolicy(flag(e, "roaming"), flag(e, "nat-traversal"));
  }

  /** An absolute path: the service runs from systemd, whose working directory is no guide. */
  private static Path path(YamlNode n) {
    return n.as(
        t -> {
          Path p;
          try {
            p = Path.of(t);
          } catch (InvalidPathException x) {
            throw new InputException("path", "'" + t + "' is not a path");
          }
          if (!p.isAbsolute()) {
            throw new InputException(
                "path", "'" + t + "' is not absolute", "write the full path, e.g. /etc/wgmesh/...");
          }
          return p;
        });
  }

  private static String ruleName(String t) {
    if (!t.matches("[a-z0-9][a-z0-9-]{0,31}")) {
      throw new InputException(
          "name", "'" + t + "' is not a rule name", "use 1-32 lower-case letters, digits, hyphens");
    }
    return t;
  }

  /** The section as plain values, in a fixed key order; defaults left out. */
  static Map<String, Object> render(EnrolmentPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("listen", p.listen().stream().map(Object::toString).toList());
    m.put("tls-certificate", p.tlsCertificate().toString());
    m.put("tls-key", p.tlsKey().toString());
    if (!p.certificates().isEmpty()) {
      List<Object> rules = new ArrayList<>();
      for (CertificateRule r : p.certificates()) {
        Map<String, Object> e = whoRule(r);
        e.put("lan-prefixes", r.lanPrefixes().stream().map(Object::toString).toList());
        e.put("admit", r.admit().text());
        e.put("rejoin", r.rejoin());
        rules.add(e);
      }
      m.put("certificates", rules);
    }
    if (!p.tokens().equals(TokenDefaults.DEFAULT)) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("expires", Durations.format(p.tokens().expires()));
      t.put("uses", p.tokens().uses());
      t.put("admit", p.tokens().admit().text());
      t.put("rejoin", p.tokens().rejoin());
      m.put("tokens", t);
    }
    if (!p.admins().isEmpty()) {
      List<Object> rules = new ArrayList<>();
      p.admins().forEach(r -> rules.add(whoRule(r)));
      m.put("admins", rules);
    }
    if (!p.limits().equals(ServiceLimits.NONE)) {
      m.put("limits", renderLimits(p.limits()));
    }
    if (!p.observed().equals(ObservedPolicy.DEFAULT)) {
      Map<String, Object> o = new LinkedHashMap<>();
      p.observed().roaming().ifPresent(v -> o.put("roaming", v));
      p.observed().natTraversal().ifPresent(v -> o.put("nat-traversal", v));
      m.put("observed", o);
    }
    return m;
  }

  private static Map<String, Object> renderLimits(ServiceLimits l) {
    Map<String, Object> m = new LinkedHashMap<>();
    l.requestsPerMinute().ifPresent(v -> m.put("requests-per-minute", v));
    l.maxConnections().ifPresent(v -> m.put("max-connections", v));
    l.maxThreads().ifPresent(v -> m.put("max-threads", v));
    l.maxBodyBytes().ifPresent(v -> m.put("max-body-bytes", v));
    l.idleTimeout().ifPresent(v -> m.put("idle-timeout", Durations.format(v)));
    l.connectionDeadline().ifPresent(v -> m.put("connection-deadline", Durations.format(v)));
    l.maxFollowers().ifPresent(v -> m.put("max-followers", v));
    return m;
  }

  /** The keys of a rule that say whose certificate it takes: name, CA, CRL, subject. */
  private static Map<String, Object> whoRule(CertificateRule r) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", r.name());
    e.put("ca", r.caBundle().toString());
    r.crl().ifPresent(c -> e.put("crl", c.toString()));
    e.put(r.subject().regex() ? "subject-regex" : "subject", r.subject().text());
    return e;
  }
}
