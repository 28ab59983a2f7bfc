package org.wgmesh.endpoint.deploy.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.endpoint.deploy.steps.HostStates.d0;
import static org.wgmesh.endpoint.deploy.steps.HostStates.deployed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.Fixtures;
import org.wgmesh.endpoint.deploy.host.DiskFile;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.state.Journal;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.settings.Supervisor;

/**
 * The step planner as a table: (named live state, named desired state) -> the labels of the planned
 * steps, in order; then the key commands of the interesting steps; then the whole table replayed in
 * a seeded random order (the planner is pure: the same inputs give the same plan, whatever was
 * planned before), and every desired state planned against the host its own deploy leaves (nothing
 * to do). Modelled on tailscale's osrouter router_linux_test.go.
 */
class DeployStepsTableTest {
  static final String SERIALS = "record the accepted mesh serials";
  static final List<String> FILES =
      List.of(
          "stage and check the new files",
          "write the journal",
          "back up the files to replace",
          "install the new files");

  /** The files of a first deploy are all new: nothing to back up. */
  static final List<String> NEW_FILES =
      List.of("stage and check the new files", "write the journal", "install the new files");

  static final List<String> NETWORK =
      List.of(
          "create namespace lab",
          "kernel settings in lab",
          "create veth lab-vh/lab-vn",
          "address veth lab-vh/lab-vn",
          "move lan0 into lab",
          "address lan0 in lab",
          "mesh address fd12:3456:789a:0:1::1/128 on lo in lab",
          "routes in lab",
          "routes to the LAN in the default namespace",
          "routes to the remote LANs in the default namespace");
  static final List<String> START_FIREWALLS =
      List.of(
          "shorewall start",
          "shorewall6 start",
          "flush stale conntrack entries of the WireGuard ports");
  static final List<String> RELOAD_FIREWALLS =
      List.of(
          "shorewall reload",
          "shorewall6 reload",
          "flush stale conntrack entries of the WireGuard ports");
  static final String RECORD = "record the deploy";

  /** Shorewall6's program, compiled from the staged directory by the check. */
  static final String PROGRAM6 =
      "/nonexistent/wgmesh-table/var/lib/wgmesh/lab/staging/shorewall6.program";

  static final String RESTORE = "restore the files of an interrupted wgdeploy run";

  /** The namespace is there, the veth and its routes are not, lan0 has lost its addresses. */
  static final List<String> REBUILD_VETH =
      List.of(
          "create veth lab-vh/lab-vn",
          "address veth lab-vh/lab-vn",
          "address lan0 in lab",
          "mesh address fd12:3456:789a:0:1::1/128 on lo in lab",
          "routes in lab",
          "routes to the LAN in the default namespace",
          "routes to the remote LANs in the default namespace");

  /** lan0 inside the namespace without addresses: both added, then up. */
  static final List<String> ADDRESS_LAN0 =
      List.of(
          "ip -n lab addr add 198.18.1.1/24 dev lan0",
          "ip -n lab addr add fd00:18:1::1/64 dev lan0 nodad",
          "ip -n lab link set lan0 up");

  /** One row: the live state, the desired state, the labels expected. */
  record Row(String live, String desired, List<String> labels) {
    @Override
    public String toString() {
      return live + " x " + desired;
    }
  }

  static List<String> labels(Object... parts) {
    List<String> out = new ArrayList<>();
    for (Object p : parts) {
      if (p instanceof List<?> l) {
        l.forEach(x -> out.add((String) x));
      } else {
        out.add((String) p);
      }
    }
    return out;
  }

  static List<String> create(String... ifaces) {
    List<String> out = new ArrayList<>();
    for (String i : ifaces) {
      out.add("create " + i + " (kernel)");
      out.add("address " + i);
    }
    return out;
  }

  static final List<Row> TABLE =
      List.of(
          new Row(
              "fresh host",
              "D0",
              labels(
                  SERIALS,
                  NEW_FILES,
                  NETWORK,
                  START_FIREWALLS,
                  create("wg2", "wg3", "wg5"),
                  "start BIRD",
                  RECORD)),
          new Row(
              "fresh host",
              "peer leaves",
              labels(
                  SERIALS,
                  NEW_FILES,
                  NETWORK,
                  START_FIREWALLS,
                  create("wg2", "wg5"),
                  "start BIRD",
                  RECORD)),
          new Row("deployed", "D0", List.of()),
          new Row(
              "deployed",
              "peer joins",
              labels(
                  FILES,
                  "routes to the remote LANs in the default namespace",
                  RELOAD_FIREWALLS,
                  create("wg4"),
                  "birdc configure",
                  RECORD)),
          new Row(
              "deployed",
              "peer leaves",
              labels(
                  "remove wg3",
                  FILES,
                  "remove routes to LANs no longer in the mesh",
                  RELOAD_FIREWALLS,
                  "birdc configure",
                  RECORD)),
          new Row("deployed", "peer changes endpoint", labels(FILES, "wg syncconf wg2", RECORD)),
          new Row("deployed", "peer changes key", labels(FILES, "wg syncconf wg2", RECORD)),
          new Row("wg3 died", "D0", create("wg3")),
          new Row(
              "wg3 died",
              "peer leaves",
              labels(
                  "remove wg3",
                  FILES,
                  "remove routes to LANs no longer in the mesh",
                  RELOAD_FIREWALLS,
                  "birdc configure",
                  RECORD)),
          new Row(
              "wg3 died",
              "peer changes key",
              labels(FILES, "wg syncconf wg2", create("wg3"), RECORD)),
          new Row(
              "half torn down",
              "D0",
              labels(REBUILD_VETH, START_FIREWALLS, create("wg2", "wg3", "wg5"), "start BIRD")),
          new Row(
              "half torn down",
              "peer leaves",
              labels(
                  FILES,
                  REBUILD_VETH,
                  START_FIREWALLS,
                  create("wg2", "wg5"),
                  "start BIRD",
                  RECORD)),
          // After a reboot only the files are left: the network and the daemons come back, no
          // file is written.
          new Row(
              "rebooted",
              "D0",
              labels(NETWORK, START_FIREWALLS, create("wg2", "wg3", "wg5"), "start BIRD")),
          new Row(
              "rebooted, stale veth",
              "D0",
              labels(NETWORK, START_FIREWALLS, create("wg2", "wg3", "wg5"), "start BIRD")),
          // Clients (issue 25): their interfaces come after the peers', after the firewall that
          // lets their ports in; one that leaves is cut first, as a peer that leaves is.
          new Row(
              "fresh host",
              "clients",
              labels(
                  SERIALS,
                  NEW_FILES,
                  NETWORK,
                  START_FIREWALLS,
                  create("wg2", "wg3", "wg5", "wgc1", "wgc2"),
                  "start BIRD",
                  RECORD)),
          new Row(
              "deployed",
              "clients",
              labels(
                  FILES,
                  "routes in lab",
                  "routes to the remote LANs in the default namespace",
                  RELOAD_FIREWALLS,
                  create("wgc1", "wgc2"),
                  "birdc configure",
                  RECORD)),
          new Row(
              "deployed with clients",
              "client changes key",
              labels(FILES, "wg syncconf wgc1", RECORD)),
          new Row(
              "deployed with clients",
              "client leaves",
              labels(
                  "remove wgc1",
                  FILES,
                  "remove routes to clients no longer in the mesh",
                  "remove routes to LANs no longer in the mesh",
                  RELOAD_FIREWALLS,
                  "birdc configure",
                  RECORD)),
          new Row(
              "deployed with clients",
              "D0",
              labels(
                  "remove wgc1",
                  "remove wgc2",
                  FILES,
                  "remove routes to clients no longer in the mesh",
                  "remove routes to LANs no longer in the mesh",
                  RELOAD_FIREWALLS,
                  "birdc configure",
                  RECORD)),
          // Recovery reloads everything: the running system may have read the crashed run's files.
          new Row(
              "interrupted",
              "D0",
              labels(
                  RESTORE,
                  RELOAD_FIREWALLS,
                  "wg syncconf wg2",
                  "wg syncconf wg3",
                  "wg syncconf wg5",
                  "birdc configure")),
          new Row(
              "interrupted",
              "peer joins",
              labels(
                  RESTORE,
                  FILES,
                  "routes to the remote LANs in the default namespace",
                  RELOAD_FIREWALLS,
                  "wg syncconf wg2",
                  "wg syncconf wg3",
                  create("wg4"),
                  "wg syncconf wg5",
                  "birdc configure",
                  RECORD)));

  static DeploySteps.Plan plan(Row r) {
    return DeploySteps.plan(
        HostStates.desiredStates().get(r.desired()), HostStates.liveStates().get(r.live()));
  }

  static List<String> labelsOf(DeploySteps.Plan p) {
    return p.steps().stream().map(Step::label).toList();
  }

  static Step step(DeploySteps.Plan p, String label) {
    return p.steps().stream()
        .filter(s -> s.label().equals(label))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step '" + label + "' in " + labelsOf(p)));
  }

  /** The tools' checks of a step: its Validate effects, also those run together. */
  static List<Effect> checks(Step s) {
    return s.apply().stream()
        .flatMap(e -> e instanceof Effect.Together t ? t.effects().stream() : Stream.of(e))
        .filter(e -> e instanceof Effect.Validate)
        .toList();
  }

  static List<String> commands(Step s) {
    return s.commands().map(Command::display).toList();
  }

  static List<String> undoCommands(Step s) {
    return s.undo().stream().flatMap(Step::command).map(Command::display).toList();
  }

  static String conf(String iface) {
    return HostStates.wgConf(iface).toString();
  }

  // ---- the table ---------------------------------------------------------------------------

  @Test
  void plan_eachRow_givesTheExpectedStepsInOrder() {
    for (Row r : TABLE) {
      assertThat(labelsOf(plan(r))).as(r.toString()).containsExactlyElementsOf(r.labels());
    }
  }

  @Test
  void plan_tableRows_coverEveryNamedLiveAndDesiredState() {
    assertThat(TABLE.stream().map(Row::live).distinct())
        .containsExactlyInAnyOrderElementsOf(HostStates.liveStates().keySet());
    assertThat(TABLE.stream().map(Row::desired).distinct())
        .containsExactlyInAnyOrderElementsOf(HostStates.desiredStates().keySet());
  }

  @Test
  void plan_eachRowReplayedInRandomOrder_givesIdenticalPlans() {
    Map<Row, DeploySteps.Plan> first = new LinkedHashMap<>();
    TABLE.forEach(r -> first.put(r, plan(r)));
    long seed = Long.getLong("table.seed", System.nanoTime());
    Random random = new Random(seed);
    for (int round = 0; round < 3; round++) {
      List<Row> order = new ArrayList<>(TABLE);
      Collections.shuffle(order, random);
      for (Row r : order) {
        DeploySteps.Plan again = plan(r);
        assertThat(again)
            .as("%s, replayed in round %d with -Dtable.seed=%d (order %s)", r, round, seed, order)
            .isEqualTo(first.get(r));
      }
    }
  }

  @Test
  void plan_everyDesiredStateOnTheHostItsDeployLeaves_hasNoSteps() {
    HostStates.desiredStates()
        .forEach(
            (name, d) -> {
              DeploySteps.Plan p = DeploySteps.plan(d, deployed(d));
              assertThat(labelsOf(p)).as(name).isEmpty();
              assertThat(p.files()).as(name).isEmpty();
            });
  }

  @Test
  void plan_everyOtherDesiredStateOnTheDeployedHost_hasSteps() {
    // Guards the idempotence check above: deployed(D) must not be a host that plans nothing anyway.
    HostStates.desiredStates()
        .forEach(
            (name, d) -> {
              if (!name.equals("D0")) {
                assertThat(DeploySteps.plan(d, deployed(d0())).steps()).as(name).isNotEmpty();
              }
            });
  }

  // ---- the key commands of the interesting rows ---------------------------------------------

  @Test
  void plan_deployedHostAndD0_changesNothingAtAll() {
    DeploySteps.Plan p = DeploySteps.plan(d0(), deployed(d0()));
    assertThat(p.steps()).isEmpty();
    assertThat(p.files()).isEmpty();
    assertThat(p.recovers()).isFalse();
    assertThat(p.backend()).isEqualTo("kernel");
  }

  @Test
  void plan_freshHost_createsBeforeItStartsAndRecordsTheManifestOfTheDeployedState() {
    DeploySteps.Plan p = DeploySteps.plan(d0(), HostStates.fresh());
    assertThat(commands(step(p, "create namespace lab")))
        .containsExactly("ip netns add lab", "ip -n lab link set lo up");
    assertThat(commands(step(p, "move lan0 into lab")))
        .containsExactly("ip link set lan0 netns lab");
    // Issue 19: the kernel settings come with the source validation of every WireGuard link.
    assertThat(commands(step(p, "kernel settings in lab")))
        .hasSize(2)
        .last()
        .asString()
        .startsWith("ip netns exec lab nft add table inet wgmesh")
        .contains("type filter hook prerouting priority raw; policy accept;")
        .contains("iifname \"wg*\" fib saddr . iif oif missing counter drop");
    assertThat(commands(step(p, "address lan0 in lab"))).isEqualTo(ADDRESS_LAN0);
    assertThat(commands(step(p, "create wg2 (kernel)")))
        .containsExactly(
            "ip -n lab link add wg2 type wireguard",
            "ip netns exec lab wg setconf wg2 " + conf("wg2"),
            "ip -n lab link set dev wg2 mtu 1420");
    // The router on the mesh: the peers' LANs through the veth, undone on rollback.
    assertThat(commands(step(p, "routes to the remote LANs in the default namespace")))
        .containsExactly(
            "ip -4 route replace 198.18.2.0/24 via 169.254.0.2 dev lab-vh",
            "ip -6 route replace fd00:18:2::/64 via fdff:a9fe::2 dev lab-vh",
            "ip -6 route replace fd00:18:3::/64 via fdff:a9fe::2 dev lab-vh");
    assertThat(undoCommands(step(p, "routes to the remote LANs in the default namespace")))
        .contains("ip -4 route del 198.18.2.0/24 via 169.254.0.2 dev lab-vh");
    assertThat(commands(step(p, "kernel settings in lab")).get(1))
        .contains("oifname \"wg*\" ip saddr 169.254.0.1 counter snat ip to 198.18.1.1")
        .contains("oifname \"wg*\" ip6 saddr fdff:a9fe::1 counter snat ip6 to fd00:18:1::1");
    assertThat(commands(step(p, "flush stale conntrack entries of the WireGuard ports")))
        .containsExactly(
            "conntrack -D -p udp --orig-port-dst 51822",
            "conntrack -D -p udp --orig-port-dst 51823",
            "conntrack -D -p udp --orig-port-dst 51825");
    // What the deploy writes last is what deployed(D0) says is there (the idempotence test relies
    // on it).
    StateStore state = HostStates.state(d0());
    assertThat(written(step(p, RECORD), state.manifestFile()))
        .isEqualTo(StateStore.text(HostStates.manifest(d0()).toProperties()));
    Journal j =
        Journal.fromProperties(
            StateStore.parse(written(step(p, "write the journal"), state.journalFile())));
    assertThat(j.createdNamespace()).isTrue();
    assertThat(j.trustMoved()).isEqualTo("lan0");
    assertThat(j.trustAddresses()).containsExactly("198.18.1.1/24", "fd00:18:1::1/64");
    assertThat(j.replaced()).isEmpty();
    assertThat(j.added()).hasSize(d0().files().size());
  }

  @Test
  void plan_ipv6Underlay_turnsOnIpv6ForwardingBeforeShorewall6_keepingRouterAdvertisements() {
    // Every peer reached over IPv4, and no address of its own offered: no IPv6 forwarding.
    Desired v4 =
        HostStates.desired(
            Fixtures.view(
                List.of(Fixtures.host(2, "203.0.113.2"), Fixtures.host(3, "203.0.113.3"))));
    assertThat(commands(step(DeploySteps.plan(v4, HostStates.fresh()), "shorewall6 start")))
        .containsExactly(PROGRAM6 + " start");
    // Peers with only IPv6 addresses: their links go over IPv6.
    Desired v6 =
        HostStates.desired(
            Fixtures.view(
                List.of(Fixtures.host(2, "2001:db8:ff::2"), Fixtures.host(3, "2001:db8:ff::3"))));
    List<String> start =
        commands(step(DeploySteps.plan(v6, HostStates.fresh()), "shorewall6 start"));
    assertThat(start).hasSize(2);
    assertThat(start.get(0))
        .startsWith("sh -c ")
        .contains("/proc/sys/net/ipv6/conf/$1/accept_ra")
        .contains("sysctl -q -w net.ipv6.conf.all.forwarding=1")
        .endsWith(" pub0");
    assertThat(start.get(1)).isEqualTo(PROGRAM6 + " start");
  }

  @Test
  void plan_peerChangesKey_syncsOnlyWg2AndRunsNothingElse() {
    DeploySteps.Plan p = DeploySteps.plan(HostStates.peerChangesKey(), deployed(d0()));
    assertThat(p.files()).extracting(FileChange::path).containsExactly(HostStates.wgConf("wg2"));
    assertThat(p.steps().stream().flatMap(Step::commands).map(Command::display))
        .containsExactly("ip netns exec lab wg syncconf wg2 " + conf("wg2"));
    // Nothing to check with a tool: only a WireGuard file changed.
    assertThat(step(p, "stage and check the new files").apply())
        .noneMatch(e -> e instanceof Effect.Validate);
    // Undo of the swap: wg2 re-reads its restored file.
    assertThat(undoCommands(step(p, "install the new files")))
        .containsExactly("ip netns exec lab wg syncconf wg2 " + conf("wg2"));
  }

  @Test
  void plan_peerChangesEndpoint_syncsWg2WithoutTouchingFirewallOrBird() {
    DeploySteps.Plan p = DeploySteps.plan(HostStates.peerChangesEndpoint(), deployed(d0()));
    assertThat(p.files()).extracting(FileChange::path).containsExactly(HostStates.wgConf("wg2"));
    assertThat(p.files().get(0).secret()).isTrue();
    assertThat(commands(step(p, "wg syncconf wg2")))
        .containsExactly("ip netns exec lab wg syncconf wg2 " + conf("wg2"));
    assertThat(p.steps().stream().flatMap(Step::commands).map(Command::display)).hasSize(1);
  }

  @Test
  void plan_peerLeaves_cutsItsInterfaceFirst_beforeAnyFileIsStagedOrReloaded() {
    DeploySteps.Plan p = DeploySteps.plan(HostStates.peerLeaves(), deployed(d0()));
    List<String> labels = labelsOf(p);
    assertThat(labels.indexOf("remove wg3")).isZero();
    assertThat(labels.indexOf("remove wg3")).isLessThan(labels.indexOf("birdc configure"));
    assertThat(commands(step(p, "birdc configure")))
        .containsExactly("birdc -s " + d0().plan().layout().birdSocket() + " configure");
    assertThat(commands(step(p, "remove wg3"))).containsExactly("ip -n lab link del wg3");
    // Its undo brings wg3 back from its file, in the live place again by then: the swap's undo
    // (which runs first) restores it from its backup.
    Path backup = HostStates.state(d0()).mirror(StateStore.BACKUP, HostStates.wgConf("wg3"));
    assertThat(undoCommands(step(p, "remove wg3")))
        .containsExactly(
            "ip -n lab link add wg3 type wireguard",
            "ip netns exec lab wg setconf wg3 " + HostStates.wgConf("wg3"),
            "ip -n lab addr add fd12:3456:789a:1:3::1/80 dev wg3 nodad",
            "ip -n lab link set wg3 up");
    assertThat(step(p, "back up the files to replace").apply())
        .contains(new Effect.Copy(HostStates.wgConf("wg3"), backup));
    assertThat(step(p, "install the new files").apply())
        .contains(Effect.Delete.file(HostStates.wgConf("wg3")));
    assertThat(p.files())
        .filteredOn(f -> f.kind() == FileChange.Kind.REMOVED)
        .extracting(FileChange::path)
        .containsExactly(HostStates.wgConf("wg3"));
    Manifest m =
        Manifest.fromProperties(
            StateStore.parse(written(step(p, RECORD), HostStates.state(d0()).manifestFile())));
    assertThat(m.wireguard()).containsOnlyKeys("wg2", "wg5");
    assertThat(m.files()).doesNotContain(HostStates.wgConf("wg3"));
  }

  // ---- clients (issue 25) -------------------------------------------------------------------

  @Test
  void plan_clientsAttach_interfacesWithoutAddress_afterTheFirewall_portsFlushed_manifest() {
    DeploySteps.Plan p = DeploySteps.plan(HostStates.withClients(), deployed(d0()));
    List<String> labels = labelsOf(p);
    assertThat(labels.indexOf("shorewall reload"))
        .isLessThan(labels.indexOf("create wgc1 (kernel)"));
    assertThat(labels.indexOf("create wgc2 (kernel)"))
        .isLessThan(labels.indexOf("birdc configure"));
    assertThat(commands(step(p, "create wgc1 (kernel)")))
        .containsExactly(
            "ip -n lab link add wgc1 type wireguard",
            "ip netns exec lab wg setconf wgc1 " + conf("wgc1"),
            "ip -n lab link set dev wgc1 mtu 1420");
    assertThat(undoCommands(step(p, "create wgc1 (kernel)")))
        .containsExactly("ip -n lab link del wgc1");
    // No address of its own: only set up (BIRD's static route sends the client's addresses here).
    assertThat(commands(step(p, "address wgc1"))).containsExactly("ip -n lab link set wgc1 up");
    assertThat(commands(step(p, "flush stale conntrack entries of the WireGuard ports")))
        .contains(
            "conntrack -D -p udp --orig-port-dst 61001",
            "conntrack -D -p udp --orig-port-dst 61002");
    assertThat(p.files())
        .filteredOn(f -> f.kind() == FileChange.Kind.ADDED)
        .extracting(FileChange::path)
        .containsExactly(HostStates.wgConf("wgc1"), HostStates.wgConf("wgc2"));
    assertThat(p.files())
        .filteredOn(f -> f.path().endsWith("wgc1.conf"))
        .allMatch(FileChange::secret);
    Manifest m =
        Manifest.fromProperties(
            StateStore.parse(written(step(p, RECORD), HostStates.state(d0()).manifestFile())));
    assertThat(m.clients()).containsEntry("wgc1", "anna").containsEntry("wgc2", "bob").hasSize(2);
    assertThat(m.wireguard()).doesNotContainKeys("wgc1", "wgc2");
    assertThat(m.ports()).containsEntry("wgc1", 61001).containsEntry("wgc2", 61002);
    assertThat(m.mtus()).containsEntry("wgc1", new Manifest.LinkMtu(1420, false));
  }

  @Test
  void plan_clientLeaves_cutsItsInterfaceFirst_undoBringsItBackWithoutAddress() {
    Desired with = HostStates.withClients();
    DeploySteps.Plan p = DeploySteps.plan(HostStates.clientLeaves(), deployed(with));
    assertThat(labelsOf(p).indexOf("remove wgc1")).isZero();
    assertThat(commands(step(p, "remove wgc1"))).containsExactly("ip -n lab link del wgc1");
    assertThat(undoCommands(step(p, "remove wgc1")))
        .containsExactly(
            "ip -n lab link add wgc1 type wireguard",
            "ip netns exec lab wg setconf wgc1 " + HostStates.wgConf("wgc1"),
            "ip -n lab link set wgc1 up");
    assertThat(p.files())
        .filteredOn(f -> f.kind() == FileChange.Kind.REMOVED)
        .extracting(FileChange::path)
        .containsExactly(HostStates.wgConf("wgc1"));
    assertThat(labelsOf(p)).doesNotContain("remove wgc2");
    Manifest m =
        Manifest.fromProperties(
            StateStore.parse(written(step(p, RECORD), HostStates.state(with).manifestFile())));
    assertThat(m.clients()).containsOnlyKeys("wgc2");
    assertThat(m.ports()).doesNotContainKey("wgc1");
  }

  @Test
  void plan_clientChangesKey_syncsOnlyItsInterface_undoSyncsTheRestoredFile() {
    DeploySteps.Plan p =
        DeploySteps.plan(HostStates.clientChangesKey(), deployed(HostStates.withClients()));
    assertThat(p.files()).extracting(FileChange::path).containsExactly(HostStates.wgConf("wgc1"));
    assertThat(p.steps().stream().flatMap(Step::commands).map(Command::display))
        .containsExactly("ip netns exec lab wg syncconf wgc1 " + conf("wgc1"));
    assertThat(undoCommands(step(p, "install the new files")))
        .containsExactly("ip netns exec lab wg syncconf wgc1 " + conf("wgc1"));
  }

  @Test
  void isManagedInterface_peerAndClientInterfacesOnly() {
    assertThat(Teardown.isManagedInterface("wg2")).isTrue();
    assertThat(Teardown.isManagedInterface("wgc12")).isTrue();
    assertThat(Teardown.isManagedInterface("wgx1")).isFalse();
    assertThat(Teardown.isManagedInterface("lan0")).isFalse();
  }

  @Test
  void plan_peerJoins_reloadsTheFirewallBeforeCreatingItsInterface() {
    DeploySteps.Plan p = DeploySteps.plan(HostStates.peerJoins(), deployed(d0()));
    List<String> labels = labelsOf(p);
    assertThat(labels.indexOf("shorewall reload"))
        .isLessThan(labels.indexOf("create wg4 (kernel)"));
    assertThat(labels.indexOf("create wg4 (kernel)")).isLessThan(labels.indexOf("birdc configure"));
    assertThat(commands(step(p, "create wg4 (kernel)")))
        .containsExactly(
            "ip -n lab link add wg4 type wireguard",
            "ip netns exec lab wg setconf wg4 " + conf("wg4"),
            "ip -n lab link set dev wg4 mtu 1420");
    assertThat(undoCommands(step(p, "create wg4 (kernel)")))
        .containsExactly("ip -n lab link del wg4");
    assertThat(commands(step(p, "address wg4")))
        .containsExactly(
            "ip -n lab addr add fd12:3456:789a:1:4::1/80 dev wg4 nodad",
            "ip -n lab link set wg4 up");
    assertThat(commands(step(p, "flush stale conntrack entries of the WireGuard ports")))
        .contains("conntrack -D -p udp --orig-port-dst 51824");
    // The changed BIRD and Shorewall files are checked with the tools before anything is swapped,
    // side by side; Shorewall's check is its compiler, whose program the reload then runs.
    assertThat(checks(step(p, "stage and check the new files")))
        .extracting(Effect::describe)
        .hasSize(3)
        .allMatch(
            d ->
                d.startsWith("check: bird -p -c ")
                    || d.startsWith("check: shorewall compile ")
                    || d.startsWith("check: shorewall6 compile "));
    assertThat(commands(step(p, "shorewall reload")))
        .containsExactly(HostStates.ROOT + "/var/lib/wgmesh/lab/staging/shorewall.program reload");
    assertThat(undoCommands(step(p, "install the new files")))
        .containsExactly(
            "birdc -s " + d0().plan().layout().birdSocket() + " configure",
            "shorewall reload " + d0().plan().layout().shorewallDir(),
            "shorewall6 reload " + d0().plan().layout().shorewall6Dir());
  }

  @Test
  void plan_wg3Died_deletesTheDeadDeviceBeforeCreatingItAgain() {
    DeploySteps.Plan p = DeploySteps.plan(d0(), HostStates.wg3Died());
    assertThat(commands(step(p, "create wg3 (kernel)")))
        .containsExactly(
            "ip -n lab link del wg3",
            "ip -n lab link add wg3 type wireguard",
            "ip netns exec lab wg setconf wg3 " + conf("wg3"),
            "ip -n lab link set dev wg3 mtu 1400");
    assertThat(commands(step(p, "address wg3")))
        .containsExactly(
            "ip -n lab addr add fd12:3456:789a:1:3::1/80 dev wg3 nodad",
            "ip -n lab link set wg3 up");
    assertThat(p.files()).isEmpty();
  }

  @Test
  void plan_deadWg3Leaves_removesItWithNothingToRecreate() {
    DeploySteps.Plan p = DeploySteps.plan(HostStates.peerLeaves(), HostStates.wg3Died());
    assertThat(commands(step(p, "remove wg3"))).containsExactly("ip -n lab link del wg3");
    assertThat(step(p, "remove wg3").undo()).isEmpty();
  }

  @Test
  void plan_rebooted_rebuildsTheMeshFromItsFilesWithoutWritingOne() {
    DeploySteps.Plan p = DeploySteps.plan(d0(), HostStates.rebooted());
    assertThat(commands(step(p, "create veth lab-vh/lab-vn")))
        .containsExactly("ip link add lab-vh type veth peer name lab-vn netns lab");
    assertThat(commands(step(p, "move lan0 into lab")))
        .containsExactly("ip link set lan0 netns lab");
    assertThat(p.files()).isEmpty();
    assertThat(p.steps())
        .noneMatch(s -> s.apply().stream().anyMatch(e -> e instanceof Effect.WriteFile));
  }

  @Test
  void plan_vethHostEndWithoutItsPeerInTheNamespace_isDeletedBeforeThePairIsMadeAgain() {
    DeploySteps.Plan p = DeploySteps.plan(d0(), HostStates.rebootedWithStaleVeth());
    assertThat(commands(step(p, "create veth lab-vh/lab-vn")))
        .containsExactly(
            "ip link del lab-vh", "ip link add lab-vh type veth peer name lab-vn netns lab");
    // Both ends get their addresses: the new host end has none.
    assertThat(commands(step(p, "address veth lab-vh/lab-vn")))
        .contains(
            "ip addr add 169.254.0.1/30 dev lab-vh",
            "ip -n lab addr add 169.254.0.2/30 dev lab-vn");
  }

  @Test
  void plan_birdStart_makesTheSocketDirectoryFirst_andUnderSystemdResetsAFailedUnit() {
    Desired direct = d0();
    Step d = step(DeploySteps.plan(direct, HostStates.rebooted()), "start BIRD");
    Path runDir = direct.plan().layout().birdSocket().getParent();
    assertThat(d.apply().get(0)).isEqualTo(new Effect.MakeDirectory(runDir, Optional.empty()));

    Desired systemd =
        new Desired(
            direct.plan(),
            direct.files(),
            direct.backend(),
            Supervisor.SYSTEMD,
            direct.acceptedSerials(),
            List.of());
    Step s = step(DeploySteps.plan(systemd, HostStates.rebooted()), "start BIRD");
    assertThat(s.apply().get(0)).isEqualTo(new Effect.MakeDirectory(runDir, Optional.empty()));
    String unit = direct.plan().layout().birdUnit();
    assertThat(commands(s))
        .containsSubsequence("systemctl reset-failed " + unit, "systemctl start " + unit);
  }

  @Test
  void plan_halfTornDown_rebuildsTheVethAndAddressesLan0WithoutMovingIt() {
    DeploySteps.Plan p = DeploySteps.plan(d0(), HostStates.halfTornDown());
    assertThat(labelsOf(p))
        .noneMatch(l -> l.startsWith("move ") || l.startsWith("create namespace"));
    assertThat(commands(step(p, "create veth lab-vh/lab-vn")))
        .containsExactly("ip link add lab-vh type veth peer name lab-vn netns lab");
    assertThat(commands(step(p, "address lan0 in lab"))).isEqualTo(ADDRESS_LAN0);
    // The unreachable routes survived; only the default routes through the new veth are added.
    assertThat(commands(step(p, "routes in lab")))
        .containsExactly(
            "ip -4 -n lab route replace default via 169.254.0.1 dev lab-vn",
            "ip -6 -n lab route replace default via fdff:a9fe::1 dev lab-vn");
    // Files and manifest are intact: nothing is written.
    assertThat(p.files()).isEmpty();
    assertThat(p.steps())
        .noneMatch(s -> s.apply().stream().anyMatch(e -> e instanceof Effect.WriteFile));
  }

  @Test
  void plan_interruptedRun_restoresTheBackupsBeforeAnythingElse() {
    LiveState live = HostStates.interrupted();
    Journal j = live.journal().orElseThrow();
    StateStore state = HostStates.state(d0());
    DeploySteps.Plan p = DeploySteps.plan(d0(), live);
    assertThat(p.recovers()).isTrue();
    List<Effect> expected = new ArrayList<>();
    j.replaced().forEach(f -> expected.add(new Effect.Copy(state.mirror(StateStore.BACKUP, f), f)));
    j.added().forEach(f -> expected.add(Effect.Delete.file(f)));
    expected.add(Effect.Delete.file(state.journalFile()));
    expected.add(Effect.Delete.tree(state.folder(StateStore.BACKUP)));
    expected.add(Effect.Delete.tree(state.folder(StateStore.STAGING)));
    assertThat(j.replaced()).isNotEmpty();
    assertThat(j.added()).containsExactly(HostStates.wgConf("wg4"));
    assertThat(p.steps().get(0).label()).isEqualTo(RESTORE);
    assertThat(p.steps().get(0).apply()).containsExactlyElementsOf(expected);
    // The restored files equal D0's: nothing to stage, only the reloads.
    assertThat(p.files()).isEmpty();
  }

  @Test
  void plan_interruptedRunThenPeerJoins_validatesEveryComponentAgain() {
    DeploySteps.Plan p = DeploySteps.plan(HostStates.peerJoins(), HostStates.interrupted());
    // Shorewall6's files do change here, but even an unchanged component is checked and reloaded
    // after a crash.
    assertThat(checks(step(p, "stage and check the new files"))).hasSize(3);
    assertThat(labelsOf(p))
        .containsSubsequence(RESTORE, "write the journal", "install the new files", RECORD);
  }

  @Test
  void plan_staleAcceptedSerials_recordsThemAndNothingElse() {
    LiveState ok = deployed(d0());
    Path seen = d0().acceptedSerials().orElseThrow().path();
    Map<Path, DiskFile> files = new HashMap<>(ok.files());
    files.put(seen, new DiskFile("mesh 6\n", AtomicFiles.SECRET));
    DeploySteps.Plan p =
        DeploySteps.plan(
            d0(), new LiveState(ok.host(), files, ok.manifest(), Optional.empty(), Set.of()));
    assertThat(labelsOf(p)).containsExactly(SERIALS);
    assertThat(step(p, SERIALS).apply())
        .containsExactly(Effect.WriteFile.text(seen, "mesh 7\n", AtomicFiles.SECRET, false));
    assertThat(step(p, SERIALS).undo()).as("a replayed older record stays refused").isEmpty();
  }

  @Test
  void plan_trustInterfaceNowhere_throwsNamingIt() {
    LiveState none =
        new LiveState(
            HostState.fresh(Map.of(), HostStates.TOOLS),
            Map.of(),
            Manifest.empty(),
            Optional.empty(),
            Set.of());
    assertThatThrownBy(() -> DeploySteps.plan(d0(), none))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("lan0");
  }

  @Test
  void plan_lan0DownWithAnAddressMissing_addsOnlyThatAndSetsItUp() {
    LiveState ok = deployed(d0());
    Map<String, LinkInfo> ns = new HashMap<>(ok.host().nsLinks());
    ns.put("lan0", new LinkInfo("lan0", false, Set.of("198.18.1.1/24")));
    HostState h = ok.host();
    LiveState live =
        HostStates.withHost(
            ok,
            new HostState(
                true,
                h.hostLinks(),
                ns,
                h.wireguardInterfaces(),
                true,
                h.nsRoutes(),
                h.hostRoutes(),
                true,
                true,
                true,
                h.tools(),
                false));
    DeploySteps.Plan p = DeploySteps.plan(d0(), live);
    assertThat(labelsOf(p)).containsExactly("address lan0 in lab");
    assertThat(commands(step(p, "address lan0 in lab")))
        .containsExactly(
            "ip -n lab addr add fd00:18:1::1/64 dev lan0 nodad", "ip -n lab link set lan0 up");
  }

  // ---- recovery after a crash --------------------------------------------------------------

  /**
   * The host a first deploy of D0 leaves when it is killed right after {@code shorewall6 start}:
   * namespace, veth, lan0 inside with its addresses, routes, both Shorewalls running; no WireGuard,
   * no BIRD; the journal it wrote; its new files gone (as {@link LiveStateReader} shows added
   * files) but the serials file it wrote first; no manifest.
   */
  static LiveState crashedAfterShorewallStart() {
    DeploySteps.Plan first = DeploySteps.plan(d0(), HostStates.fresh());
    StateStore state = HostStates.state(d0());
    Journal j =
        Journal.fromProperties(
            StateStore.parse(written(step(first, "write the journal"), state.journalFile())));
    LiveState ok = deployed(d0());
    HostState h = ok.host();
    Map<String, LinkInfo> ns = new HashMap<>(h.nsLinks());
    ns.keySet().removeIf(n -> Addressing.INTERFACE_NAME.matcher(n).matches());
    HostState crashed =
        new HostState(
            true,
            h.hostLinks(),
            ns,
            Set.of(),
            true,
            h.nsRoutes(),
            h.hostRoutes(),
            false,
            true,
            true,
            h.tools(),
            false);
    Desired.StateFile seen = d0().acceptedSerials().orElseThrow();
    return new LiveState(
        crashed,
        Map.of(seen.path(), new DiskFile(seen.text(), AtomicFiles.SECRET)),
        Manifest.empty(),
        Optional.of(j),
        Set.of());
  }

  @Test
  void plan_recoveryAfterACrashPastMovingLan0_remembersItsOriginalAddresses() {
    DeploySteps.Plan p = DeploySteps.plan(d0(), crashedAfterShorewallStart());
    assertThat(labelsOf(p))
        .startsWith(RESTORE)
        .doesNotContain("move lan0 into lab", "shorewall start")
        .contains("create wg2 (kernel)", "start BIRD", RECORD);
    Manifest m =
        Manifest.fromProperties(
            StateStore.parse(written(step(p, RECORD), HostStates.state(d0()).manifestFile())));
    assertThat(m.trustMoved()).isEqualTo("lan0");
    assertThat(m.trustOriginalAddresses()).containsExactly("198.18.1.1/24", "fd00:18:1::1/64");
    assertThat(m.trustWasUp()).isTrue();
  }

  // A first deploy killed after 'shorewall start' left Shorewall running: the journal says the run
  // started it, so the recovered manifest keeps shorewall.started=true and --down clears it.
  @Test
  void plan_recoveryAfterACrashPastShorewallStart_remembersThatWgdeployStartedShorewall() {
    DeploySteps.Plan p = DeploySteps.plan(d0(), crashedAfterShorewallStart());
    Manifest m =
        Manifest.fromProperties(
            StateStore.parse(written(step(p, RECORD), HostStates.state(d0()).manifestFile())));
    assertThat(m.shorewallStarted()).isTrue();
  }

  /** The text {@code s} writes to {@code file}. */
  static String written(Step s, Path file) {
    return s.apply().stream()
        .filter(e -> e instanceof Effect.WriteFile w && w.path().equals(file))
        .map(
            e ->
                new String(
                    ((Effect.WriteFile) e).content(), java.nio.charset.StandardCharsets.UTF_8))
        .findFirst()
        .orElseThrow(() -> new AssertionError(s.label() + " writes no " + file));
  }

  // ---- issue 20: the router on the mesh -------------------------------------------------------

  /**
   * A remote LAN that overlaps a network the default namespace reaches otherwise (here an
   * operator's route to 198.18.0.0/16 and the public network fd00:18:3::/48) gets no route, with a
   * warning naming it; the others are routed as planned.
   */
  @Test
  void plan_routerOnMesh_overlappingPrefixIsSkippedWithAWarning() {
    LiveState live = deployed(d0());
    Set<String> routes = new java.util.HashSet<>(live.host().hostRoutes());
    routes.remove(HostProbe.routeKey("unicast", "198.18.2.0/24", "169.254.0.2"));
    routes.remove(HostProbe.routeKey("unicast", "fd00:18:3::/64", "fdff:a9fe::2"));
    routes.add(HostProbe.routeKey("unicast", "198.18.0.0/16", "203.0.113.254"));
    routes.add(HostProbe.routeKey("unicast", "fd00:18:3::/48", ""));
    routes.add(HostProbe.routeKey("unicast", "default", "203.0.113.254"));
    DeploySteps.Plan p = DeploySteps.plan(d0(), HostStates.withHostRoutes(live, routes));
    assertThat(p.steps()).isEmpty();
    assertThat(p.warnings())
        .containsExactly(
            "router on the mesh: no route to 198.18.2.0/24 in the default namespace: it overlaps"
                + " 198.18.0.0/16 (routed via 203.0.113.254) (the router itself does not reach"
                + " that LAN; its clients do)",
            "router on the mesh: no route to fd00:18:3::/64 in the default namespace: it overlaps"
                + " fd00:18:3::/48 (a network of this host) (the router itself does not reach that"
                + " LAN; its clients do)");
  }

  /** Turned off: the routes to the remote LANs go, the ones to the own LAN stay. */
  @Test
  void plan_routerOnMeshOff_removesTheRemoteRoutesAndTheSnat() {
    Desired off =
        HostStates.desired(
            Fixtures.view(),
            HostStates.CONFIG.with(b -> b.tuning = b.tuning.withRouterOnMesh(false)));
    DeploySteps.Plan p = DeploySteps.plan(off, deployed(d0()));
    assertThat(commands(step(p, "remove routes to LANs no longer in the mesh")))
        .containsExactly(
            "ip -4 route del 198.18.2.0/24 via 169.254.0.2 dev lab-vh",
            "ip -6 route del fd00:18:2::/64 via fdff:a9fe::2 dev lab-vh",
            "ip -6 route del fd00:18:3::/64 via fdff:a9fe::2 dev lab-vh");
    assertThat(labelsOf(p)).doesNotContain("routes to the LAN in the default namespace");
    // Nothing else of the network changes (the SNAT goes with the kernel-settings step, which
    // runs when the probe finds the table not as planned: see DeployServiceTest).
    assertThat(labelsOf(p))
        .doesNotContain(
            "routes to the remote LANs in the default namespace", "kernel settings in lab");
  }

  /** Without an IPv6 trust address: no IPv6 route and no IPv6 SNAT rule. */
  @Test
  void plan_routerOnMeshWithoutIpv6LanAddress_routesAndSnatsIpv4Only() {
    Desired v4 =
        HostStates.desired(
            Fixtures.view(),
            HostStates.CONFIG.with(
                b -> b.trustAddresses = List.of(IpPrefix.parseInterface("198.18.1.1/24", "t"))));
    DeploySteps.Plan p = DeploySteps.plan(v4, HostStates.fresh());
    assertThat(commands(step(p, "routes to the remote LANs in the default namespace")))
        .containsExactly("ip -4 route replace 198.18.2.0/24 via 169.254.0.2 dev lab-vh");
    assertThat(commands(step(p, "kernel settings in lab")).get(1))
        .contains("snat ip to 198.18.1.1")
        .doesNotContain("snat ip6");
  }
}
