package org.wgmesh.endpoint.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.original.OriginalHost;
import org.wgmesh.core.original.OriginalSite;
import org.wgmesh.core.original.OriginalYaml;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.OriginalFixtures;
import org.wgmesh.site.publish.SitePublication;

/**
 * The original fixture site ({@code site/mesh1.yaml}) as the site import keeps it (issue 26, plan
 * §2.1/§2.2: domain, locus and port base kept, the tunnel /48 of {@code tunnel_ipv6}, number =
 * octet, AS and key kept, the addresses without their /32 and /128), written as a wgmesh site file
 * with a zone-file publish target and published once by the real {@link SitePublication} (what
 * {@code wgpub} does). A stand-in for the site importer, written in parallel (steps 3 to 5): only
 * what endpoint tests need. The fixture hosts 1 to 5 announce their node files' trust networks
 * ({@code 10.0.N.0/24}).
 */
public final class OriginalTestSite {
  /** The fixture's {@code global.domain}. */
  public static final String DOMAIN = "mesh1.example.test";

  /** The site file. */
  public final Path yaml;

  /** The zone file {@code wgpub} wrote. */
  public final Path zone;

  /** The site as published. */
  public final Site site;

  private OriginalTestSite(Path yaml, Path zone, Site site) {
    this.yaml = yaml;
    this.zone = zone;
    this.site = site;
  }

  /**
   * Imports the fixture hosts {@code included} accepts into a new site below {@code dir} and
   * publishes it into {@code dir/mesh1.zone}.
   */
  public static OriginalTestSite publish(Path dir, Predicate<OriginalHost> included)
      throws Exception {
    OriginalSite original = OriginalYaml.readSite(OriginalFixtures.siteFile());
    Path yaml = dir.resolve("mesh1.yaml");
    Path zone = dir.resolve("mesh1.zone");
    Files.createDirectories(dir);
    MeshSettings settings =
        new MeshSettings(
            original.domain(),
            original.locus(),
            IpPrefix.parse("fd86:ea04:1116::/48", "t"),
            original.portbase(),
            SiteFile.defaultAllowedLanPrefixes(),
            Topology.FULL_MESH);
    Site site =
        SiteFile.create(
            yaml, settings, AsnRange.parse(original.asnRange(), "t"), "zonefile:" + zone);
    for (OriginalHost h : original.hosts()) {
      if (included.test(h)) {
        site = site.withHost(entry(h));
      }
    }
    SiteFile.save(site, yaml);
    SitePublication wgpub = new SitePublication(Reporter.silent());
    try (SitePublication.Prepared p = wgpub.prepare(yaml, Optional.empty(), false)) {
      wgpub.apply(p);
    }
    return new OriginalTestSite(yaml, zone, site);
  }

  /** Hosts 1 to {@code n} (octets). */
  public static Predicate<OriginalHost> upTo(int n) {
    return h -> h.octet() >= 1 && h.octet() <= n;
  }

  /** The site's fingerprint, as {@code wgsite} prints it. */
  public String fingerprint() {
    return site.keys().fingerprint();
  }

  private static HostEntry entry(OriginalHost h) {
    List<IpAddress> endpoints = new ArrayList<>();
    for (String a : h.localIpv4()) {
      endpoints.add(IpAddress.parse(a.replaceFirst("/32$", ""), "t"));
    }
    for (String a : h.localIpv6()) {
      endpoints.add(IpAddress.parse(a.replaceFirst("/128$", ""), "t"));
    }
    List<IpPrefix> lans =
        h.octet() <= OriginalFixtures.NODES
            ? List.of(IpPrefix.parse("10.0." + h.octet() + ".0/24", "t"))
            : List.of();
    return HostEntry.builder()
        .uuid(h.uuid())
        .hostname(h.hostname())
        .number((int) h.octet())
        .asn(h.asn())
        .publicKey(h.publicKey())
        .endpoints(endpoints)
        .lanPrefixes(lans)
        .build();
  }
}
