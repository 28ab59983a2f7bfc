package org.wgmesh.endpoint.deploy.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.json.Json;

/**
 * What {@code wgdeploy --check} found: one item per check, in the order they are printed, and the
 * measurements behind them (for the metrics file).
 *
 * @param domain the mesh domain
 * @param namespace the namespace checked
 * @param at when the check ran
 * @param items the checks
 * @param links what each WireGuard link measured
 * @param bgpRoutes BGP routes in the main table, by family ({@code ipv4}, {@code ipv6}); a family
 *     is missing when BIRD did not answer
 * @param record the mesh record deployed
 */
public record HealthReport(
    String domain,
    String namespace,
    Instant at,
    List<Item> items,
    List<LinkStatus> links,
    Map<String, Long> bgpRoutes,
    RecordStatus record,
    List<ClientStatus> clients) {
  public HealthReport {
    items = List.copyOf(items);
    links = List.copyOf(links);
    clients = List.copyOf(clients);
    bgpRoutes = Map.copyOf(bgpRoutes);
    Objects.requireNonNull(record, "record");
  }

  /** A report of a host no client attaches to. */
  public HealthReport(
      String domain,
      String namespace,
      Instant at,
      List<Item> items,
      List<LinkStatus> links,
      Map<String, Long> bgpRoutes,
      RecordStatus record) {
    this(domain, namespace, at, items, links, bgpRoutes, record, List.of());
  }

  /**
   * What was measured of one client interface (issue 25): a client may be offline for days, so its
   * handshake is shown, never judged.
   *
   * @param iface {@code wgc<c>}
   * @param client the client's name
   * @param up whether the interface is up
   * @param lastHandshake epoch seconds of the latest handshake; empty when none was ever made
   * @param receiveBytes bytes received from the client
   * @param transmitBytes bytes sent to it
   * @param endpoint where the client was last seen ({@code addr:port}), empty when never
   */
  public record ClientStatus(
      String iface,
      String client,
      boolean up,
      OptionalLong lastHandshake,
      long receiveBytes,
      long transmitBytes,
      String endpoint) {}

  /**
   * One check.
   *
   * @param name a stable identifier: {@code namespace}, {@code forwarding}, {@code veth}, {@code
   *     link.wg2}, {@code ports}, {@code record-expiry}, {@code serial}, {@code bird}, {@code
   *     shorewall}, {@code shorewall6}
   * @param ok whether it passed
   * @param subject what was checked, as printed, e.g. {@code wg2 (h2)} or {@code namespace mesh1}
   * @param detail what was found; for a failed check only the parts that failed
   * @param hint what to do about a failure; empty when it passed or nothing is known
   */
  public record Item(String name, boolean ok, String subject, String detail, String hint) {
    /**
     * {@code ok SUBJECT: DETAIL} or {@code FAIL SUBJECT: DETAIL}: the words line up in a column.
     */
    public String line() {
      return (ok ? "ok   " : "FAIL ") + subject + (detail.isEmpty() ? "" : ": " + detail);
    }
  }

  /**
   * One WireGuard link as measured.
   *
   * @param iface the interface
   * @param peer the peer's host name, or the interface name when unknown
   * @param up whether the interface is up
   * @param lastHandshake the peer's latest handshake (epoch seconds), empty when there was none
   * @param receiveBytes bytes received from the peer
   * @param transmitBytes bytes sent to the peer
   * @param bgp the BGP session state, empty when BIRD has none (or does not answer)
   * @param bfd the BFD session state, likewise
   * @param mtu the interface's MTU, 0 when unknown (no interface)
   * @param plannedMtu the MTU the last deploy planned, 0 when unknown (an older deploy)
   * @param endpoint the peer's address as WireGuard sees it ({@code addr:port}), empty when none
   */
  public record LinkStatus(
      String iface,
      String peer,
      boolean up,
      OptionalLong lastHandshake,
      long receiveBytes,
      long transmitBytes,
      String bgp,
      String bfd,
      int mtu,
      int plannedMtu,
      String endpoint) {}

  /**
   * The mesh record the last deploy applied.
   *
   * @param serial its serial (0 when unknown: a deploy of an older release)
   * @param issued when the site signed it, epoch seconds (0: unknown)
   * @param expires when it expires, epoch seconds (0: unknown)
   * @param accepted the highest serial verified from DNS on this host (0: none recorded)
   */
  public record RecordStatus(long serial, long issued, long expires, long accepted) {}

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
    return domain
        + ": UNHEALTHY: "
        + failed.size()
        + " of "
        + items.size()
        + " checks failed: "
        + String.join(", ", failed.stream().map(Item::subject).toList());
  }

  /**
   * The report as JSON ({@code docs/deploy.md}, "--check --json"): {@code status} ({@code healthy}
   * or {@code unhealthy}), {@code domain}, {@code namespace}, {@code time}, {@code healthy}, and
   * {@code checks}: one object per check with {@code name}, {@code status} ({@code ok} or {@code
   * fail}), {@code subject}, {@code value} and {@code hint}.
   */
  public String json() {
    ObjectNode root = Json.object();
    root.put("status", healthy() ? "healthy" : "unhealthy");
    root.put("domain", domain);
    root.put("namespace", namespace);
    root.put("time", at.toString());
    root.put("healthy", healthy());
    ArrayNode checks = root.putArray("checks");
    for (Item i : items) {
      ObjectNode c = checks.addObject();
      c.put("name", i.name());
      c.put("status", i.ok() ? "ok" : "fail");
      c.put("subject", i.subject());
      c.put("value", i.detail());
      c.put("hint", i.hint());
    }
    return Json.pretty(root) + "\n";
  }

  /**
   * The JSON document of a check that could not run (the mesh is not deployed, the endpoint file is
   * missing or bad): {@code status} {@code error}, {@code domain}, {@code time}, {@code healthy}
   * false, no {@code checks}, and {@code error} with {@code what}, {@code why}, {@code hint} and
   * the {@code exit-code} the command returns.
   */
  public static String errorJson(String domain, Instant at, WgmeshException e) {
    ObjectNode root = Json.object();
    root.put("status", "error");
    root.put("domain", domain);
    root.put("time", at.toString());
    root.put("healthy", false);
    root.putArray("checks");
    ObjectNode error = root.putObject("error");
    error.put("what", e.what());
    error.put("why", e.why());
    error.put("hint", e.hint().orElse(""));
    error.put("exit-code", e.exitCode().code());
    return Json.pretty(root) + "\n";
  }
}
