package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.host.Birdc;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.host.Ip;
import org.wgmesh.endpoint.deploy.host.Ipv6Forwarding;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.host.Nft;
import org.wgmesh.endpoint.deploy.host.Shorewall;
import org.wgmesh.endpoint.deploy.host.SourceValidation;
import org.wgmesh.endpoint.deploy.host.Vxlan;
import org.wgmesh.endpoint.deploy.host.Wg;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.OverlayPlan;
import org.wgmesh.endpoint.deploy.plan.VethPair;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.ShorewallIncludes;
import org.wgmesh.endpoint.deploy.state.Journal;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.settings.Supervisor;

/**
 * The pure runtime planner: (desired state, live state) -> the ordered steps of one deploy. No I/O:
 * the same inputs always give the same steps, and a host that already matches gives none.
 *
 * <p>Order: record the accepted serials; recover an interrupted run; stage and validate the changed
 * files with the tools' own checks; journal and back up; swap the files; then the running system,
 * adding before deleting: namespace, kernel settings, veth, trust interface, routes, the firewall
 * (its DNAT before WireGuard, see docs/lab.md), new and changed WireGuard interfaces, BIRD, and
 * only then the interfaces of peers that left; last, the manifest.
 *
 * <p>Undo: each step says how to put back what it did. Reloads of components that ran before are
 * undone by the file swap's undo, which restores the files first and then reloads them, so the
 * running system reads the previous files again.
 */
public final class DeploySteps {

  /**
   * Metric of the unreachable routes for the mesh prefixes: the highest, so any BGP route wins, and
   * with none a mesh destination is refused instead of leaving in clear through the veth.
   */
  static final String UNREACHABLE_METRIC = "4278198272";

  private final Desired desired;
  private final LiveState live;
  private final DeployPlan plan;
  private final Layout layout;
  private final String ns;
  private final HostState host;
  private final StateStore state;
  private final WireGuardBackend backend;
  private final List<Step> steps = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /** The firewalls whose staged directory this run compiled (their programs are in staging). */
  private final Set<Shorewall> compiled = EnumSet.noneOf(Shorewall.class);

  private final boolean nftables;
  private boolean reloadNft;

  private DeploySteps(Desired desired, LiveState live) {
    this.desired = desired;
    this.live = live;
    this.plan = desired.plan();
    this.layout = plan.layout();
    this.ns = plan.namespace();
    this.host = live.host();
    this.state = new StateStore(layout.stateDir());
    this.nftables = desired.plan().settings().firewall() == Firewall.NFTABLES;
    this.backend =
        WireGuardBackends.select(desired.backend(), host.tools(), layout, desired.supervisor());
  }

  /**
   * Plans the deploy.
   *
   * @throws DeployException when the host cannot take it (the trust interface is missing, no
   *     WireGuard implementation); nothing has been changed then
   */
  public static Plan plan(Desired desired, LiveState live) {
    DeploySteps p = new DeploySteps(desired, live);
    return p.build();
  }

  /**
   * The planned deploy.
   *
   * @param steps the steps, in order; empty when the host already matches
   * @param files the file changes (for the report)
   * @param backend the WireGuard implementation used
   * @param recovers whether an interrupted earlier run is rolled back first
   * @param warnings what the operator should know that does not stop the deploy (a LAN the router
   *     itself cannot be routed to)
   */
  public record Plan(
      List<Step> steps,
      List<FileChange> files,
      String backend,
      boolean recovers,
      List<String> warnings) {
    public Plan {
      steps = List.copyOf(steps);
      files = List.copyOf(files);
      warnings = List.copyOf(warnings);
    }
  }

  private Plan build() {
    desired
        .acceptedSerials()
        .ifPresent(
            s -> {
              if (!live.text(s.path()).equals(Optional.of(s.text()))) {
                steps.add(
                    Step.of(
                        "record the accepted mesh serials",
                        List.of(
                            Effect.WriteFile.text(s.path(), s.text(), AtomicFiles.SECRET, false))));
              }
            });
    boolean recovers = live.journal().isPresent();
    Manifest old = live.manifest();
    if (recovers) {
      old = recover(live.journal().get(), old);
    }
    FileDiff diff = FileDiff.of(desired.files(), removable(old), live.files());
    Map<String, String> wg = new LinkedHashMap<>();
    plan.links().forEach(l -> wg.put(l.interfaceName(), l.localCidr()));
    // Client interfaces (issue 25) have no address of their own: BIRD routes the clients' there.
    plan.clients().forEach(c -> wg.put(c.interfaceName(), ""));
    Map<String, Integer> mtus = new LinkedHashMap<>();
    plan.links().forEach(l -> mtus.put(l.interfaceName(), l.mtu()));
    plan.clients().forEach(c -> mtus.put(c.interfaceName(), c.mtu()));
    boolean reloadBird = recovers || diff.touches(Component.BIRD);
    boolean reloadSw = recovers || diff.touches(Component.SHOREWALL);
    boolean reloadSw6 = recovers || diff.touches(Component.SHOREWALL6);
    boolean reloadUnits = recovers || diff.touches(Component.SYSTEMD);
    reloadNft = recovers || diff.touches(Component.NFTABLES);

    // A peer that left is cut first, before any file is staged or reloaded: the site removed it
    // (perhaps compromised), so its link must not outlive the slow part of the deploy.
    removeStale(wg, old);
    Optional<Journal> journal = Optional.empty();
    if (!diff.isEmpty()) {
      prepare(diff, recovers);
      journal = Optional.of(journal(diff));
      files(diff, journal.get(), old, reloadBird, reloadSw, reloadSw6, reloadUnits, reloadNft);
    }
    if (reloadUnits && desired.supervisor() == Supervisor.SYSTEMD) {
      steps.add(
          Step.of(
              "systemd daemon-reload",
              List.of(Effect.Run.of(Command.change("systemctl", "daemon-reload")))));
    }
    namespace();
    veth();
    TrustMove move = trust();
    meshAddress();
    routes();
    boolean nft = nftables();
    boolean sw = false;
    boolean sw6 = false;
    if (!nftables) {
      sw = shorewall(Shorewall.V4, layout.shorewallDir(), host.shorewallRunning(), reloadSw);
      sw6 = shorewall(Shorewall.V6, layout.shorewall6Dir(), host.shorewall6Running(), reloadSw6);
    }
    List<Integer> wgPorts = new ArrayList<>();
    plan.links().forEach(l -> wgPorts.add(l.listenPort()));
    plan.clients().forEach(c -> wgPorts.add(c.listenPort()));
    if ((sw || sw6 || nft) && host.tools().conntrack() && !wgPorts.isEmpty()) {
      // Entries made before the DNAT rules were loaded would keep bypassing them; exit status 1
      // means "no entry".
      List<Effect> flush = new ArrayList<>();
      for (int port : wgPorts) {
        flush.add(
            Effect.Run.tolerant(
                Command.change(
                    "conntrack", "-D", "-p", "udp", "--orig-port-dst", Integer.toString(port))));
      }
      steps.add(Step.of("flush stale conntrack entries of the WireGuard ports", flush));
    }
    boolean startsShorewall = sw && !host.shorewallRunning();
    for (Map.Entry<String, String> e : wg.entrySet()) {
      wireguard(
          e.getKey(),
          e.getValue(),
          mtus.get(e.getKey()),
          recovers || diff.touchesInterface(e.getKey()));
    }
    overlay();
    bird(reloadBird);
    boolean stopsShorewall = otherFirewallOff(old);
    finish(old, journal, move, startsShorewall, stopsShorewall);
    return new Plan(steps, diff.changes(), backend.name(), recovers, warnings);
  }

  /**
   * The files of the last deploy that go when no longer rendered: not the Shorewall include files
   * (after a change to nftables), unless wgdeploy created one and it still holds what it wrote.
   */
  private List<Path> removable(Manifest old) {
    return old.files().stream()
        .filter(
            p ->
                !ShorewallIncludes.isInclude(p)
                    || live.text(p)
                        .map(ShorewallIncludes::sha256)
                        .equals(Optional.ofNullable(old.createdIncludes().get(p))))
        .toList();
  }

  /**
   * Rolls back the files of an interrupted run (the live files already show them restored) and
   * returns the manifest as it should have been, with the trust interface it had moved.
   */
  private Manifest recover(Journal crashed, Manifest m) {
    List<Effect> effects = new ArrayList<>();
    for (Path p : crashed.replaced()) {
      effects.add(new Effect.Copy(state.mirror(StateStore.BACKUP, p), p));
    }
    for (Path p : crashed.added()) {
      effects.add(Effect.Delete.file(p));
    }
    Manifest fixed = m;
    boolean moved = !crashed.trustMoved().isEmpty() && m.trustMoved().isEmpty();
    boolean started = crashed.startsShorewall() && !m.shorewallStarted();
    if (moved || started) {
      // The crashed run moved the trust interface or started Shorewall: remember it for --down
      // (the original addresses to give back; a firewall to clear rather than reload).
      fixed =
          new Manifest(
              m.domain(),
              ns,
              plan.veth().hostName(),
              m.files(),
              m.wireguard(),
              moved ? crashed.trustMoved() : m.trustMoved(),
              moved ? crashed.trustAddresses() : m.trustOriginalAddresses(),
              moved ? crashed.trustWasUp() : m.trustWasUp(),
              started || m.shorewallStarted(),
              m.serial(),
              m.recordIssued(),
              m.recordExpires(),
              m.ports(),
              m.firewall(),
              m.createdIncludes(),
              m.mtus(),
              m.publicInterface(),
              m.clients(),
              m.overlay());
      effects.add(
          Effect.WriteFile.text(
              state.manifestFile(),
              StateStore.text(fixed.toProperties()),
              AtomicFiles.SECRET,
              false));
    }
    effects.addAll(clearJournal());
    steps.add(Step.of("restore the files of an interrupted wgdeploy run", effects));
    return fixed;
  }

  /** Directories, then the rendered files staged and checked before anything live changes. */
  private void prepare(FileDiff diff, boolean all) {
    List<Effect> effects =
        new ArrayList<>(
            List.of(
                new Effect.MakeDirectory(
                    state.dir(), Optional.of(PosixFilePermissions.fromString("rwx------"))),
                new Effect.MakeDirectory(layout.birdLocalDir(), Optional.empty()),
                new Effect.MakeDirectory(layout.roots().run(), Optional.empty()),
                new Effect.MakeDirectory(
                    layout.wireguardDir(),
                    Optional.of(PosixFilePermissions.fromString("rwx------"))),
                Effect.Delete.tree(state.folder(StateStore.STAGING))));
    for (RenderedFile f : desired.files()) {
      effects.add(
          new Effect.WriteFile(
              state.mirror(StateStore.STAGING, f.path()), f.bytes(), f.mode(), f.secret()));
    }
    // The tools' own checks of the staged files run side by side (Effect.Together).
    List<Effect> checks = new ArrayList<>();
    for (RenderedFile f : desired.files()) {
      if (f.component() == Component.BIRD && (all || diff.touches(Component.BIRD))) {
        checks.add(
            new Effect.Validate(
                Command.query(
                    "bird", "-p", "-c", state.mirror(StateStore.STAGING, f.path()).toString()),
                f.path(),
                f.template()));
      }
    }
    compileDir(checks, diff, all, Component.SHOREWALL, Shorewall.V4);
    compileDir(checks, diff, all, Component.SHOREWALL6, Shorewall.V6);
    if (all || diff.touches(Component.NFTABLES)) {
      for (RenderedFile f : desired.files()) {
        if (f.component() == Component.NFTABLES) {
          checks.add(
              new Effect.Validate(
                  Nft.check(state.mirror(StateStore.STAGING, f.path())), f.path(), f.template()));
        }
      }
    }
    if (checks.size() > 1) {
      effects.add(new Effect.Together(checks));
    } else {
      effects.addAll(checks);
    }
    steps.add(
        new Step(
            "stage and check the new files",
            effects,
            List.of(Effect.Delete.tree(state.folder(StateStore.STAGING)))));
  }

  /**
   * Compiles the staged Shorewall directory of {@code c}: its check, and the program its start or
   * reload then runs without compiling again ({@link #shorewall}).
   */
  private void compileDir(
      List<Effect> checks, FileDiff diff, boolean all, Component c, Shorewall tool) {
    if (!all && !diff.touches(c)) {
      return;
    }
    desired.files().stream()
        .filter(f -> f.component() == c)
        .findFirst()
        .ifPresent(
            f -> {
              checks.add(
                  new Effect.Validate(
                      tool.compile(
                          state.mirror(StateStore.STAGING, f.path()).getParent(),
                          compiledProgram(tool)),
                      f.path(),
                      f.template()));
              compiled.add(tool);
            });
  }

  /** Where the staged directory of {@code tool} is compiled to (deleted with the staging). */
  private Path compiledProgram(Shorewall tool) {
    return state.folder(StateStore.STAGING).resolve(tool.tool() + ".program");
  }

  /**
   * The journal of this run, with what moving the trust interface needs to be undone after a crash.
   */
  private Journal journal(FileDiff diff) {
    Journal j =
        new Journal(
            diff.changes().stream()
                .filter(c -> c.kind() != FileChange.Kind.ADDED)
                .map(FileChange::path)
                .toList(),
            diff.changes().stream()
                .filter(c -> c.kind() == FileChange.Kind.ADDED)
                .map(FileChange::path)
                .toList(),
            !host.namespaceExists());
    Optional<LinkInfo> outside = trustOutside();
    if (outside.isPresent()) {
      j = j.movingTrust(plan.trustInterface(), sortedAddresses(outside.get()), outside.get().up());
    }
    return host.shorewallRunning() || nftables ? j : j.startingShorewall();
  }

  /**
   * Journal, backups and the swap; the swap's undo restores the files and reloads what ran before.
   */
  private void files(
      FileDiff diff,
      Journal j,
      Manifest old,
      boolean bird,
      boolean sw,
      boolean sw6,
      boolean units,
      boolean nft) {
    steps.add(
        new Step(
            "write the journal",
            List.of(
                Effect.WriteFile.text(
                    state.journalFile(),
                    StateStore.text(j.toProperties()),
                    AtomicFiles.SECRET,
                    false)),
            clearJournal()));
    List<Effect> backups = new ArrayList<>();
    for (Path p : desired.operatorFiles()) {
      backups.add(new Effect.Copy(p, state.mirror(StateStore.ORIGINAL, p)));
    }
    for (FileChange c : diff.changes()) {
      if (c.kind() == FileChange.Kind.ADDED) {
        continue;
      }
      backups.add(new Effect.Copy(c.path(), state.mirror(StateStore.BACKUP, c.path())));
      // A file that was there before wgdeploy ever managed it is kept for --down.
      if (!old.files().contains(c.path()) && !live.pristine().contains(c.path())) {
        backups.add(new Effect.Copy(c.path(), state.mirror(StateStore.PRISTINE, c.path())));
      }
    }
    if (!backups.isEmpty()) {
      steps.add(Step.of("back up the files to replace", backups));
    }
    List<Effect> swap = new ArrayList<>();
    List<Effect> restore = new ArrayList<>();
    for (FileChange c : diff.changes()) {
      if (c.kind() == FileChange.Kind.REMOVED) {
        // A file that was there before wgdeploy (the operator's, when the firewall changes from
        // Shorewall to nftables) goes back; the others go.
        swap.add(
            live.pristine().contains(c.path())
                ? new Effect.Copy(state.mirror(StateStore.PRISTINE, c.path()), c.path())
                : Effect.Delete.file(c.path()));
      } else {
        RenderedFile f = c.desired().orElseThrow();
        swap.add(new Effect.WriteFile(f.path(), f.bytes(), f.mode(), f.secret()));
      }
      restore.add(
          c.kind() == FileChange.Kind.ADDED
              ? Effect.Delete.file(c.path())
              : new Effect.Copy(state.mirror(StateStore.BACKUP, c.path()), c.path()));
    }
    // What ran before this run re-reads its previous files (a reload that did not happen yet is
    // harmless: the files are the ones it already runs with).
    List<String> ifaces = new ArrayList<>();
    plan.links().forEach(l -> ifaces.add(l.interfaceName()));
    plan.clients().forEach(c -> ifaces.add(c.interfaceName()));
    for (String iface : ifaces) {
      if (host.wireguardInterfaces().contains(iface) && diff.touchesInterface(iface)) {
        restore.add(Effect.Run.of(Wg.in(ns).syncconf(iface, layout.wireguardConf(iface))));
      }
    }
    if (bird && host.birdRunning()) {
      restore.add(new Effect.ConfigureBird(Birdc.at(layout.birdSocket()).configure()));
    }
    if (sw && host.shorewallRunning()) {
      restore.add(Effect.Run.of(Shorewall.V4.reload(layout.shorewallDir())));
    }
    if (sw6 && host.shorewall6Running()) {
      restore.add(Effect.Run.of(Shorewall.V6.reload(layout.shorewall6Dir())));
    }
    if (units && desired.supervisor() == Supervisor.SYSTEMD) {
      restore.add(Effect.Run.of(Command.change("systemctl", "daemon-reload")));
    }
    if (nft && host.nftablesTable() && live.files().containsKey(layout.nftablesFile())) {
      // The table that ran before is loaded again from its restored script.
      restore.add(Effect.Run.of(Nft.load(layout.nftablesFile())));
    }
    steps.add(new Step("install the new files", swap, restore));
  }

  private void namespace() {
    if (!host.namespaceExists()) {
      steps.add(
          new Step(
              "create namespace " + ns,
              List.of(Effect.Run.of(Ip.netnsAdd(ns)), Effect.Run.of(Ip.in(ns).linkUp("lo"))),
              List.of(Effect.Run.tolerant(Ip.netnsDel(ns)))));
    }
    if (!host.forwarding()) {
      List<String> argv = new ArrayList<>(List.of("sysctl", "-q", "-w"));
      for (int i = 0; i < HostProbe.SYSCTL_KEYS.size(); i++) {
        argv.add(HostProbe.SYSCTL_KEYS.get(i) + "=" + HostProbe.SYSCTL_VALUES.get(i));
      }
      steps.add(
          Step.of(
              "kernel settings in " + ns,
              List.of(
                  Effect.Run.of(Ip.exec(ns, true, argv.toArray(String[]::new))),
                  // Every WireGuard link accepts only sources routed back over it (issue 19).
                  Effect.Run.of(SourceValidation.apply(ns, snat(plan))))));
    }
  }

  /** The SNAT rules of the router's own packets ({@code router-on-mesh}), per family. */
  public static SourceValidation.Snat snat(DeployPlan plan) {
    return new SourceValidation.Snat(plan.routerSource(false), plan.routerSource(true));
  }

  private void veth() {
    VethPair v = plan.veth();
    Optional<LinkInfo> outer = host.hostLink(v.hostName());
    boolean innerThere = host.namespaceExists() && host.nsLink(v.nsName()).isPresent();
    if (outer.isEmpty() || !innerThere) {
      List<Effect> create = new ArrayList<>();
      if (outer.isPresent()) {
        // A host end whose peer is not in the namespace: the namespace went and was (or is to be)
        // made again while the host end lived on, e.g. in a container whose network namespace
        // outlives its reboot. Its peer is elsewhere or being freed: start the pair over.
        create.add(Effect.Run.of(Ip.host().linkDel(v.hostName())));
        outer = Optional.empty();
      }
      create.add(Effect.Run.of(Ip.host().linkAddVeth(v.hostName(), v.nsName(), ns)));
      steps.add(
          new Step(
              "create veth " + v.hostName() + "/" + v.nsName(),
              create,
              List.of(Effect.Run.tolerant(Ip.host().linkDel(v.hostName())))));
    }
    List<Effect> address = new ArrayList<>();
    addresses(address, Ip.host(), v.hostName(), List.of(v.hostV4(), v.hostV6()), outer);
    addresses(address, Ip.in(ns), v.nsName(), List.of(v.nsV4(), v.nsV6()), host.nsLink(v.nsName()));
    if (!address.isEmpty()) {
      steps.add(Step.of("address veth " + v.hostName() + "/" + v.nsName(), address));
    }
  }

  /** Adds the missing addresses of {@code dev} and sets it up unless it is. */
  private static void addresses(
      List<Effect> out, Ip ip, String dev, List<IpPrefix> want, Optional<LinkInfo> now) {
    Set<String> have = now.map(LinkInfo::addresses).orElse(Set.of());
    for (IpPrefix a : want) {
      if (!have.contains(HostProbe.canonical(a.toString()))) {
        out.add(Effect.Run.of(ip.addrAdd(a.toString(), dev)));
      }
    }
    if (!now.map(LinkInfo::up).orElse(false)) {
      out.add(Effect.Run.of(ip.linkUp(dev)));
    }
  }

  /** The trust interface while it is still in the default namespace. */
  private Optional<LinkInfo> trustOutside() {
    return host.nsLink(plan.trustInterface()).isPresent()
        ? Optional.empty()
        : host.hostLink(plan.trustInterface());
  }

  /**
   * What moving the trust interface gives back on undo and {@code --down}.
   *
   * @param addresses its addresses before the move
   * @param wasUp whether it was up
   */
  record TrustMove(List<String> addresses, boolean wasUp) {}

  private TrustMove trust() {
    String trust = plan.trustInterface();
    Optional<LinkInfo> inNs = host.nsLink(trust);
    TrustMove move = null;
    if (inNs.isEmpty()) {
      LinkInfo outside =
          host.hostLink(trust)
              .orElseThrow(
                  () ->
                      new DeployException(
                          "trust interface " + trust,
                          "exists neither in the default namespace nor in " + ns,
                          "check the interface name in the endpoint config (wgconfig -T)"));
      move = new TrustMove(sortedAddresses(outside), outside.up());
      steps.add(
          new Step(
              "move " + trust + " into " + ns,
              List.of(Effect.Run.of(Ip.host().linkSetNetns(trust, ns))),
              Teardown.moveBack(ns, trust, move.addresses(), move.wasUp())));
    }
    List<Effect> address = new ArrayList<>();
    addresses(address, Ip.in(ns), trust, plan.trustAddresses(), inNs);
    if (!address.isEmpty()) {
      steps.add(Step.of("address " + trust + " in " + ns, address));
    }
    return move;
  }

  private static List<String> sortedAddresses(LinkInfo l) {
    return new TreeSet<>(l.addresses()).stream().toList();
  }

  /**
   * This host's mesh address ({@code P:0:1::n}/128, issue 25) on the namespace's loopback, where
   * BIRD's {@code mesh_address} protocol picks it up and announces it; another mesh address left
   * there (the host's number or the tunnel prefix changed) goes.
   */
  private void meshAddress() {
    String mine = plan.meshAddressOf(plan.selfNumber()).toString();
    IpPrefix row = plan.meshAddressRow();
    Set<String> have = host.nsLink(LOOPBACK).map(LinkInfo::addresses).orElse(Set.of());
    List<Effect> add = new ArrayList<>();
    List<Effect> undo = new ArrayList<>();
    if (!have.contains(mine)) {
      add.add(Effect.Run.of(Ip.in(ns).addrAdd(mine, LOOPBACK)));
      undo.add(Effect.Run.tolerant(Ip.in(ns).addrDel(mine, LOOPBACK)));
    }
    for (String a : new TreeSet<>(have)) {
      IpPrefix p = IpPrefix.parseInterface(a, "address");
      if (!a.equals(mine) && p.isV6() && p.length() == 128 && row.contains(p)) {
        add.add(Effect.Run.tolerant(Ip.in(ns).addrDel(a, LOOPBACK)));
        undo.add(Effect.Run.tolerant(Ip.in(ns).addrAdd(a, LOOPBACK)));
      }
    }
    if (!add.isEmpty()) {
      steps.add(new Step("mesh address " + mine + " on " + LOOPBACK + " in " + ns, add, undo));
    }
  }

  /** The namespace's loopback: the mesh address lives there (the lab kernel has no dummy). */
  static final String LOOPBACK = "lo";

  /**
   * The VXLAN overlay (issue 25): the device made, changed in place (MTU, fdb entries, addresses)
   * or made again when its id, port or local address changed, and removed when the site no longer
   * has an overlay; its guard table with it. Each step's undo puts back what was there.
   */
  private void overlay() {
    String dev = OverlayPlan.DEVICE;
    Optional<Vxlan.Device> have = host.vxlan();
    Optional<LinkInfo> link = host.nsLink(dev);
    Optional<OverlayPlan> want = plan.overlay();
    if (want.isEmpty()) {
      if (link.isPresent() || have.isPresent()) {
        List<Effect> remove = new ArrayList<>();
        remove.add(Effect.Run.tolerant(Vxlan.deleteGuard(ns)));
        remove.add(Effect.Run.of(Ip.in(ns).linkDel(dev)));
        steps.add(new Step("remove overlay " + dev, remove, recreate(have, link)));
      }
      return;
    }
    OverlayPlan o = want.get();
    String local = o.local().toString();
    boolean same =
        have.isPresent()
            && link.isPresent()
            && have.get().vni() == o.vni()
            && have.get().port() == o.port()
            && have.get().local().equals(local);
    if (!same) {
      List<Effect> create = new ArrayList<>();
      if (link.isPresent()) {
        create.add(Effect.Run.of(Ip.in(ns).linkDel(dev)));
      }
      create.add(Effect.Run.of(Vxlan.add(ns, dev, o.vni(), local, o.port())));
      create.add(Effect.Run.of(Ip.in(ns).linkSetMtu(dev, o.mtu())));
      for (IpAddress r : o.remotes()) {
        create.add(Effect.Run.of(Vxlan.fdbAppend(ns, dev, r.toString())));
      }
      for (IpPrefix a : o.addresses()) {
        create.add(Effect.Run.of(Ip.in(ns).addrAdd(a.toString(), dev)));
      }
      create.add(Effect.Run.of(Ip.in(ns).linkUp(dev)));
      create.add(Effect.Run.of(Vxlan.applyGuard(ns, o.port(), o.meshRow().toString(), local)));
      List<Effect> undo = new ArrayList<>();
      undo.add(Effect.Run.tolerant(Ip.in(ns).linkDel(dev)));
      undo.add(Effect.Run.tolerant(Vxlan.deleteGuard(ns)));
      undo.addAll(recreate(have, link));
      steps.add(
          new Step(
              "create overlay " + dev + " (VXLAN " + o.vni() + ", port " + o.port() + ")",
              create,
              undo));
      return;
    }
    LinkInfo live = link.get();
    if (live.mtu() != o.mtu()) {
      steps.add(
          new Step(
              "mtu " + dev + " " + o.mtu(),
              List.of(Effect.Run.of(Ip.in(ns).linkSetMtu(dev, o.mtu()))),
              live.mtu() > 0
                  ? List.of(Effect.Run.of(Ip.in(ns).linkSetMtu(dev, live.mtu())))
                  : List.of()));
    }
    List<List<String>> fdb =
        Vxlan.fdbChanges(
            have.get().remotes(), o.remotes().stream().map(IpAddress::toString).toList());
    if (!fdb.get(0).isEmpty() || !fdb.get(1).isEmpty()) {
      List<Effect> change = new ArrayList<>();
      List<Effect> undo = new ArrayList<>();
      for (String r : fdb.get(0)) {
        change.add(Effect.Run.of(Vxlan.fdbAppend(ns, dev, r)));
        undo.add(Effect.Run.tolerant(Vxlan.fdbDel(ns, dev, r)));
      }
      for (String r : fdb.get(1)) {
        change.add(Effect.Run.tolerant(Vxlan.fdbDel(ns, dev, r)));
        undo.add(Effect.Run.tolerant(Vxlan.fdbAppend(ns, dev, r)));
      }
      steps.add(
          new Step(
              "overlay " + dev + " fdb: +" + fdb.get(0).size() + " -" + fdb.get(1).size(),
              change,
              undo));
    }
    List<Effect> address = new ArrayList<>();
    List<Effect> addressUndo = new ArrayList<>();
    Set<String> wanted = new TreeSet<>();
    for (IpPrefix a : o.addresses()) {
      wanted.add(a.toString());
      if (!live.addresses().contains(a.toString())) {
        address.add(Effect.Run.of(Ip.in(ns).addrAdd(a.toString(), dev)));
        addressUndo.add(Effect.Run.tolerant(Ip.in(ns).addrDel(a.toString(), dev)));
      }
    }
    for (String a : new TreeSet<>(live.addresses())) {
      if (!wanted.contains(a)) {
        address.add(Effect.Run.tolerant(Ip.in(ns).addrDel(a, dev)));
        addressUndo.add(Effect.Run.tolerant(Ip.in(ns).addrAdd(a, dev)));
      }
    }
    if (!live.up()) {
      address.add(Effect.Run.of(Ip.in(ns).linkUp(dev)));
    }
    if (!address.isEmpty()) {
      steps.add(new Step("address overlay " + dev, address, addressUndo));
    }
    if (!Vxlan.guardInPlace(have.get().guard(), o.port(), o.meshRow().toString(), local)) {
      steps.add(
          new Step(
              "overlay guard: VXLAN port " + o.port() + " only from mesh addresses",
              List.of(Effect.Run.of(Vxlan.applyGuard(ns, o.port(), o.meshRow().toString(), local))),
              List.of()));
    }
  }

  /** What the manifest records of the overlay, for {@code wgdeploy --check} to compare. */
  static Manifest.Overlay deployedOverlay(OverlayPlan o) {
    return new Manifest.Overlay(
        o.device(),
        o.vni(),
        o.port(),
        o.local().toString(),
        o.meshRow().toString(),
        o.mtu(),
        o.addresses().stream().map(IpPrefix::toString).toList(),
        o.remotes().stream().map(IpAddress::toString).toList());
  }

  /** What puts back an overlay device that was there: its id, port, fdb and addresses. */
  private List<Effect> recreate(Optional<Vxlan.Device> was, Optional<LinkInfo> link) {
    if (was.isEmpty() || was.get().local().isEmpty()) {
      return List.of();
    }
    String dev = OverlayPlan.DEVICE;
    Vxlan.Device d = was.get();
    List<Effect> out = new ArrayList<>();
    out.add(Effect.Run.tolerant(Vxlan.add(ns, dev, d.vni(), d.local(), d.port())));
    link.filter(l -> l.mtu() > 0)
        .ifPresent(l -> out.add(Effect.Run.tolerant(Ip.in(ns).linkSetMtu(dev, l.mtu()))));
    for (String r : new TreeSet<>(d.remotes())) {
      out.add(Effect.Run.tolerant(Vxlan.fdbAppend(ns, dev, r)));
    }
    for (String a : new TreeSet<>(link.map(LinkInfo::addresses).orElse(Set.of()))) {
      out.add(Effect.Run.tolerant(Ip.in(ns).addrAdd(a, dev)));
    }
    out.add(Effect.Run.tolerant(Ip.in(ns).linkUp(dev)));
    return out;
  }

  /**
   * Inside the namespace: a default route out through the veth (Shorewall masquerades it), and
   * unreachable routes for the mesh prefixes. In the default namespace: the LAN via the veth.
   */
  private void routes() {
    VethPair v = plan.veth();
    List<Effect> inside = new ArrayList<>();
    for (boolean v6 : new boolean[] {false, true}) {
      String gw = (v6 ? v.hostV6() : v.hostV4()).network().toString();
      if (!host.nsRoutes().contains(HostProbe.routeKey("unicast", "default", gw))) {
        inside.add(
            Effect.Run.of(Ip.in(ns).routeReplace(v6, "default", "via", gw, "dev", v.nsName())));
      }
    }
    for (IpPrefix prefix : plan.refusedWithoutRoute()) {
      if (prefix.length() > 0 && !hasUnreachable(prefix)) {
        inside.add(
            Effect.Run.of(
                Ip.in(ns)
                    .routeReplace(
                        prefix.isV6(),
                        "unreachable",
                        prefix.toString(),
                        "metric",
                        UNREACHABLE_METRIC)));
      }
    }
    if (!inside.isEmpty()) {
      steps.add(Step.of("routes in " + ns, inside));
    }
    // A client that left (issue 25): the unreachable route to its address goes too.
    List<Effect> stale = new ArrayList<>();
    for (String key : new TreeSet<>(host.nsRoutes())) {
      String[] f = key.split(" ");
      if (f.length != 2 || !f[0].equals("unreachable")) {
        continue;
      }
      IpPrefix dst = destination(f[1]);
      if (dst.length() == (dst.isV6() ? 128 : 32) && !plan.refusedWithoutRoute().contains(dst)) {
        stale.add(
            Effect.Run.tolerant(
                Ip.in(ns)
                    .routeDel(
                        dst.isV6(), "unreachable", dst.toString(), "metric", UNREACHABLE_METRIC)));
      }
    }
    if (!stale.isEmpty()) {
      steps.add(Step.of("remove routes to clients no longer in the mesh", stale));
    }
    List<Effect> outside = new ArrayList<>();
    for (boolean v6 : new boolean[] {false, true}) {
      String via = (v6 ? v.nsV6() : v.nsV4()).network().toString();
      for (IpPrefix net : plan.trustNetworks(v6)) {
        if (!host.hostRoutes().contains(HostProbe.routeKey("unicast", net.toString(), via))) {
          outside.add(
              Effect.Run.of(
                  Ip.host().routeReplace(v6, net.toString(), "via", via, "dev", v.hostName())));
        }
      }
    }
    if (!outside.isEmpty()) {
      steps.add(Step.of("routes to the LAN in the default namespace", outside));
    }
    routerOnMesh();
  }

  /**
   * Whether the default namespace routes {@code prefix} via {@code via}; {@code ip -j route} shows
   * a host route (a client address, issue 25) without its length.
   */
  private boolean hasHostRoute(IpPrefix prefix, String via) {
    return host.hostRoutes().contains(HostProbe.routeKey("unicast", prefix.toString(), via))
        || (prefix.length() == (prefix.isV6() ? 128 : 32)
            && host.hostRoutes()
                .contains(HostProbe.routeKey("unicast", prefix.network().toString(), via)));
  }

  /**
   * Whether the namespace has the unreachable route to {@code prefix}; {@code ip -j route} shows a
   * host route (a client address, issue 25) without its length.
   */
  private boolean hasUnreachable(IpPrefix prefix) {
    return host.nsRoutes().contains(HostProbe.routeKey("unreachable", prefix.toString(), ""))
        || (prefix.length() == (prefix.isV6() ? 128 : 32)
            && host.nsRoutes()
                .contains(HostProbe.routeKey("unreachable", prefix.network().toString(), "")));
  }

  /**
   * The router on the mesh (issue 20): routes in the default namespace to the remote LANs through
   * the veth, so the router's own packets reach them (the namespace rewrites their source, see
   * {@link SourceValidation.Snat}). Only for a family the host has a trust address of, and never a
   * prefix that overlaps a network the default namespace reaches otherwise (directly connected, or
   * routed by the operator): that one is left out with a warning. Routes via the veth to mesh
   * prefixes no longer wanted are removed.
   */
  private void routerOnMesh() {
    VethPair v = plan.veth();
    List<Effect> add = new ArrayList<>();
    List<Effect> undo = new ArrayList<>();
    List<Effect> remove = new ArrayList<>();
    for (boolean v6 : new boolean[] {false, true}) {
      String via = (v6 ? v.nsV6() : v.nsV4()).network().toString();
      Set<IpPrefix> wanted = new TreeSet<>(plan.trustNetworks(v6));
      if (plan.routerSource(v6).isPresent()) {
        for (IpPrefix lan : plan.remoteLans(v6)) {
          Optional<String> clash = clash(lan, via);
          if (clash.isPresent()) {
            warnings.add(
                "router on the mesh: no route to "
                    + lan
                    + " in the default namespace: it overlaps "
                    + clash.get()
                    + " (the router itself does not reach that LAN; its clients do)");
            continue;
          }
          wanted.add(lan);
          if (!hasHostRoute(lan, via)) {
            add.add(
                Effect.Run.of(
                    Ip.host().routeReplace(v6, lan.toString(), "via", via, "dev", v.hostName())));
            undo.add(
                Effect.Run.tolerant(
                    Ip.host().routeDel(v6, lan.toString(), "via", via, "dev", v.hostName())));
          }
        }
      }
      List<IpPrefix> mesh = v6 ? plan.allowedV6() : plan.allowedV4();
      for (String key : new TreeSet<>(host.hostRoutes())) {
        Optional<IpPrefix> dst = viaDestination(key, via);
        // Ours: a route through the veth to a mesh prefix, or to a single address (a client's,
        // issue 25, whose pool may lie outside the mesh prefixes).
        if (dst.isPresent()
            && !wanted.contains(dst.get())
            && (mesh.stream().anyMatch(m -> m.contains(dst.get()))
                || dst.get().length() == (v6 ? 128 : 32))) {
          remove.add(
              Effect.Run.tolerant(
                  Ip.host().routeDel(v6, dst.get().toString(), "via", via, "dev", v.hostName())));
        }
      }
    }
    if (!add.isEmpty()) {
      steps.add(new Step("routes to the remote LANs in the default namespace", add, undo));
    }
    if (!remove.isEmpty()) {
      steps.add(Step.of("remove routes to LANs no longer in the mesh", remove));
    }
  }

  /**
   * A route of the default namespace other than through our veth whose destination overlaps {@code
   * lan}: the network of an interface (the public one, say) or an operator's route. The default
   * route does not count (every remote LAN is more specific).
   */
  private Optional<String> clash(IpPrefix lan, String via) {
    for (String key : new TreeSet<>(host.hostRoutes())) {
      String[] f = key.split(" ");
      if (f.length < 2 || f[1].equals("default") || viaDestination(key, via).isPresent()) {
        continue;
      }
      IpPrefix dst = destination(f[1]);
      if (dst.isV6() == lan.isV6() && dst.length() > 0 && dst.overlaps(lan)) {
        return Optional.of(
            dst
                + (key.contains(" via ")
                    ? " (routed" + key.substring(key.indexOf(" via ")) + ")"
                    : " (a network of this host)"));
      }
    }
    return Optional.empty();
  }

  /** The destination of a {@link HostProbe#routeKey} whose gateway is {@code via}, if it is. */
  private static Optional<IpPrefix> viaDestination(String key, String via) {
    String[] f = key.split(" ");
    if (f.length == 4 && f[0].equals("unicast") && f[2].equals("via") && f[3].equals(via)) {
      return f[1].equals("default") ? Optional.empty() : Optional.of(destination(f[1]));
    }
    return Optional.empty();
  }

  private static IpPrefix destination(String dst) {
    if (dst.contains("/")) {
      return IpPrefix.parse(dst, "route");
    }
    IpAddress a = IpAddress.parse(dst, "route");
    return new IpPrefix(a, a.isV6() ? 128 : 32);
  }

  /**
   * Loads wgdeploy's nftables table when the firewall is nftables and the table is missing or its
   * script changed; returns whether it did. A table that was not there is deleted on undo; one that
   * was is loaded again from the restored script by the file swap's undo.
   */
  private boolean nftables() {
    if (!nftables) {
      return false;
    }
    Path script = layout.nftablesFile();
    if (!host.nftablesTable()) {
      steps.add(
          new Step(
              "nftables: load table " + Nft.FAMILY + " " + Nft.TABLE,
              nftLoad(script),
              List.of(Effect.Run.tolerant(Nft.deleteTable()))));
      return true;
    }
    if (reloadNft) {
      steps.add(
          Step.of("nftables: replace table " + Nft.FAMILY + " " + Nft.TABLE, nftLoad(script)));
      return true;
    }
    return false;
  }

  private List<Effect> nftLoad(Path script) {
    List<Effect> load = new ArrayList<>(ipv6Forwarding());
    load.add(Effect.Run.of(Nft.forwardingOn()));
    load.add(Effect.Run.of(Nft.load(script)));
    return load;
  }

  /** IPv6 forwarding in the default namespace, before a firewall starts, when the plan needs it. */
  private List<Effect> ipv6Forwarding() {
    return plan.ipv6Underlay()
        ? List.of(Effect.Run.of(Ipv6Forwarding.on(plan.publicInterface())))
        : List.of();
  }

  /**
   * After a change of firewall, the one wgdeploy had set up before stops, last, once the new one
   * works: wgdeploy's nftables table is deleted; a Shorewall wgdeploy started is cleared, one that
   * ran before wgdeploy reloads the operator's files (put back by the file swap). Returns whether
   * Shorewall was cleared.
   */
  private boolean otherFirewallOff(Manifest old) {
    if (!nftables) {
      if (host.nftablesTable()) {
        steps.add(
            Step.of(
                "nftables: delete table " + Nft.FAMILY + " " + Nft.TABLE,
                List.of(Effect.Run.of(Nft.deleteTable()))));
      }
      return false;
    }
    boolean hadShorewall =
        old.files().stream()
            .anyMatch(
                f -> f.startsWith(layout.shorewallDir()) || f.startsWith(layout.shorewall6Dir()));
    if (!hadShorewall) {
      return false;
    }
    List<Effect> off = new ArrayList<>();
    if (old.shorewallStarted()) {
      off.add(Effect.Run.tolerant(Shorewall.V4.clear()));
      off.add(Effect.Run.tolerant(Shorewall.V6.clear()));
    } else {
      if (host.shorewallRunning()) {
        off.add(Effect.Run.of(Shorewall.V4.reload(layout.shorewallDir())));
      }
      if (host.shorewall6Running()) {
        off.add(Effect.Run.of(Shorewall.V6.reload(layout.shorewall6Dir())));
      }
    }
    if (!off.isEmpty()) {
      steps.add(Step.of("stop the Shorewall rules of the previous deploy", off));
    }
    return old.shorewallStarted();
  }

  /** Starts or reloads one firewall; returns whether it did either. */
  private boolean shorewall(Shorewall tool, Path dir, boolean running, boolean changed) {
    if (!running || changed) {
      List<Effect> effects =
          new ArrayList<>(tool == Shorewall.V6 ? ipv6Forwarding() : List.<Effect>of());
      String action = running ? "reload" : "start";
      effects.add(
          Effect.Run.of(
              compiled.contains(tool)
                  ? Shorewall.runProgram(compiledProgram(tool), action)
                  : running ? tool.reload(dir) : tool.start(dir)));
      String name = tool.tool() + (running ? " reload" : " start");
      steps.add(
          running
              ? Step.of(name, effects)
              : new Step(name, effects, List.of(Effect.Run.of(tool.clear()))));
      return true;
    }
    return false;
  }

  private void wireguard(String iface, String cidr, int mtu, boolean changed) {
    Path conf = layout.wireguardConf(iface);
    Optional<LinkInfo> link = host.nsLink(iface);
    boolean running = host.wireguardInterfaces().contains(iface);
    if (!running) {
      List<Effect> create = new ArrayList<>();
      if (link.isPresent()) {
        // A device without its WireGuard (a wireguard-go that died): start over.
        create.add(Effect.Run.of(Ip.in(ns).linkDel(iface)));
      }
      create.addAll(backend.create(ns, iface));
      create.add(Effect.Run.of(Wg.in(ns).setconf(iface, conf)));
      create.add(Effect.Run.of(Ip.in(ns).linkSetMtu(iface, mtu)));
      steps.add(
          new Step(
              "create " + iface + " (" + backend.name() + ")", create, backend.delete(ns, iface)));
    } else if (changed) {
      steps.add(
          Step.of("wg syncconf " + iface, List.of(Effect.Run.of(Wg.in(ns).syncconf(iface, conf)))));
    }
    int liveMtu = link.map(LinkInfo::mtu).orElse(0);
    if (running && liveMtu != mtu) {
      // A changed MTU (issue 20): set in place, the peer and the BGP session stay up.
      steps.add(
          new Step(
              "mtu " + iface + " " + mtu,
              List.of(Effect.Run.of(Ip.in(ns).linkSetMtu(iface, mtu))),
              liveMtu > 0
                  ? List.of(Effect.Run.of(Ip.in(ns).linkSetMtu(iface, liveMtu)))
                  : List.of()));
    }
    List<Effect> address = new ArrayList<>();
    addresses(
        address,
        Ip.in(ns),
        iface,
        cidr.isEmpty() ? List.of() : List.of(IpPrefix.parseInterface(cidr, iface)),
        running ? link : Optional.empty());
    if (!address.isEmpty()) {
      steps.add(Step.of("address " + iface, address));
    }
  }

  private void bird(boolean changed) {
    Birdc birdc = Birdc.at(layout.birdSocket());
    if (!host.birdRunning()) {
      List<Effect> start = new ArrayList<>();
      List<Effect> stop = new ArrayList<>();
      // The socket's directory is on /run: gone after a reboot, when no file changed and so no
      // "stage" step made it.
      start.add(new Effect.MakeDirectory(layout.birdSocket().getParent(), Optional.empty()));
      if (desired.supervisor() == Supervisor.SYSTEMD) {
        // A unit that failed too often in a row (its start limit) refuses a plain start.
        start.add(
            Effect.Run.tolerant(Command.change("systemctl", "reset-failed", layout.birdUnit())));
        start.add(Effect.Run.of(Command.change("systemctl", "start", layout.birdUnit())));
        stop.add(Effect.Run.tolerant(Command.change("systemctl", "stop", layout.birdUnit())));
      } else {
        // bird checks the config, then daemonizes and writes its PID file.
        start.add(
            Effect.Run.of(
                Ip.exec(
                    ns,
                    true,
                    "bird",
                    "-c",
                    layout.birdConf().toString(),
                    "-s",
                    layout.birdSocket().toString(),
                    "-P",
                    layout.birdPidFile().toString())));
        stop.addAll(Teardown.stopBird(layout));
      }
      start.add(
          new Effect.Await(
              birdc.showStatus(),
              Birdc.UP,
              "BIRD in " + ns,
              "see the system log; BIRD checks its file at start: bird -p -c " + layout.birdConf(),
              Optional.empty()));
      steps.add(new Step("start BIRD", start, stop));
    } else if (changed) {
      steps.add(Step.of("birdc configure", List.of(new Effect.ConfigureBird(birdc.configure()))));
    }
  }

  /**
   * First: interfaces of peers that left. BIRD sees the interface go (its session drops, the routes
   * learnt over it are withdrawn) before {@code birdc configure} removes the session from its
   * configuration. Undone by recreating the link from its file, which is in the live place again by
   * then: the swap's undo, which runs before this one, restores it (or the swap never ran).
   */
  private void removeStale(Map<String, String> wanted, Manifest old) {
    Set<String> stale = new TreeSet<>();
    host.nsLinks().keySet().stream().filter(Teardown::isManagedInterface).forEach(stale::add);
    stale.addAll(host.wireguardInterfaces());
    stale.removeAll(wanted.keySet());
    for (String iface : stale) {
      Path conf = layout.wireguardConf(iface);
      List<Effect> recreate = new ArrayList<>();
      // A client's interface (issue 25) has no address: only its configuration comes back.
      String cidr = old.clients().containsKey(iface) ? "" : old.wireguard().get(iface);
      if (cidr != null
          && old.files().contains(conf)
          && host.wireguardInterfaces().contains(iface)) {
        recreate.addAll(backend.create(ns, iface));
        recreate.add(Effect.Run.of(Wg.in(ns).setconf(iface, conf)));
        if (!cidr.isEmpty()) {
          recreate.add(Effect.Run.of(Ip.in(ns).addrAdd(cidr, iface)));
        }
        recreate.add(Effect.Run.of(Ip.in(ns).linkUp(iface)));
      }
      steps.add(new Step("remove " + iface, backend.delete(ns, iface), recreate));
    }
  }

  /** The manifest of this deploy; with a journal, the end of the transaction. */
  private void finish(
      Manifest old,
      Optional<Journal> journal,
      TrustMove move,
      boolean startsShorewall,
      boolean stopsShorewall) {
    Map<String, String> wg = new LinkedHashMap<>();
    Map<String, Integer> ports = new LinkedHashMap<>();
    Map<String, Manifest.LinkMtu> mtus = new LinkedHashMap<>();
    plan.links()
        .forEach(
            l -> {
              wg.put(l.interfaceName(), l.localCidr());
              ports.put(l.interfaceName(), l.listenPort());
              mtus.put(l.interfaceName(), new Manifest.LinkMtu(l.mtu(), l.v6Underlay()));
            });
    Map<String, String> clients = new LinkedHashMap<>();
    plan.clients()
        .forEach(
            c -> {
              clients.put(c.interfaceName(), c.clientName());
              ports.put(c.interfaceName(), c.listenPort());
              mtus.put(c.interfaceName(), new Manifest.LinkMtu(c.mtu(), c.v6Underlay()));
            });
    boolean moved = move != null || !old.trustMoved().isEmpty();
    Manifest m =
        new Manifest(
            plan.domain(),
            ns,
            plan.veth().hostName(),
            desired.files().stream().map(RenderedFile::path).toList(),
            wg,
            moved ? plan.trustInterface() : "",
            move != null ? move.addresses() : old.trustOriginalAddresses(),
            move != null ? move.wasUp() : old.trustWasUp(),
            !stopsShorewall && (startsShorewall || old.shorewallStarted()),
            plan.serial(),
            plan.issued().getEpochSecond(),
            plan.expires().getEpochSecond(),
            ports,
            desired.plan().settings().firewall().name().toLowerCase(Locale.ROOT),
            createdIncludes(old),
            mtus,
            plan.publicInterface(),
            clients,
            plan.overlay().map(DeploySteps::deployedOverlay));
    String text = StateStore.text(m.toProperties());
    List<Effect> effects = new ArrayList<>();
    if (!live.text(state.manifestFile()).equals(Optional.of(text))) {
      effects.add(
          new Effect.MakeDirectory(
              state.dir(), Optional.of(PosixFilePermissions.fromString("rwx------"))));
      effects.add(Effect.WriteFile.text(state.manifestFile(), text, AtomicFiles.SECRET, false));
    }
    if (journal.isPresent()) {
      effects.addAll(clearJournal());
    }
    if (!effects.isEmpty()) {
      steps.add(Step.of("record the deploy", effects));
    }
  }

  /**
   * The Shorewall include files wgdeploy created (with the hash of what it wrote): the ones created
   * now, and those of earlier deploys still rendered. One the operator wrote before wgdeploy is not
   * among them, so {@code --down} never removes it.
   */
  private Map<Path, String> createdIncludes(Manifest old) {
    Map<Path, String> out = new LinkedHashMap<>();
    for (RenderedFile f : desired.files()) {
      if (!ShorewallIncludes.isInclude(f.path())) {
        continue;
      }
      if (!live.files().containsKey(f.path())) {
        out.put(f.path(), ShorewallIncludes.sha256(f.content()));
      } else if (old.createdIncludes().containsKey(f.path())) {
        out.put(f.path(), old.createdIncludes().get(f.path()));
      }
    }
    return out;
  }

  private List<Effect> clearJournal() {
    return List.of(
        Effect.Delete.file(state.journalFile()),
        Effect.Delete.tree(state.folder(StateStore.BACKUP)),
        Effect.Delete.tree(state.folder(StateStore.STAGING)));
  }
}
