package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.endpoint.deploy.host.Birdc;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.host.Ip;
import org.wgmesh.endpoint.deploy.host.Nft;
import org.wgmesh.endpoint.deploy.host.Shorewall;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.render.ShorewallIncludes;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * The steps of {@code wgdeploy --down}, planned from the manifest and the live state: stop BIRD and
 * the WireGuard interfaces, clear Shorewall if wgdeploy started it, move the trust interface back
 * with its original addresses, remove the veth pair and the namespace, delete the managed files
 * (putting back the ones that were there before wgdeploy), and reload a Shorewall that ran before
 * wgdeploy with those files. Every step runs even when an earlier one fails; running it twice is
 * harmless.
 */
public final class Teardown {
  private Teardown() {}

  /**
   * Whether {@code name} is an interface wgdeploy makes in the namespace: a peer link ({@code
   * wg<n>}) or a client's ({@code wgc<c>}, issue 25). Stale ones are removed, {@code --down}
   * removes all.
   */
  static boolean isManagedInterface(String name) {
    return Addressing.INTERFACE_NAME.matcher(name).matches()
        || Addressing.CLIENT_INTERFACE_NAME.matcher(name).matches();
  }

  /**
   * Plans the teardown; empty when there is nothing to remove.
   *
   * @param trustInterface the trust interface of the endpoint file, when the manifest names none
   * @param pristine the managed files that have a pristine copy to put back
   * @param unchangedIncludes the Shorewall include files wgdeploy created that still hold what it
   *     wrote: removed; the other include files (the operator's rules) stay
   */
  public static List<Step> plan(
      Layout layout,
      Manifest m,
      HostState host,
      String trustInterface,
      WireGuardBackendChoice choice,
      Supervisor supervisor,
      Set<Path> pristine,
      Set<Path> unchangedIncludes) {
    String ns = layout.namespace();
    List<Step> steps = new ArrayList<>();
    if (m.isEmpty() && !host.namespaceExists()) {
      return steps;
    }
    if (host.birdRunning()) {
      steps.add(
          Step.of(
              "stop BIRD",
              supervisor == Supervisor.SYSTEMD
                  ? List.of(Effect.Run.of(Command.change("systemctl", "stop", layout.birdUnit())))
                  : stopBird(layout)));
    }
    if (host.namespaceExists()) {
      WireGuardBackend backend = backend(choice, host.tools(), layout, supervisor);
      Set<String> ifaces = new TreeSet<>(m.wireguard().keySet());
      ifaces.addAll(m.clients().keySet());
      host.wireguardInterfaces().stream().filter(Teardown::isManagedInterface).forEach(ifaces::add);
      for (String iface : ifaces) {
        steps.add(Step.of("remove " + iface, backend.delete(ns, iface)));
      }
    }
    if (host.nftablesTable()) {
      steps.add(
          Step.of(
              "nftables: delete table " + Nft.FAMILY + " " + Nft.TABLE,
              List.of(Effect.Run.of(Nft.deleteTable()))));
    }
    if (m.shorewallStarted()) {
      steps.add(Step.of("shorewall clear", List.of(Effect.Run.of(Shorewall.V4.clear()))));
      steps.add(Step.of("shorewall6 clear", List.of(Effect.Run.of(Shorewall.V6.clear()))));
    }
    String trust = m.trustMoved().isEmpty() ? trustInterface : m.trustMoved();
    if (host.namespaceExists() && host.nsLink(trust).isPresent()) {
      steps.add(
          Step.of(
              "move " + trust + " back",
              moveBack(ns, trust, m.trustOriginalAddresses(), m.trustWasUp())));
    }
    if (!m.vethHost().isEmpty() && host.hostLink(m.vethHost()).isPresent()) {
      steps.add(
          Step.of(
              "remove veth " + m.vethHost(),
              List.of(Effect.Run.of(Ip.host().linkDel(m.vethHost())))));
    }
    if (host.namespaceExists()) {
      steps.add(Step.of("remove namespace " + ns, List.of(Effect.Run.of(Ip.netnsDel(ns)))));
    }
    StateStore state = new StateStore(layout.stateDir());
    List<Effect> files = new ArrayList<>();
    for (Path f : m.files()) {
      if (ShorewallIncludes.isInclude(f)) {
        if (unchangedIncludes.contains(f)) {
          files.add(Effect.Delete.file(f));
        }
        continue;
      }
      files.add(
          pristine.contains(f)
              ? new Effect.Copy(state.mirror(StateStore.PRISTINE, f), f)
              : Effect.Delete.file(f));
    }
    // Only when empty: site additions in the include directory stay.
    files.add(new Effect.RemoveEmptyDirectory(layout.wireguardDir()));
    files.add(new Effect.RemoveEmptyDirectory(layout.birdLocalDir()));
    steps.add(Step.of("remove the managed files", files));
    if (supervisor == Supervisor.SYSTEMD) {
      steps.add(
          Step.of(
              "systemctl daemon-reload",
              List.of(Effect.Run.of(Command.change("systemctl", "daemon-reload")))));
    }
    boolean shorewallFiles =
        m.files().stream()
            .anyMatch(
                f -> f.startsWith(layout.shorewallDir()) || f.startsWith(layout.shorewall6Dir()));
    if (!m.shorewallStarted() && shorewallFiles) {
      // Shorewall ran before wgdeploy: reload it with the operator's restored files.
      if (host.shorewallRunning()) {
        steps.add(
            Step.of(
                "shorewall reload",
                List.of(Effect.Run.of(Shorewall.V4.reload(layout.shorewallDir())))));
      }
      if (host.shorewall6Running()) {
        steps.add(
            Step.of(
                "shorewall6 reload",
                List.of(Effect.Run.of(Shorewall.V6.reload(layout.shorewall6Dir())))));
      }
    }
    return steps;
  }

  /** The last step, once every other one succeeded: wgdeploy's state of the namespace goes. */
  public static Step forgetState(Layout layout) {
    return Step.of(
        "remove wgdeploy state " + layout.stateDir(),
        List.of(Effect.Delete.tree(layout.stateDir())));
  }

  /** Stops the BIRD wgdeploy started itself: {@code birdc down}, then wait for its PID to go. */
  static List<Effect> stopBird(Layout l) {
    return List.of(
        Effect.Run.tolerant(Birdc.at(l.birdSocket()).down()),
        new Effect.AwaitExit(l.birdPidFile(), "bird"));
  }

  /**
   * Moves {@code iface} from {@code ns} back to the default namespace (the one wgdeploy runs in,
   * named by the PID of the shell, which stays there while {@code ip -n} switches; not PID 1, so it
   * also works inside a simulated host) and gives it back its addresses.
   */
  static List<Effect> moveBack(String ns, String iface, List<String> addresses, boolean up) {
    List<Effect> out = new ArrayList<>();
    out.add(
        Effect.Run.of(
            Command.change("sh", "-c", "ip -n \"$0\" link set \"$1\" netns $$", ns, iface)));
    for (String a : addresses) {
      out.add(Effect.Run.of(Ip.host().addrAdd(a, iface)));
    }
    if (up) {
      out.add(Effect.Run.of(Ip.host().linkUp(iface)));
    }
    return out;
  }

  private static WireGuardBackend backend(
      WireGuardBackendChoice choice, HostState.Tools tools, Layout l, Supervisor s) {
    try {
      return WireGuardBackends.select(choice, tools, l, s);
    } catch (RuntimeException e) {
      return new KernelWireGuard(); // nothing to stop but the device itself
    }
  }
}
