package org.wgmesh.endpoint.deploy.health;

import java.util.List;

/**
 * What {@code wgdeploy --check} found: one item per check (the namespace, each WireGuard link with
 * its BGP session and BFD, BIRD, Shorewall, Shorewall6), in the order they are printed.
 *
 * @param domain the mesh domain
 * @param namespace the namespace checked
 * @param items the checks
 */
public record HealthReport(String domain, String namespace, List<Item> items) {
  public HealthReport {
    items = List.copyOf(items);
  }

  /**
   * One check.
   *
   * @param ok whether it passed
   * @param subject what was checked, e.g. {@code wg2 (h2)} or {@code namespace mesh1}
   * @param detail what was found; for a failed link only the parts that failed
   */
  public record Item(boolean ok, String subject, String detail) {
    /** {@code ok   SUBJECT: DETAIL} or {@code FAIL SUBJECT: DETAIL}: the words line up in a column. */
    public String line() {
      return (ok ? "ok   " : "FAIL ") + subject + (detail.isEmpty() ? "" : ": " + detail);
    }
  }

  public boolean healthy() {
    return items.stream().allMatch(Item::ok);
  }

  public List<Item> failures() {
    return items.stream().filter(i -> !i.ok()).toList();
  }

  /** The lines to print: every check, or with {@code failuresOnly} only the failed ones. */
  public List<String> lines(boolean failuresOnly) {
    return items.stream().filter(i -> !failuresOnly || !i.ok()).map(Item::line).toList();
  }

  /** The last line: healthy, or how many checks failed and which. */
  public String summary() {
    List<Item> failed = failures();
    if (failed.isEmpty()) {
      return domain + ": healthy (namespace " + namespace + ", " + items.size() + " checks passed)";
    }
    return domain + ": UNHEALTHY: " + failed.size() + " of " + items.size() + " checks failed: "
        + String.join(", ", failed.stream().map(Item::subject).toList());
  }
}
