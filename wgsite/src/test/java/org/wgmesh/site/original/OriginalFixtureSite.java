package org.wgmesh.site.original;

import java.nio.file.Path;
import java.util.Set;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.original.ImportOptions;
import org.wgmesh.core.original.ImportPlan;
import org.wgmesh.core.original.OriginalImport;
import org.wgmesh.core.original.OriginalKeys;
import org.wgmesh.core.original.OriginalYaml;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.OriginalFixtures;

/**
 * The original fixture site imported as a wgmesh site file by the real importer ({@link
 * OriginalImport}), with the original's site key, for tests of what comes after the import (issue
 * 26).
 */
public final class OriginalFixtureSite {
  private OriginalFixtureSite() {}

  /** The fixture's site key ({@code site/mesh1_priv}). */
  public static X25519PrivateKey siteKey() {
    return OriginalKeys.siteKey(
            OriginalYaml.readSite(OriginalFixtures.siteFile()), OriginalFixtures.siteKey())
        .key();
  }

  /**
   * Creates {@code yaml}, with the original's key, with the fixture's hosts but those whose
   * hostname is in {@code excluded}.
   */
  public static Site create(Path yaml, Set<String> excluded) {
    ImportPlan plan =
        OriginalImport.plan(
            OriginalYaml.readSite(OriginalFixtures.siteFile()),
            ImportOptions.NONE.withExclude(excluded),
            () -> {
              throw new AssertionError("the fixture's tunnel prefix is kept");
            });
    Site draft =
        SiteFile.draft(
            plan.settings(),
            plan.hosts(),
            plan.asnRange(),
            SiteFile.defaultPublishTarget(yaml, plan.settings().domain()));
    return SiteFile.createImported(yaml, draft, siteKey());
  }
}
