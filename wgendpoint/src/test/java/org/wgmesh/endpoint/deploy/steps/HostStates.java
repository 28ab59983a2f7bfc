package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.Fixtures;
import org.wgmesh.endpoint.deploy.host.DiskFile;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.host.Vxlan;
import org.wgmesh.endpoint.deploy.plan.ClientLink;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.OverlayPlan;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.plan.VethPair;
import org.wgmesh.endpoint.deploy.plan.WireGuardLink;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;
import org.wgmesh.endpoint.deploy.state.Journal;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * Named desired and live states of host 1 of the fixture mesh (namespace {@code lab}, trust
 * interface lan0, kernel WireGuard), for the table tests of {@link DeploySteps}. Everything is a
 * value: the root below which the paths lie is never read or written.
 */
final class HostStates {
  static final Path ROOT = Path.of("/nonexistent/wgmesh-table");
  static final EndpointConfig CONFIG =
      Fixtures.withBackend(Fixtures.endpoint(ROOT), WireGuardBackendChoice.KERNEL);

  /** Kernel module and conntrack; no wireguard-go. */
  static final HostState.Tools TOOLS = new HostState.Tools(true, false, true);

  /** lan0 as the operator left it before the first deploy: up, with both its addresses. */
  static final LinkInfo FRESH_LAN0 =
      new LinkInfo("lan0", true, Set.of("198.18.1.1/24", "fd00:18:1::1/64"));

  private HostStates() {}

  // ---- desired states ----------------------------------------------------------------------

  /** D0: host 1 with peers 2, 3 and 5. */
  static Desired d0() {
    return desired(Fixtures.view());
  }

  /** Host 4 joins. */
  static Desired peerJoins() {
    return desired(
        Fixtures.view(List.of(peer2(), peer3(), Fixtures.host(4, "203.0.113.4"), peer5())));
  }

  /** Host 3 leaves. */
  static Desired peerLeaves() {
    return desired(Fixtures.view(List.of(peer2(), peer5())));
  }

  /** Host 2 moves to other public addresses. */
  static Desired peerChangesEndpoint() {
    return desired(
        Fixtures.view(
            List.of(Fixtures.host(2, "203.0.113.22", "2001:db8:ff::22"), peer3(), peer5())));
  }

  /** Host 2 rotates its WireGuard key (everything else as in D0). */
  static Desired peerChangesKey() {
    HostEntry h = peer2();
    HostEntry rotated =
        HostEntry.builder()
            .uuid(h.uuid())
            .hostname(h.hostname())
            .number(h.number())
            .asn(h.asn())
            .publicKey(Fixtures.key(42).publicKey())
            .endpoints(h.endpoints())
            .lanPrefixes(h.lanPrefixes())
            .build();
    return desired(Fixtures.view(List.of(rotated, peer3(), peer5())));
  }

  /**
   * Clients (issue 25): D0 with {@link Fixtures#clients()}: anna (wgc1, primary here) and bob
   * (wgc2, secondary here) attach to host 1; carol and dave only to peers.
   */
  static Desired withClients() {
    return desired(Fixtures.clientView());
  }

  /** Anna has a new key (everything else as in {@link #withClients()}). */
  static Desired clientChangesKey() {
    List<ClientEntry> cs = new ArrayList<>(Fixtures.clients());
    ClientEntry a = cs.get(0);
    cs.set(
        0,
        new ClientEntry(
            a.name(),
            a.number(),
            Fixtures.key(77).publicKey(),
            a.addresses(),
            a.attachedTo(),
            a.port(),
            a.keepalive()));
    return desired(Fixtures.withClients(Fixtures.view(), cs));
  }

  /** Anna is removed (bob, carol and dave stay). */
  static Desired clientLeaves() {
    return desired(Fixtures.withClients(Fixtures.view(), Fixtures.clients().subList(1, 4)));
  }

  static Map<String, Desired> desiredStates() {
    Map<String, Desired> m = new LinkedHashMap<>();
    m.put("D0", d0());
    m.put("peer joins", peerJoins());
    m.put("peer leaves", peerLeaves());
    m.put("peer changes endpoint", peerChangesEndpoint());
    m.put("peer changes key", peerChangesKey());
    m.put("clients", withClients());
    m.put("client changes key", clientChangesKey());
    m.put("client leaves", clientLeaves());
    return m;
  }

  private static HostEntry peer2() {
    return Fixtures.view().peers().get(0);
  }

  private static HostEntry peer3() {
    return Fixtures.view().peers().get(1);
  }

  private static HostEntry peer5() {
    return Fixtures.view().peers().get(2);
  }

  /**
   * What DeployService hands the planner for {@code view}: plan, rendered files, the serials file.
   */
  static Desired desired(MeshView view) {
    return desired(view, CONFIG);
  }

  /** Likewise with other endpoint settings. */
  static Desired desired(MeshView view, EndpointConfig config) {
    DeployPlan plan = Planner.plan(view, config);
    List<RenderedFile> files = new TemplateRenderer(Optional.empty()).render(plan, Fixtures.key(1));
    var read = Fixtures.read(view, config);
    return new Desired(
        plan,
        files,
        config.backend(),
        config.supervisor(),
        Optional.of(new Desired.StateFile(read.seenFile(), read.seenText())),
        List.of());
  }

  static StateStore state(Desired d) {
    return new StateStore(d.plan().layout().stateDir());
  }

  static Path wgConf(String iface) {
    return d0().plan().layout().wireguardConf(iface);
  }

  // ---- live states -------------------------------------------------------------------------

  /** Nothing deployed: lan0 up in the default namespace with its addresses, no file. */
  static LiveState fresh() {
    return new LiveState(
        HostState.fresh(Map.of("lan0", FRESH_LAN0), TOOLS),
        Map.of(),
        Manifest.empty(),
        Optional.empty(),
        Set.of());
  }

  /**
   * What a complete deploy of {@code d} from a fresh host leaves: the namespace with lo, the veth's
   * inner end, lan0 and every WireGuard interface up with its addresses (all answering), the veth's
   * host end, forwarding on, the routes of {@link DeploySteps#routes}, BIRD and both Shorewalls
   * running, every rendered file with its content and mode, the serials file and the manifest.
   */
  static LiveState deployed(Desired d) {
    DeployPlan p = d.plan();
    VethPair v = p.veth();
    Map<String, LinkInfo> inNs = new HashMap<>();
    // lo with this host's mesh address (issue 25).
    inNs.put("lo", new LinkInfo("lo", true, Set.of(p.meshAddressOf(p.selfNumber()).toString())));
    inNs.put(v.nsName(), link(v.nsName(), List.of(v.nsV4(), v.nsV6())));
    inNs.put(p.trustInterface(), link(p.trustInterface(), p.trustAddresses()));
    Set<String> wg = new HashSet<>();
    for (WireGuardLink l : p.links()) {
      inNs.put(
          l.interfaceName(),
          new LinkInfo(
              l.interfaceName(), true, Set.of(HostProbe.canonical(l.localCidr())), l.mtu()));
      wg.add(l.interfaceName());
    }
    // Client interfaces have no address; BIRD routes the clients' addresses there.
    for (ClientLink c : p.clients()) {
      inNs.put(c.interfaceName(), new LinkInfo(c.interfaceName(), true, Set.of(), c.mtu()));
      wg.add(c.interfaceName());
    }
    // The VXLAN overlay's device (issue 25) with its fdb and guard table, when the plan has one.
    Optional<Vxlan.Device> vxlan =
        p.overlay()
            .map(
                o -> {
                  inNs.put(
                      o.device(),
                      new LinkInfo(
                          o.device(),
                          true,
                          o.addresses().stream()
                              .map(IpPrefix::toString)
                              .collect(Collectors.toSet()),
                          o.mtu()));
                  return new Vxlan.Device(
                      o.vni(),
                      o.port(),
                      o.local().toString(),
                      o.remotes().stream().map(Object::toString).collect(Collectors.toSet()),
                      overlayGuard(o));
                });
    Set<String> nsRoutes = new HashSet<>();
    nsRoutes.add(HostProbe.routeKey("unicast", "default", v.hostV4().network().toString()));
    nsRoutes.add(HostProbe.routeKey("unicast", "default", v.hostV6().network().toString()));
    p.refusedWithoutRoute()
        .forEach(a -> nsRoutes.add(HostProbe.routeKey("unreachable", a.toString(), "")));
    Set<String> hostRoutes = new HashSet<>();
    p.trustNetworks(false)
        .forEach(
            n ->
                hostRoutes.add(
                    HostProbe.routeKey("unicast", n.toString(), v.nsV4().network().toString())));
    p.trustNetworks(true)
        .forEach(
            n ->
                hostRoutes.add(
                    HostProbe.routeKey("unicast", n.toString(), v.nsV6().network().toString())));
    // The router on the mesh: the remote LANs through the veth too.
    p.remoteLans(false)
        .forEach(
            n ->
                hostRoutes.add(
                    HostProbe.routeKey("unicast", n.toString(), v.nsV4().network().toString())));
    p.remoteLans(true)
        .forEach(
            n ->
                hostRoutes.add(
                    HostProbe.routeKey("unicast", n.toString(), v.nsV6().network().toString())));
    HostState host =
        new HostState(
            true,
            Map.of(v.hostName(), link(v.hostName(), List.of(v.hostV4(), v.hostV6()))),
            inNs,
            wg,
            true,
            nsRoutes,
            hostRoutes,
            true,
            true,
            true,
            TOOLS,
            false,
            vxlan);
    Map<Path, DiskFile> files = new HashMap<>();
    d.files().forEach(f -> files.put(f.path(), new DiskFile(f.content(), f.mode())));
    d.acceptedSerials()
        .ifPresent(s -> files.put(s.path(), new DiskFile(s.text(), AtomicFiles.SECRET)));
    files.put(
        state(d).manifestFile(),
        new DiskFile(StateStore.text(manifest(d).toProperties()), AtomicFiles.SECRET));
    return new LiveState(host, files, manifest(d), Optional.empty(), Set.of());
  }

  /** The guard table of {@code o} as {@code nft list} shows it. */
  static String overlayGuard(OverlayPlan o) {
    return "table inet wgmesh_overlay {\n\tchain input {\n"
        + "\t\tiifname \"wg*\" ip6 saddr "
        + o.meshRow()
        + " ip6 daddr "
        + o.local()
        + " udp dport "
        + o.port()
        + " accept\n\t\tudp dport "
        + o.port()
        + " counter packets 0 bytes 0 drop\n\t}\n}\n";
  }

  /** The manifest a deploy of {@code d} from {@link #fresh()} writes. */
  static Manifest manifest(Desired d) {
    DeployPlan p = d.plan();
    Map<String, String> wg = new LinkedHashMap<>();
    Map<String, Integer> ports = new LinkedHashMap<>();
    Map<String, Manifest.LinkMtu> mtus = new LinkedHashMap<>();
    p.links()
        .forEach(
            l -> {
              wg.put(l.interfaceName(), l.localCidr());
              ports.put(l.interfaceName(), l.listenPort());
              mtus.put(l.interfaceName(), new Manifest.LinkMtu(l.mtu(), l.v6Underlay()));
            });
    Map<String, String> clients = new LinkedHashMap<>();
    p.clients()
        .forEach(
            c -> {
              clients.put(c.interfaceName(), c.clientName());
              ports.put(c.interfaceName(), c.listenPort());
              mtus.put(c.interfaceName(), new Manifest.LinkMtu(c.mtu(), c.v6Underlay()));
            });
    return new Manifest(
        p.domain(),
        p.namespace(),
        p.veth().hostName(),
        d.files().stream().map(RenderedFile::path).toList(),
        wg,
        "lan0",
        List.copyOf(new TreeSet<>(FRESH_LAN0.addresses())),
        true,
        true,
        p.serial(),
        p.issued().getEpochSecond(),
        p.expires().getEpochSecond(),
        ports,
        Manifest.DEFAULT_FIREWALL,
        Map.of(),
        mtus,
        p.publicInterface(),
        clients,
        p.overlay().map(DeploySteps::deployedOverlay));
  }

  /** D0 deployed, but the WireGuard of wg3 died: its device is still there and does not answer. */
  static LiveState wg3Died() {
    LiveState ok = deployed(d0());
    Set<String> answering = new HashSet<>(ok.host().wireguardInterfaces());
    answering.remove("wg3");
    return withHost(
        ok,
        with(
            ok.host(),
            ok.host().hostLinks(),
            ok.host().nsLinks(),
            answering,
            ok.host().nsRoutes(),
            ok.host().hostRoutes(),
            true,
            true,
            true));
  }

  /**
   * A {@code --down} of D0 stopped half way (it moved lan0 out of the namespace but could not give
   * it back; its file step never ran): the namespace is there with lo and lan0 (down, without
   * addresses) and forwarding on; BIRD, the WireGuard interfaces and both Shorewalls are gone, and
   * so are the veth with the routes through it (the unreachable routes stay); files and manifest
   * are as the deploy left them.
   */
  static LiveState halfTornDown() {
    LiveState ok = deployed(d0());
    DeployPlan p = d0().plan();
    Map<String, LinkInfo> inNs =
        Map.of(
            "lo",
            new LinkInfo("lo", true, Set.of()),
            p.trustInterface(),
            new LinkInfo(p.trustInterface(), false, Set.of()));
    Set<String> nsRoutes =
        ok.host().nsRoutes().stream()
            .filter(r -> r.startsWith("unreachable "))
            .collect(Collectors.toSet());
    return withHost(
        ok, with(ok.host(), Map.of(), inNs, Set.of(), nsRoutes, Set.of(), false, false, false));
  }

  /**
   * A deploy from D0 to {@link #peerJoins()} killed after it swapped the files: the host runs D0,
   * the journal lists the files it replaced (their backups are what the live files show) and
   * wg4.conf, which it added (missing: recovery deletes it).
   */
  static LiveState interrupted() {
    LiveState d0 = deployed(d0());
    Desired next = peerJoins();
    List<Path> replaced =
        next.files().stream()
            .filter(
                f ->
                    d0.files().containsKey(f.path())
                        && !d0.files().get(f.path()).content().equals(f.content()))
            .map(RenderedFile::path)
            .toList();
    List<Path> added =
        next.files().stream()
            .map(RenderedFile::path)
            .filter(f -> !d0.files().containsKey(f))
            .toList();
    return new LiveState(
        d0.host(),
        d0.files(),
        d0.manifest(),
        Optional.of(new Journal(replaced, added, false)),
        Set.of());
  }

  /**
   * D0 deployed, then the machine rebooted: files, serials and manifest on disk as the deploy left
   * them, and nothing of the running mesh (no namespace, veth, WireGuard, BIRD or Shorewall); lan0
   * is back in the default namespace with the addresses the machine's own configuration gives it.
   */
  static LiveState rebooted() {
    LiveState ok = deployed(d0());
    return withHost(ok, HostState.fresh(Map.of("lan0", FRESH_LAN0), TOOLS));
  }

  /**
   * {@link #rebooted()}, but the veth's host end outlived the namespace (a container whose network
   * namespace survives its reboot, while the old mesh namespace is still being freed).
   */
  static LiveState rebootedWithStaleVeth() {
    LiveState r = rebooted();
    VethPair v = d0().plan().veth();
    Map<String, LinkInfo> hostLinks = new HashMap<>(r.host().hostLinks());
    hostLinks.put(v.hostName(), link(v.hostName(), List.of(v.hostV4(), v.hostV6())));
    return withHost(r, HostState.fresh(hostLinks, TOOLS));
  }

  static Map<String, LiveState> liveStates() {
    Map<String, LiveState> m = new LinkedHashMap<>();
    m.put("fresh host", fresh());
    m.put("deployed", deployed(d0()));
    m.put("deployed with clients", deployed(withClients()));
    m.put("wg3 died", wg3Died());
    m.put("half torn down", halfTornDown());
    m.put("interrupted", interrupted());
    m.put("rebooted", rebooted());
    m.put("rebooted, stale veth", rebootedWithStaleVeth());
    return m;
  }

  /** {@code s} with the default namespace's routes replaced by {@code hostRoutes}. */
  static LiveState withHostRoutes(LiveState s, Set<String> hostRoutes) {
    HostState h = s.host();
    return withHost(
        s,
        with(
            h,
            h.hostLinks(),
            h.nsLinks(),
            h.wireguardInterfaces(),
            h.nsRoutes(),
            hostRoutes,
            h.birdRunning(),
            h.shorewallRunning(),
            h.shorewall6Running()));
  }

  static LiveState withHost(LiveState s, HostState h) {
    return new LiveState(h, s.files(), s.manifest(), s.journal(), s.pristine());
  }

  private static HostState with(
      HostState h,
      Map<String, LinkInfo> hostLinks,
      Map<String, LinkInfo> nsLinks,
      Set<String> wg,
      Set<String> nsRoutes,
      Set<String> hostRoutes,
      boolean bird,
      boolean sw,
      boolean sw6) {
    return new HostState(
        h.namespaceExists(),
        hostLinks,
        nsLinks,
        wg,
        h.forwarding(),
        nsRoutes,
        hostRoutes,
        bird,
        sw,
        sw6,
        h.tools(),
        false);
  }

  private static LinkInfo link(String name, List<IpPrefix> addresses) {
    return new LinkInfo(
        name,
        true,
        addresses.stream().map(a -> HostProbe.canonical(a.toString())).collect(Collectors.toSet()));
  }
}
