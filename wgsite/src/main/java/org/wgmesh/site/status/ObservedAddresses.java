package org.wgmesh.site.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshLinks;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.Addressing;

/**
 * Where each host's peers agree its WireGuard packets come from (issue 24), from their latest
 * health reports: what the site publishes as a host's {@link Observed} address. Pure: no I/O, no
 * clock; the same reports give the same map.
 *
 * <p>Each reporter whose report is fresh makes at most one claim per peer whose link is up ({@link
 * PeerState#up()}) and with whom it shares no LAN (over one it sees the peer's LAN address): the
 * address its WireGuard saw the peer's packets come from, and whether they came from the port the
 * peer's interface towards the reporter listens on ({@code portbase + reporter}, {@link
 * Addressing#listenPort}: then the NAT in front of the peer, if any, kept the ports). A claim
 * stands when it is the only one about the host, or when at least two claimants and a strict
 * majority of them agree on address and ports: one wrong or lying reporter among several cannot
 * move a host, and a host seen by one peer only (a spoke of one hub) is still found.
 *
 * <p>Nothing is published for a host seen where the admin registered it with the ports kept (its
 * record stays as it is). A host without a registered address gets an observed one only when the
 * site allows NAT traversal; a host seen away from its registered addresses (roaming), or with its
 * ports changed, always does.
 */
public final class ObservedAddresses {
  private final int portbase;
  private final Duration maxAge;
  private final boolean natTraversal;
  private final Topology topology;

  /** As the other constructor, for a full mesh. */
  public ObservedAddresses(int portbase, Duration maxAge, boolean natTraversal) {
    this(portbase, maxAge, natTraversal, Topology.FULL_MESH);
  }

  /**
   * @param portbase the mesh's portbase (the ports of every link derive from it)
   * @param maxAge a report received longer ago than this makes no claim
   * @param natTraversal whether hosts without a registered address get an observed one (the links
   *     two of them then make directly to each other, {@code MeshLinks})
   */
  public ObservedAddresses(int portbase, Duration maxAge, boolean natTraversal, Topology topology) {
    this.portbase = portbase;
    this.topology = Objects.requireNonNull(topology, "topology");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.natTraversal = natTraversal;
  }

  /**
   * The observed address of every host that has one to publish.
   *
   * @param hosts the hosts of the mesh (number, hostname, registered endpoints)
   * @param latest each reporting host's latest report, by host number
   * @param now the time reports are judged at
   * @return by host number; hosts without an agreed address to publish are absent
   */
  public Map<Integer, Observed> of(
      List<HostEntry> hosts, Map<Integer, StatusFile.Received> latest, Instant now) {
    Map<String, HostEntry> byName = new HashMap<>();
    Map<Integer, HostEntry> byNumber = new HashMap<>();
    for (HostEntry h : hosts) {
      byName.put(h.hostname(), h);
      byNumber.put(h.number(), h);
    }
    // subject -> claims, one per reporter; sorted so the result does not depend on map order
    Map<Integer, Map<Integer, Observed>> claims = new TreeMap<>();
    new TreeMap<>(latest)
        .forEach(
            (reporter, received) -> {
              if (byNumber.containsKey(reporter) && fresh(received, now)) {
                claim(byNumber.get(reporter), received.report(), byName, claims);
              }
            });
    Map<Integer, Observed> out = new TreeMap<>();
    claims.forEach(
        (subject, bySubject) ->
            agreed(new ArrayList<>(bySubject.values()))
                .filter(o -> worthPublishing(byNumber.get(subject), o))
                .ifPresent(o -> out.put(subject, o)));
    return out;
  }

  /**
   * {@link #of} from the reports as the site stores them, by hostname ({@link StatusFile#read},
   * {@link StatusStore#latestOfAll}); reports of hostnames that are no host of the mesh are left
   * out.
   */
  public Map<Integer, Observed> ofStored(
      List<HostEntry> hosts, Map<String, StatusFile.Received> latestByHostname, Instant now) {
    Map<Integer, StatusFile.Received> byNumber = new HashMap<>();
    for (HostEntry h : hosts) {
      StatusFile.Received r = latestByHostname.get(h.hostname());
      if (r != null) {
        byNumber.put(h.number(), r);
      }
    }
    return of(hosts, byNumber, now);
  }

  private boolean fresh(StatusFile.Received received, Instant now) {
    return Duration.between(received.received(), now).compareTo(maxAge) <= 0;
  }

  /**
   * The reporter's claims about each of its peers whose link is up, the first one per peer. Not
   * about a peer it shares a LAN with: their link runs over that LAN (MeshLinks), so the reporter
   * sees the peer's LAN address, not where the peer's packets to the rest of the mesh come from.
   */
  private void claim(
      HostEntry reporter,
      HealthReport report,
      Map<String, HostEntry> byName,
      Map<Integer, Map<Integer, Observed>> claims) {
    int keptPort = Addressing.listenPort(portbase, reporter.number());
    for (PeerState peer : report.peers()) {
      HostEntry subject = byName.get(peer.peer());
      if (!peer.up()
          || subject == null
          || subject.number() == reporter.number()
          || !mayLink(reporter, subject)
          || MeshLinks.sharedNetwork(reporter, subject).isPresent()) {
        continue;
      }
      peer.endpoint()
          .flatMap(PeerEndpoint::parse)
          .ifPresent(
              e ->
                  claims
                      .computeIfAbsent(subject.number(), n -> new TreeMap<>())
                      .putIfAbsent(
                          reporter.number(), new Observed(e.address(), e.port() == keptPort)));
    }
  }

  /**
   * Whether the reporter can have a link to the subject at all: the policy links them, or neither
   * has a registered address (a NAT-traversal link). A claim about any other host is not about a
   * link of the reporter's own, so it is not taken (a member cannot speak for hosts it does not
   * talk to).
   */
  private boolean mayLink(HostEntry reporter, HostEntry subject) {
    return MeshLinks.linked(topology, reporter, subject)
        || (!reporter.isPublic() && !subject.isPublic());
  }

  /**
   * The claim that stands: the only one, or one that at least two and a strict majority of the
   * claimants make.
   */
  static Optional<Observed> agreed(List<Observed> claims) {
    if (claims.size() == 1) {
      return Optional.of(claims.get(0));
    }
    Map<Observed, Integer> counts = new HashMap<>();
    claims.forEach(c -> counts.merge(c, 1, Integer::sum));
    return counts.entrySet().stream()
        .filter(e -> e.getValue() >= 2 && e.getValue() * 2 > claims.size())
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /**
   * Whether {@code seen} says something the host's record does not: a host seen at a registered
   * address with the ports kept is where the admin said; one without a registered address counts
   * only with NAT traversal on.
   */
  private boolean worthPublishing(HostEntry host, Observed seen) {
    if (!host.isPublic()) {
      return natTraversal;
    }
    return !(seen.portsKept() && host.endpoints().contains(seen.address()));
  }
}
