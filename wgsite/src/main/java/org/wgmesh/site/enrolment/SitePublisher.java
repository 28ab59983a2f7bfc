package org.wgmesh.site.enrolment;

import java.nio.file.Path;
import java.util.Optional;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.site.publish.SitePublication;

/**
 * Publishes a site file after an enrolment changed it. The real one is {@code wgpub}'s code ({@link
 * SitePublication}: prepare, then apply, under the site file's lock); tests swap in a failing one.
 */
@FunctionalInterface
public interface SitePublisher {
  /**
   * Publishes the site file's mesh to its {@code publish:} target.
   *
   * @throws org.wgmesh.core.error.WgmeshException as {@code wgpub} does (exit 7 half-way: the next
   *     run completes it)
   */
  void publish(Path siteFile);

  /** The {@code wgpub} code path, reporting to {@code reporter}. */
  static SitePublisher wgpub(Reporter reporter) {
    return siteFile -> {
      SitePublication publication = new SitePublication(reporter);
      try (SitePublication.Prepared prepared =
          publication.prepare(siteFile, Optional.empty(), false)) {
        publication.apply(prepared);
      }
    };
  }
}
