package org.wgmesh.site.publish.names;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.wgmesh.core.record.PublicationReport.Problem;
import org.wgmesh.core.site.Site;
import org.wgmesh.site.publish.target.NameRecordSet;
import org.wgmesh.site.publish.target.NameZone;
import org.wgmesh.site.publish.target.Publisher;

/**
 * {@code wgpub --verify} of the name records (issue 25): the target must hold every A, AAAA and PTR
 * RRset the site wants as wgpub writes it, and none of the values wgpub wrote for a name the site
 * no longer has ({@link NamesState}). A problem is what the next {@code wgpub} would change ({@link
 * NameDiff}): a record someone deleted or edited in the zone, or a publication that has not run
 * since the site file changed. Records wgmesh did not write are never read.
 */
public final class NameVerification {
  private NameVerification() {}

  /**
   * The name records' problems on {@code publisher}, forward zone first; none for a site without
   * {@code names:} that never wrote any.
   *
   * @throws org.wgmesh.core.error.WgmeshException when the target cannot be read
   */
  public static List<Problem> problems(Site site, Path siteFile, Publisher publisher) {
    NamesState written = NamesState.read(NamesState.pathFor(siteFile));
    Map<NameZone, List<NameRecordSet>> wanted = NameRecords.wanted(site);
    if (wanted.isEmpty() && written.zones().isEmpty()) {
      return List.of();
    }
    Set<String> wantedKeys =
        wanted.values().stream()
            .flatMap(List::stream)
            .map(NameRecordSet::key)
            .collect(Collectors.toSet());
    return NameDiff.between(wanted, written, publisher).entries().stream()
        .map(e -> problem(e, wantedKeys.contains(e.set().key())))
        .toList();
  }

  /** The problem an entry of the diff stands for; {@code wanted}: the site wants this RRset. */
  static Problem problem(NameDiff.Entry e, boolean wanted) {
    NameRecordSet s = e.set();
    String field = s.type().name();
    String values = String.join(" ", s.values()) + " (TTL " + s.ttl() + ")";
    return switch (e.action()) {
      case ADD -> new Problem(s.name(), field, "missing; the site has " + values);
      case CHANGE ->
          wanted
              ? new Problem(s.name(), field, "not as published by wgpub; the site has " + values)
              : new Problem(
                  s.name(),
                  field,
                  "still holds a value wgpub wrote for a name the site no longer has (left: "
                      + values
                      + ")");
      case DELETE ->
          new Problem(
              s.name(),
              field,
              "still published (" + values + "), but the site no longer has this name");
    };
  }
}
