package org.wgmesh.endpoint.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.original.ImportOptions;
import org.wgmesh.core.original.ImportPlan;
import org.wgmesh.core.original.OriginalHost;
import org.wgmesh.core.original.OriginalImport;
import org.wgmesh.core.original.OriginalKeys;
import org.wgmesh.core.original.OriginalNode;
import org.wgmesh.core.original.OriginalSite;
import org.wgmesh.core.original.OriginalYaml;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.OriginalFixtures;
import org.wgmesh.site.publish.SitePublication;

/**
 * The original fixture site ({@code site/mesh1.yaml}) imported (issue 26), written as a wgmesh site
 * file with a zone-file publish target and published once by the real {@link SitePublication} (what
 * {@code wgpub} does). The fixture hosts 1 to 5 announce their node files' trust networks ({@code
 * 10.0.N.0/24}).
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
   * Imports the fixture hosts {@code included} accepts into a new site below {@code dir}, with the
   * real importer ({@link OriginalImport}) and the node files of fixture hosts 1 to 5, and
   * publishes it into {@code dir/mesh1.zone}.
   */
  public static OriginalTestSite publish(Path dir, Predicate<OriginalHost> included)
      throws Exception {
    OriginalSite original = OriginalYaml.readSite(OriginalFixtures.siteFile());
    Path yaml = dir.resolve("mesh1.yaml");
    Path zone = dir.resolve("mesh1.zone");
    Files.createDirectories(dir);
    Set<String> excluded = new HashSet<>();
    List<OriginalNode> nodes = new ArrayList<>();
    for (OriginalHost h : original.hosts()) {
      if (!included.test(h)) {
        excluded.add(h.uuid().toString());
      } else if (h.octet() <= OriginalFixtures.NODES) {
        nodes.add(OriginalYaml.readNode(OriginalFixtures.nodeFile((int) h.octet())));
      }
    }
    ImportPlan plan =
        OriginalImport.plan(
            original,
            ImportOptions.NONE.withExclude(excluded).withNodes(nodes),
            () -> {
              throw new AssertionError("the fixture's tunnel prefix is kept");
            });
    Site site =
        SiteFile.createImported(
            yaml,
            SiteFile.draft(plan.settings(), plan.hosts(), plan.asnRange(), "zonefile:" + zone),
            OriginalKeys.siteKey(original, OriginalFixtures.siteKey()).key());
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
}
