package org.wgmesh.core.original;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.site.SiteFile;

/**
 * Plans the move of an original wgmesh v2 site to a new site file (issue 26), in memory: every host
 * keeps its uuid, hostname, number (the original's octet), AS and WireGuard key; the port base is
 * kept where the numbering allows. What cannot be kept changes, and the {@link ImportReport} says
 * why. What the original allowed but is broken (duplicate octets, ASNs or keys) is an error naming
 * both properties: the admin fixes a copy of the file, or leaves a host out.
 *
 * <p>Pure: it reads and writes nothing. {@code wgsite --import-original} checks the site key, asks
 * and writes.
 */
public final class OriginalImport {
  /** The port base when the original's does not fit the numbering and none is given. */
  static final int FALLBACK_PORTBASE = 51000;

  private final OriginalSite original;
  private final ImportOptions options;
  private final ImportNotes notes = new ImportNotes();

  private OriginalImport(OriginalSite original, ImportOptions options) {
    this.original = original;
    this.options = options;
  }

  /**
   * Plans the import.
   *
   * @param randomUla makes a tunnel prefix when neither the original's nor an option gives one
   * @throws ConfigException naming the original file (or node file) and property that is broken
   * @throws InputException naming the option that is
   */
  public static ImportPlan plan(
      OriginalSite original, ImportOptions options, Supplier<IpPrefix> randomUla) {
    return new OriginalImport(original, options).plan(randomUla);
  }

  private ImportPlan plan(Supplier<IpPrefix> randomUla) {
    String domain = domain();
    String locus = locus();
    List<OriginalHost> chosen = chosenHosts();
    HostMapping hosts = new HostMapping(original, options, notes);
    List<HostEntry> entries = hosts.map(chosen);
    int highest = entries.stream().mapToInt(HostEntry::number).max().orElse(1);
    int portbase = portbase(highest);
    AsnRange asnRange = hosts.asnRange();
    IpPrefix tunnel = tunnelPrefix(randomUla);
    hosts.checkLans(entries, tunnel);
    List<IpPrefix> allowed = allowedLans(entries);
    Optional<String> publish = publish(domain);
    fixedChanges(locus);
    notKept();

    MeshSettings settings =
        new MeshSettings(
            domain, locus, tunnel, portbase, allowed, Topology.FULL_MESH, LinkSettings.DEFAULT);
    List<String> withoutLans = new ArrayList<>();
    entries.stream()
        .filter(e -> e.lanPrefixes().isEmpty())
        .forEach(e -> withoutLans.add(e.hostname()));
    ImportReport report =
        new ImportReport(
            original.source(),
            original.hosts().size(),
            entries.size(),
            notes.kept,
            notes.changed,
            notes.notKept,
            notes.excluded,
            withoutLans);
    return new ImportPlan(settings, asnRange, publish, entries, report);
  }

  private String domain() {
    if (options.domain().isPresent()) {
      String d = DomainName.parse(options.domain().get(), "--domain").name();
      notes.changed(
          "domain",
          original.domain(),
          d,
          "--domain: the original endpoints keep reading " + original.domain());
      return d;
    }
    String d = original(() -> DomainName.parse(original.domain(), "domain").name(), "domain");
    notes.kept(
        "domain "
            + d
            + " (the new mesh record takes over its TXT name: original endpoints stop syncing;"
            + " use --domain with a sibling name for a gradual switch)");
    return d;
  }

  private String locus() {
    if (options.locus().isPresent()) {
      String l = SiteFile.checkLocus(options.locus().get());
      notes.changed("locus", original.locus(), l, "--locus");
      return l;
    }
    String l =
        original(
            () -> SiteFile.checkLocus(original.locus()),
            "locus",
            "give the new site a locus with --locus");
    notes.kept("locus " + l);
    return l;
  }

  private List<OriginalHost> chosenHosts() {
    Set<String> unmatched = new LinkedHashSet<>();
    options.exclude().forEach(x -> unmatched.add(x.toLowerCase(Locale.ROOT)));
    List<OriginalHost> chosen = new ArrayList<>();
    for (OriginalHost h : original.hosts()) {
      String uuid = h.uuid().toString();
      String name = h.hostname().toLowerCase(Locale.ROOT);
      if (unmatched.contains(uuid) || unmatched.contains(name)) {
        notes.excluded.add(h.hostname() + " (" + uuid + ")");
        continue;
      }
      chosen.add(h);
    }
    for (OriginalHost h : original.hosts()) {
      unmatched.remove(h.uuid().toString());
      unmatched.remove(h.hostname().toLowerCase(Locale.ROOT));
    }
    if (!unmatched.isEmpty()) {
      throw new InputException(
          "--exclude",
          "no host of " + original.source() + " has the uuid or hostname " + unmatched,
          "list a host's uuid or hostname as the original file writes it");
    }
    return chosen;
  }

  private int portbase(int highest) {
    if (options.portbase().isPresent()) {
      int p = options.portbase().getAsInt();
      if (p < 1 || p > 65534 || p + highest > 65535) {
        throw new InputException(
            "--portbase",
            p + " does not fit: ports are portbase + host number, up to " + highest,
            "give at most " + (65535 - highest));
      }
      notes.changed("portbase", original.portbase(), p, "--portbase: every listening port changes");
      return p;
    }
    int o = original.portbase();
    if (o >= 1 && o + highest <= 65535) {
      notes.kept(
          "portbase "
              + o
              + " (ports unchanged: towards peer n a host listens on "
              + o
              + " + n, as before)");
      return o;
    }
    int p =
        FALLBACK_PORTBASE + highest <= 65535
            ? FALLBACK_PORTBASE
            : Math.max(1, (65535 - highest) / 100 * 100);
    notes.changed(
        "portbase",
        o,
        p,
        "portbase + the highest host number ("
            + highest
            + ") must fit in 65535: every listening port changes");
    return p;
  }

  private IpPrefix tunnelPrefix(Supplier<IpPrefix> randomUla) {
    String link = "link addresses change from the original's /64 to a /80 per link";
    if (options.tunnelPrefix().isPresent()) {
      IpPrefix t = SiteFile.checkTunnelPrefix(options.tunnelPrefix().get(), "--tunnel-prefix");
      notes.changed(
          "tunnel prefix", original.tunnelIpv6().orElse("(none)"), t, "--tunnel-prefix; " + link);
      return t;
    }
    Optional<IpPrefix> derived = original.tunnelIpv6().flatMap(OriginalImport::tunnel48);
    if (derived.isPresent()) {
      notes.kept(
          "tunnel prefix " + derived.get() + " (the /48 of " + original.tunnelIpv6().get() + ")");
      notes.changed(
          "link addresses",
          "base:HHhh::octet in " + original.tunnelIpv6().get(),
          "P:a:b::1|2 in " + derived.get(),
          link + ": BGP neighbours are re-addressed on every host");
      return derived.get();
    }
    IpPrefix t = randomUla.get();
    notes.changed(
        "tunnel prefix",
        original.tunnelIpv6().orElse("(none)"),
        t,
        "tunnel_ipv6 is not a usable IPv6 prefix (empty, IPv4, multicast or link-local):"
            + " a random unique local /48");
    return t;
  }

  /** The /48 holding the original's tunnel prefix, when that is a usable IPv6 prefix. */
  static Optional<IpPrefix> tunnel48(String text) {
    IpPrefix p;
    try {
      p =
          text.contains("/")
              ? IpPrefix.parseInterface(text.strip(), "tunnel_ipv6")
              : new IpPrefix(IpAddress.parse(text.strip(), "tunnel_ipv6"), 128);
    } catch (InputException e) {
      return Optional.empty();
    }
    var a = p.network().address();
    if (!p.isV6()
        || a.isMulticastAddress()
        || a.isLinkLocalAddress()
        || a.isAnyLocalAddress()
        || a.isLoopbackAddress()) {
      return Optional.empty();
    }
    // The original's own network first (fd00:1:2::/40 is fd00::/40), then its first /48.
    return Optional.of(
        new IpPrefix(p.masked().network(), Addressing.TUNNEL_PREFIX_LENGTH).masked());
  }

  /**
   * The default allowed LAN prefixes, plus every imported LAN outside them: the original accepted
   * any private IPv4 and any IPv6 route. A default that holds a host's public address is left out:
   * endpoints route the allowed prefixes into the mesh (an unreachable route in their namespace
   * when no peer announces them), so WireGuard could not reach that address. The original's hosts
   * may well have public addresses in private ranges (a private WAN).
   */
  private List<IpPrefix> allowedLans(List<HostEntry> entries) {
    List<IpPrefix> allowed = new ArrayList<>();
    for (IpPrefix d : SiteFile.defaultAllowedLanPrefixes()) {
      Optional<String> holds = endpointIn(entries, d);
      if (holds.isPresent()) {
        notes.changed(
            "allowed-lan-prefixes",
            d,
            "(left out)",
            "it holds "
                + holds.get()
                + ": the mesh routes its allowed prefixes, so peers could not reach that address");
      } else {
        allowed.add(d);
      }
    }
    for (HostEntry e : entries) {
      for (IpPrefix lan : e.lanPrefixes()) {
        Optional<String> holds = endpointIn(entries, lan);
        if (holds.isPresent()) {
          throw new InputException(
              e.hostname() + " LAN " + lan,
              "holds " + holds.get() + ": the mesh would route that address into " + e.hostname(),
              "a LAN prefix cannot hold a host's public address; correct the node file or --lan");
        }
        if (allowed.stream().noneMatch(a -> a.contains(lan))) {
          allowed.add(lan);
          notes.changed(
              "allowed-lan-prefixes",
              "(the original accepted it)",
              "+" + lan,
              e.hostname() + " announces it, outside the allowed prefixes");
        }
      }
    }
    return allowed;
  }

  /** The first host endpoint inside {@code prefix}, as {@code host's public address A}. */
  private static Optional<String> endpointIn(List<HostEntry> entries, IpPrefix prefix) {
    for (HostEntry e : entries) {
      for (IpAddress a : e.endpoints()) {
        if (prefix.contains(new IpPrefix(a, a.isV6() ? 128 : 32))) {
          return Optional.of(e.hostname() + "'s public address " + a);
        }
      }
    }
    return Optional.empty();
  }

  private Optional<String> publish(String domain) {
    if (options.publish().isPresent()) {
      return Optional.of(SiteFile.checkPublishTarget(options.publish().get(), domain, "--publish"));
    }
    if (original.route53().isPresent()) {
      String t = "route53:" + original.route53().get();
      notes.kept(
          "publishing to Route53 zone "
              + original.route53().get()
              + " (credentials from the AWS SDK's default chain, not from the site file)");
      return Optional.of(t);
    }
    return Optional.empty();
  }

  /** What changes for every original site: the original hard-coded it. */
  private void fixedChanges(String locus) {
    notes.changed("netns", "private", locus, "the endpoints' namespace is named after the locus");
    notes.changed(
        "router id",
        "1.0.<octet>.1",
        "1.0.0.0 + number",
        "injective up to number 65535; the original's broke above 255");
    notes.changed("BFD", "50 ms x 5", "100 ms x 3 (bfd: normal)", "the site's link defaults");
    notes.changed(
        "routing filter",
        "10/8, 172.16/16, 192.168/16 and any IPv6 (::/0 included)",
        "allowed-lan-prefixes, and per host only its own LAN prefixes",
        "a host can no longer attract traffic for prefixes that are not its own");
  }

  private void notKept() {
    original
        .tunnelIpv4()
        .ifPresent(t -> notes.notKept("tunnel_ipv4 " + t + " (the original never used it)"));
    Set<Long> hostAsns = new LinkedHashSet<>();
    original.hosts().forEach(h -> hostAsns.add(h.asn()));
    List<Long> leaked = original.asnUsed().stream().filter(a -> !hostAsns.contains(a)).toList();
    notes.notKept(
        "asn_used (derived from the hosts)"
            + (leaked.isEmpty()
                ? ""
                : "; "
                    + leaked.size()
                    + " ASNs in it belong to no host (the original leaked them): "
                    + leaked));
    if (original.awsConfigured()) {
      notes.notKept(
          "aws_credentials, aws_access_key, aws_secret_access_key (never copied: configure the"
              + " AWS SDK's default chain, see the operator guide)");
    }
    original.alerts().ifPresent(a -> notes.notKept("alerts (the original never used it)"));
    original
        .privateKeyPath()
        .ifPresent(
            p ->
                notes.notKept(
                    "privatekey path " + p + " (the key is stored beside the new site file)"));
    notes.notKept("public_key_file, private_key_file of every host (paths on the hosts)");
  }

  private <T> T original(Supplier<T> read, String property) {
    return original(read, property, null);
  }

  /** Reads an original value, turning a refusal into an error about the original file. */
  private <T> T original(Supplier<T> read, String property, String hint) {
    try {
      return read.get();
    } catch (InputException e) {
      String why = "Property 'global." + property + "': " + e.why();
      throw hint == null
          ? new ConfigException(original.source(), why)
          : new ConfigException(original.source(), why, hint);
    }
  }
}
