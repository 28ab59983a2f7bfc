package org.wgmesh.site;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.DeclinedException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.original.ImportOptions;
import org.wgmesh.core.original.ImportPlan;
import org.wgmesh.core.original.OriginalImport;
import org.wgmesh.core.original.OriginalKey;
import org.wgmesh.core.original.OriginalKeys;
import org.wgmesh.core.original.OriginalNode;
import org.wgmesh.core.original.OriginalSite;
import org.wgmesh.core.original.OriginalYaml;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;

/**
 * {@code wgsite --import-original} (issue 26): reads an original wgmesh v2 site file, its site key
 * and node files, plans the new site ({@link OriginalImport}), shows the report, asks, and creates
 * the new site file with fresh site keys and the original key beside it. Everything is read and
 * checked before the question; the original files are never changed; a failure leaves the target
 * directory as it was.
 */
public final class OriginalSiteImport {
  private final Reporter reporter;
  private final Confirmation confirmation;

  public OriginalSiteImport(Reporter reporter, Confirmation confirmation) {
    this.reporter = reporter;
    this.confirmation = confirmation;
  }

  /**
   * What to import.
   *
   * @param original the original's site file ({@code <locus>.yaml})
   * @param originalKey its site key file; empty: {@code global.privatekey} when that file exists,
   *     else {@code <locus>_priv} beside the site file
   * @param nodes original node files ({@code node_<locus>.yaml}) for the hosts' LANs
   * @param options the overrides, exclusions and LANs (its nodes are replaced by {@code nodes})
   */
  public record Request(
      Path original, Optional<Path> originalKey, List<Path> nodes, ImportOptions options) {
    public Request {
      Objects.requireNonNull(original, "original");
      Objects.requireNonNull(originalKey, "originalKey");
      nodes = List.copyOf(nodes);
      Objects.requireNonNull(options, "options");
    }
  }

  /**
   * A planned import, not yet written.
   *
   * @param plan what the original becomes, with the report
   * @param key the original site key, checked against {@code global.publickey}
   * @param keyFile where it was read from
   * @param draft the new site, with freshly made site keys that are written only by {@link #create}
   */
  public record Prepared(ImportPlan plan, OriginalKey key, Path keyFile, Site draft) {}

  /**
   * Reads and checks the original files and plans the new site; writes nothing.
   *
   * @throws FileException when {@code yaml} exists, or an original file (or the site key) cannot be
   *     found or read
   * @throws ConfigException naming the original file and property that is broken, or the key file
   *     that is not the site's
   */
  public Prepared prepare(Path yaml, Request request) {
    refuseExisting(yaml);
    OriginalSite original = OriginalYaml.readSite(request.original());
    Path keyFile = keyFile(original, request);
    OriginalKey key = OriginalKeys.siteKey(original, keyFile);
    List<OriginalNode> nodes = new ArrayList<>();
    request.nodes().forEach(n -> nodes.add(OriginalYaml.readNode(n)));
    ImportPlan plan =
        OriginalImport.plan(original, request.options().withNodes(nodes), SiteAdmin::randomUla);
    String publish =
        plan.publish()
            .orElseGet(() -> SiteFile.defaultPublishTarget(yaml, plan.settings().domain()));
    Site draft = SiteFile.draft(plan.settings(), plan.hosts(), plan.asnRange(), publish);
    if (key.readableByOthers()) {
      reporter.warn(
          "%s may be read by other users (the original's umask): the new site keeps its own copy,"
              + " mode 0600",
          keyFile);
    }
    return new Prepared(plan, key, keyFile, draft);
  }

  /**
   * Asks, then creates {@code yaml}, its site keys and {@code NAME.original.key} under the site
   * lock.
   *
   * @return the site as written
   * @throws DeclinedException when the operator says no
   * @throws FileException when {@code yaml} appeared meanwhile, or a file cannot be written (what
   *     was written is removed)
   */
  public Site create(Path yaml, Prepared prepared, String originalFile) {
    String question =
        "Create "
            + yaml
            + " with "
            + prepared.plan().hosts().size()
            + " hosts imported from "
            + originalFile
            + "?";
    List<String> details =
        List.of(
            prepared.plan().report().importedHosts()
                + " hosts, domain "
                + prepared.draft().settings().domain(),
            "original key " + prepared.keyFile() + " is copied to the new site (mode 0600)");
    if (!confirmation.confirm(question, details)) {
      throw new DeclinedException(
          question.replaceFirst("\\?$", ""), "not confirmed; nothing changed");
    }
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      refuseExisting(yaml);
      Site site = SiteFile.createImported(yaml, prepared.draft(), prepared.key().key());
      reporter.info("created %s, imported from %s", yaml, originalFile);
      return site;
    }
  }

  private static void refuseExisting(Path yaml) {
    if (Files.exists(yaml)) {
      throw new FileException(
          yaml.toString(), "already exists", "an import creates a new site file: name another");
    }
  }

  /** The key file: the option, else where the original says, else beside the site file. */
  private static Path keyFile(OriginalSite original, Request request) {
    if (request.originalKey().isPresent()) {
      return request.originalKey().get();
    }
    List<Path> tried = new ArrayList<>();
    original.privateKeyPath().map(Path::of).ifPresent(tried::add);
    Path beside = request.original().toAbsolutePath().resolveSibling(original.locus() + "_priv");
    tried.add(beside);
    for (Path p : tried) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new FileException(
        request.original().toString(),
        "the original site key is in none of " + tried,
        "give the file the original's global.privatekey names with --original-key");
  }
}
