package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.site.publish.TestSites;

/**
 * Observed addresses from peers' reports: one claim per reporter and peer, a lone claim stands,
 * several need two and a strict majority; stale reports, links that are down, peers on a shared LAN
 * and unreadable endpoints make no claim; nothing for a host seen where it is registered; NAT
 * traversal off leaves hosts without a registered address out.
 */
class ObservedAddressesTest {
  static final int PORTBASE = 51800;
  static final Instant NOW = Instant.parse("2026-12-05T02:00:00Z");
  static final Duration MAX_AGE = Duration.ofMinutes(10);
  static final ObservedAddresses OBSERVED = new ObservedAddresses(PORTBASE, MAX_AGE, true);

  /** Hosts 1, 3, 4, 5, 6 public at 203.0.113.n; host 2 and 7 behind NAT. */
  static final List<HostEntry> HOSTS =
      List.of(
          host(1, "203.0.113.1"),
          host(2, null),
          host(3, "203.0.113.3"),
          host(4, "203.0.113.4"),
          host(5, "203.0.113.5"),
          host(6, "203.0.113.6"),
          host(7, null));

  /** Host n of {@link TestSites}, public at {@code address} or behind NAT (null). */
  static HostEntry host(int n, String address) {
    return TestSites.host(n).toBuilder()
        .endpoints(address == null ? List.of() : List.of(IpAddress.parse(address, "t")))
        .build();
  }

  static String name(int n) {
    return TestSites.host(n).hostname();
  }

  /** A peer whose link is up, seen at {@code endpoint}. */
  static PeerState up(String peer, String endpoint) {
    return new PeerState(peer, Optional.of(Duration.ofSeconds(20)), 1, 1, Optional.of(endpoint));
  }

  /** Claims received at {@code at}, by reporter number. */
  static final class Claims {
    final Map<Integer, StatusFile.Received> byNumber = new HashMap<>();

    Claims add(int reporter, Instant at, PeerState... peers) {
      byNumber.put(
          reporter,
          new StatusFile.Received(
              at, new HealthReport(1, "{}", "healthy", at, List.of(), List.of(peers), List.of())));
      return this;
    }

    Claims add(int reporter, PeerState... peers) {
      return add(reporter, NOW.minusSeconds(30), peers);
    }

    /** Reporter {@code reporter} sees {@code subject} at {@code address} from the kept port. */
    Claims kept(int reporter, int subject, String address) {
      return add(reporter, up(name(subject), address + ":" + (PORTBASE + reporter)));
    }

    Map<Integer, Observed> observed() {
      return OBSERVED.of(HOSTS, byNumber, NOW);
    }
  }

  static Observed kept(String address) {
    return new Observed(IpAddress.parse(address, "t"), true);
  }

  static Observed moved(String address) {
    return new Observed(IpAddress.parse(address, "t"), false);
  }

  @Test
  void singleClaimant_standsAlone() {
    assertThat(new Claims().kept(1, 2, "198.51.100.2").observed())
        .isEqualTo(Map.of(2, kept("198.51.100.2")));
  }

  @Test
  void agreement_portsKeptJudgedPerReporter() {
    // Each reporter sees host 2 from the port host 2's interface towards it listens on.
    assertThat(
            new Claims()
                .kept(1, 2, "198.51.100.2")
                .kept(3, 2, "198.51.100.2")
                .kept(4, 2, "198.51.100.2")
                .observed())
        .isEqualTo(Map.of(2, kept("198.51.100.2")));
    // Port 51801 is the kept port for reporter 1 only: for 3 and 4 the NAT changed it.
    Claims samePort = new Claims();
    for (int reporter : new int[] {1, 3, 4}) {
      samePort.add(reporter, up(name(2), "198.51.100.2:51801"));
    }
    assertThat(samePort.observed()).isEqualTo(Map.of(2, moved("198.51.100.2")));
  }

  @Test
  void portsNotKept_isPublishedAsSuch() {
    Claims random = new Claims();
    for (int reporter : new int[] {1, 3, 4}) {
      random.add(reporter, up(name(2), "198.51.100.2:" + (40000 + reporter)));
    }
    assertThat(random.observed()).isEqualTo(Map.of(2, moved("198.51.100.2")));
  }

  @Test
  void disagreement_needsTwoAndAStrictMajority() {
    String a = "198.51.100.2";
    String b = "198.51.100.22";
    // Two claimants that disagree: nobody knows.
    assertThat(new Claims().kept(1, 2, a).kept(3, 2, b).observed()).isEmpty();
    // Two of three agree: it stands.
    assertThat(new Claims().kept(1, 2, a).kept(3, 2, a).kept(4, 2, b).observed())
        .isEqualTo(Map.of(2, kept(a)));
    // Two against two, or two of four against two others: no strict majority.
    assertThat(new Claims().kept(1, 2, a).kept(3, 2, a).kept(4, 2, b).kept(5, 2, b).observed())
        .isEmpty();
    assertThat(
            new Claims()
                .kept(1, 2, a)
                .kept(3, 2, a)
                .kept(4, 2, b)
                .kept(5, 2, "198.51.100.222")
                .observed())
        .isEmpty();
    // Three claimants, all different: none.
    assertThat(new Claims().kept(1, 2, a).kept(3, 2, b).kept(4, 2, "198.51.100.222").observed())
        .isEmpty();
    // Three of five: it stands.
    assertThat(
            new Claims()
                .kept(1, 2, a)
                .kept(3, 2, a)
                .kept(4, 2, a)
                .kept(5, 2, b)
                .kept(6, 2, b)
                .observed())
        .isEqualTo(Map.of(2, kept(a)));
    // Same address, ports kept for some and not for others: they do not agree.
    assertThat(
            new Claims()
                .kept(1, 2, a)
                .add(3, up(name(2), a + ":40000"))
                .kept(4, 2, a)
                .add(5, up(name(2), a + ":40001"))
                .observed())
        .isEmpty();
  }

  @Test
  void oneClaimPerReporterAndPeer_theFirst() {
    // Reporter 1 lists host 2 twice; were both counted, 198.51.100.22 would have two of three.
    assertThat(
            new Claims()
                .add(1, up(name(2), "198.51.100.2:51801"), up(name(2), "198.51.100.22:51801"))
                .kept(3, 2, "198.51.100.22")
                .observed())
        .isEmpty();
  }

  @Test
  void staleReport_makesNoClaim() {
    Claims r =
        new Claims()
            .add(1, NOW.minus(MAX_AGE).minusSeconds(1), up(name(2), "198.51.100.22:51801"))
            .kept(3, 2, "198.51.100.2");
    assertThat(r.observed()).isEqualTo(Map.of(2, kept("198.51.100.2")));
    // Exactly as old as the max age still counts: then the two disagree.
    r.add(1, NOW.minus(MAX_AGE), up(name(2), "198.51.100.22:51801"));
    assertThat(r.observed()).isEmpty();
  }

  @Test
  void linkDown_makesNoClaim() {
    PeerState old =
        new PeerState(
            name(2),
            Optional.of(PeerState.UP_WITHIN.plusSeconds(1)),
            1,
            1,
            Optional.of("198.51.100.22:51801"));
    PeerState never =
        new PeerState(name(2), Optional.empty(), 0, 0, Optional.of("198.51.100.22:51803"));
    assertThat(new Claims().add(1, old).add(3, never).kept(4, 2, "198.51.100.2").observed())
        .isEqualTo(Map.of(2, kept("198.51.100.2")));
    assertThat(new Claims().add(1, old).add(3, never).observed()).isEmpty();
  }

  @Test
  void ipv6_inBrackets() {
    assertThat(
            new Claims()
                .add(1, up(name(2), "[2001:db8:2::2]:51801"))
                .add(3, up(name(2), "[2001:db8:2:0::2]:51803"))
                .observed())
        .isEqualTo(Map.of(2, kept("2001:db8:2::2")));
  }

  @Test
  void registeredHost_seenWhereRegisteredWithPortsKept_getsNothing_elseItDoes() {
    assertThat(new Claims().kept(1, 3, "203.0.113.3").kept(4, 3, "203.0.113.3").observed())
        .isEmpty();
    // Roaming: seen somewhere else.
    assertThat(new Claims().kept(1, 3, "198.51.100.33").kept(4, 3, "198.51.100.33").observed())
        .isEqualTo(Map.of(3, kept("198.51.100.33")));
    // At its address, but through something that changes the ports.
    assertThat(new Claims().add(1, up(name(3), "203.0.113.3:40000")).observed())
        .isEqualTo(Map.of(3, moved("203.0.113.3")));
  }

  @Test
  void natTraversalOff_leavesHostsWithoutARegisteredAddressOut_roamingStillCounts() {
    ObservedAddresses off = new ObservedAddresses(PORTBASE, MAX_AGE, false);
    Claims r = new Claims().kept(1, 2, "198.51.100.2").kept(4, 3, "198.51.100.33");
    r.add(5, up(name(7), "198.51.100.7:51805"));
    assertThat(off.of(HOSTS, r.byNumber, NOW)).isEqualTo(Map.of(3, kept("198.51.100.33")));
    assertThat(r.observed())
        .isEqualTo(
            Map.of(
                2, kept("198.51.100.2"),
                3, kept("198.51.100.33"),
                7, kept("198.51.100.7")));
  }

  @Test
  void unreadableEndpoints_areSkipped_andAreNoClaimants() {
    List<String> bad =
        List.of(
            "(none)",
            "",
            "198.51.100.22",
            "198.51.100.22:",
            "198.51.100.22:0",
            "198.51.100.22:65536",
            "198.51.100.22:051801",
            "198.51.100.22:518011",
            "2001:db8::22:51801",
            "[fe80::1%eth0]:51801",
            "[2001:db8::22]",
            "router.example:51801",
            "[198.51.100.22:51801");
    Claims r = new Claims().kept(1, 2, "198.51.100.2");
    int reporter = 100;
    List<HostEntry> hosts = new ArrayList<>(HOSTS);
    for (String endpoint : bad) {
      assertThat(PeerEndpoint.parse(endpoint)).as(endpoint).isEmpty();
      hosts.add(host(reporter, "203.0.114." + (reporter - 99)));
      r.add(reporter++, up(name(2), endpoint));
    }
    r.add(reporter, new PeerState(name(2), Optional.of(Duration.ZERO), 1, 1, Optional.empty()));
    hosts.add(host(reporter, "203.0.114.99"));
    // Only reporter 1 could be read: its claim is the only one, and stands.
    assertThat(OBSERVED.of(hosts, r.byNumber, NOW)).isEqualTo(Map.of(2, kept("198.51.100.2")));
  }

  @Test
  void peerEndpoint_readsWhatWireGuardPrints() {
    assertThat(PeerEndpoint.parse("198.51.100.7:51002"))
        .contains(new PeerEndpoint(IpAddress.parse("198.51.100.7", "t"), 51002));
    assertThat(PeerEndpoint.parse("[2001:db8::7]:65535"))
        .contains(new PeerEndpoint(IpAddress.parse("2001:db8::7", "t"), 65535));
    assertThat(PeerEndpoint.parse("[::ffff:198.51.100.7]:1"))
        .contains(new PeerEndpoint(IpAddress.parse("198.51.100.7", "t"), 1));
  }

  @Test
  void strangers_selfReports_andUnknownPeers_areIgnored() {
    Map<Integer, StatusFile.Received> reports =
        new Claims()
            .add(99, up(name(2), "198.51.100.22:51899")) // no host of the mesh
            .add(2, up(name(2), "198.51.100.22:51802")) // about itself
            .add(1, up("nobody", "198.51.100.9:51801"), up(name(2), "198.51.100.2:51801"))
            .byNumber;
    assertThat(OBSERVED.of(HOSTS, reports, NOW)).isEqualTo(Map.of(2, kept("198.51.100.2")));
  }

  @Test
  void sharedLanPeer_seesTheLanAddress_andMakesNoClaim() {
    List<HostEntry> hosts = new ArrayList<>(HOSTS);
    hosts.set(1, lan(hosts.get(1), "192.168.7.2/24"));
    hosts.set(6, lan(hosts.get(6), "192.168.7.7/24"));
    Claims r = new Claims().kept(1, 2, "198.51.100.2").kept(7, 2, "192.168.7.2");
    assertThat(OBSERVED.of(hosts, r.byNumber, NOW)).isEqualTo(Map.of(2, kept("198.51.100.2")));
    // Without the shared LAN, the two claims disagree.
    assertThat(r.observed()).isEmpty();
  }

  static HostEntry lan(HostEntry h, String sharedLan) {
    return h.withSharedLans(List.of(IpPrefix.parseInterface(sharedLan, "t")));
  }

  @Test
  void ofStored_takesTheReportsByHostname_asTheStatusFileKeepsThem() {
    Claims r = new Claims().kept(1, 2, "198.51.100.2").kept(3, 2, "198.51.100.2");
    Map<String, StatusFile.Received> stored = new HashMap<>();
    r.byNumber.forEach((n, received) -> stored.put(name(n), received));
    stored.put("gone.example", r.byNumber.get(1));
    assertThat(OBSERVED.ofStored(HOSTS, stored, NOW)).isEqualTo(r.observed());
    assertThat(OBSERVED.ofStored(HOSTS, Map.of(), NOW)).isEmpty();
  }

  @Test
  void aClaimAboutAHostTheReporterDoesNotLinkTo_isNotTaken() {
    // Hub and spoke with hub 1: spokes 3 and 4 do not link to each other, nor to spoke 2.
    ObservedAddresses hubs =
        new ObservedAddresses(PORTBASE, MAX_AGE, true, Topology.HubAndSpoke.of(List.of(1)));
    Claims c = new Claims().kept(1, 2, "198.51.100.2");
    c.add(3, up(name(2), "198.51.100.66:" + (PORTBASE + 3)));
    c.add(4, up(name(2), "198.51.100.66:" + (PORTBASE + 4)));
    // The hub's claim alone stands: two lying spokes that outnumber it are not heard.
    assertThat(hubs.of(HOSTS, c.byNumber, NOW)).isEqualTo(Map.of(2, kept("198.51.100.2")));
    // In a full mesh the same three all link to host 2, and the two agreeing claims win.
    assertThat(c.observed()).isEqualTo(Map.of(2, kept("198.51.100.66")));
  }
}
