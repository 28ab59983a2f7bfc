package org.wgmesh.site.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshLinks;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;

/**
 * {@code GET /v1/status}: the document of {@code wgsite --status --json} ({@link SiteStatus#json},
 * the same code) plus {@code links}, what the status page draws: every pair of hosts the site's
 * topology links ({@link MeshLinks#linked}, the code the endpoints plan with), each with its health
 * as the two ends' recent reports see it.
 */
public final class StatusDocument {
  /** A link's health. */
  public enum LinkHealth {
    /** At least one end's recent report shows a recent handshake, and none shows otherwise. */
    HEALTHY("healthy"),
    /** An end's recent report shows no recent handshake with the other end. */
    UNHEALTHY("unhealthy"),
    /** No recent report of either end says anything about the link. */
    UNKNOWN("unknown");

    private final String text;

    LinkHealth(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /**
   * The prefix of {@code wgdeploy --check}'s check of one link (HealthJudge in wgendpoint names
   * it).
   */
  static final String LINK_CHECK = "link.";

  private StatusDocument() {}

  /**
   * The document of the site file as it is at {@code now}, as JSON text (the site file and the
   * status file are read anew: the page shows what is there now).
   */
  public static String read(Path siteFile, Instant now) {
    Site site = SiteFile.load(siteFile);
    return Json.write(of(site, SiteStatus.of(site, siteFile, now, SiteStatus.DEFAULT_STALE_AFTER)));
  }

  /** The document for {@code site} judged as {@code status}. */
  public static ObjectNode of(Site site, SiteStatus status) {
    ObjectNode root = status.json();
    Map<String, HostStatus> byName =
        status.hosts().stream()
            .collect(Collectors.toMap(HostStatus::hostname, Function.identity()));
    ArrayNode links = root.putArray("links");
    List<HostEntry> hosts = site.hosts();
    for (int i = 0; i < hosts.size(); i++) {
      for (int j = i + 1; j < hosts.size(); j++) {
        HostEntry a = hosts.get(i);
        HostEntry b = hosts.get(j);
        if (!MeshLinks.linked(site.settings().topology(), a, b)) {
          continue;
        }
        LinkHealth health =
            health(seen(byName.get(a.hostname()), b), seen(byName.get(b.hostname()), a));
        links
            .addObject()
            .put("a", a.hostname())
            .put("b", b.hostname())
            .put("health", health.text());
      }
    }
    return root;
  }

  /** The two ends' views (up or not; empty: no recent report mentions the peer) as one health. */
  static LinkHealth health(Optional<Boolean> fromA, Optional<Boolean> fromB) {
    if (fromA.equals(Optional.of(false)) || fromB.equals(Optional.of(false))) {
      return LinkHealth.UNHEALTHY;
    }
    return fromA.isPresent() || fromB.isPresent() ? LinkHealth.HEALTHY : LinkHealth.UNKNOWN;
  }

  /** Whether {@code host}'s report shows {@code peer} up; empty when it is stale or silent. */
  private static Optional<Boolean> seen(HostStatus host, HostEntry peer) {
    if (host == null
        || host.latest().isEmpty()
        || host.health() == HostStatus.Health.STALE
        || host.health() == HostStatus.Health.NEVER) {
      return Optional.empty();
    }
    return seen(host.latest().get().report(), peer.hostname(), peer.number());
  }

  /**
   * What {@code report} says of its link to {@code peer} (number {@code peerNumber}): down when the
   * host's own check failed that link ({@code link.wgN}: BGP or BFD not up, wrong keys, ...), which
   * it sees before the handshake ages out; else up or down by the latest handshake; empty when the
   * report does not mention the peer.
   */
  static Optional<Boolean> seen(HealthReport report, String peer, int peerNumber) {
    if (report.failedChecks().contains(LINK_CHECK + Addressing.interfaceName(peerNumber))) {
      return Optional.of(false);
    }
    return report.peers().stream()
        .filter(p -> p.peer().equals(peer))
        .findFirst()
        .map(PeerState::up);
  }
}
