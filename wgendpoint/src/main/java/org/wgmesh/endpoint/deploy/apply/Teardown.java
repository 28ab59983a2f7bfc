package org.wgmesh.endpoint.deploy.apply;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.endpoint.deploy.EndpointSettings;
import org.wgmesh.endpoint.deploy.Supervisor;
import org.wgmesh.endpoint.deploy.plan.Layout;

/**
 * {@code wgdeploy --down}: stops BIRD and the WireGuard interfaces, clears Shorewall if wgdeploy
 * started it (else reloads it with the files that were there before wgdeploy), moves the trust interface back to the default namespace with its original addresses,
 * removes the veth pair and the namespace, deletes the managed files and puts back the files that
 * were there before wgdeploy (e.g. the distribution's {@code shorewall.conf}). Every step runs even
 * when an earlier one fails; the failures are reported together. Running it twice is harmless.
 */
final class Teardown {
  private final CommandRunner runner;
  private final Waiter waiter;
  private final Reporter reporter;

  Teardown(CommandRunner runner, Waiter waiter, Reporter reporter) {
    this.runner = runner;
    this.waiter = waiter;
    this.reporter = reporter;
  }

  void down(Layout l, EndpointSettings settings, StateStore state, boolean dryRun) {
    Manifest m = state.manifest();
    String ns = l.namespace();
    List<String> failures = new ArrayList<>();
    Engine.Undo u = new Engine.Undo(failures);
    HostProbe probe = new HostProbe(runner);
    boolean nsExists = probe.namespaces().contains(ns);
    if (m.isEmpty() && !nsExists) {
      reporter.info("nothing to remove: no deploy state in %s and no namespace %s", l.stateDir(), ns);
      return;
    }
    u.run("stop BIRD", () -> stopBird(runner, l, waiter));
    if (nsExists) {
      WireGuardBackend backend = WireGuardBackends.select(
          settings.backend(),
          runner, l, settings.supervisor(), waiter);
      var w = runner.execute(Command.query("ip", "netns", "exec", ns, "wg", "show", "interfaces"));
      Set<String> ifaces = new java.util.TreeSet<>(m.wireguard().keySet());
      if (w.ok()) {
        for (String n : w.stdout().strip().split("\\s+")) {
          if (RuntimeApplier.WG_NAME.matcher(n).matches()) {
            ifaces.add(n);
          }
        }
      }
      for (String iface : ifaces) {
        u.run("remove " + iface, () -> backend.delete(ns, iface));
      }
    }
    if (m.shorewallStarted()) {
      u.run("shorewall clear", () -> runner.run(Command.change("shorewall", "clear")));
      u.run("shorewall6 clear", () -> runner.run(Command.change("shorewall6", "clear")));
    }
    String trust = m.trustMoved().isEmpty() ? settings.trustInterface() : m.trustMoved();
    if (nsExists && runner.execute(Command.query("ip", "-n", ns, "link", "show", trust)).ok()) {
      u.run("move " + trust + " back", () -> moveBack(runner, ns, trust, m.trustOriginalAddresses(), m.trustWasUp()));
    }
    String veth = m.vethHost().isEmpty() ? null : m.vethHost();
    if (veth != null && runner.execute(Command.query("ip", "link", "show", veth)).ok()) {
      u.run("remove veth " + veth, () -> runner.run(Command.change("ip", "link", "del", veth)));
    }
    if (nsExists) {
      u.run("remove namespace " + ns, () -> runner.run(Command.change("ip", "netns", "del", ns)));
    }
    if (settings.supervisor() == Supervisor.SYSTEMD) {
      u.run("systemctl daemon-reload", () -> runner.run(Command.change("systemctl", "daemon-reload")));
    }
    if (!dryRun) {
      u.run("remove files", () -> removeFiles(l, m, state));
    }
    if (!m.shorewallStarted() && !m.isEmpty()) {
      // Shorewall ran before wgdeploy: reload it with the operator's restored files.
      for (var tool : List.of(List.of("shorewall", l.shorewallDir().toString()),
          List.of("shorewall6", l.shorewall6Dir().toString()))) {
        if (runner.execute(Command.query(tool.get(0), "status")).ok()) {
          u.run(tool.get(0) + " reload", () -> runner.run(Command.change(tool.get(0), "reload", tool.get(1))));
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new DeployException("wgdeploy --down for namespace " + ns,
          "some steps failed: " + String.join("; ", failures),
          "fix the cause and run wgdeploy --down again; it skips what is already gone");
    }
    if (!dryRun) {
      state.removeAll();
    }
  }

  private static void removeFiles(Layout l, Manifest m, StateStore state) {
    for (Path f : m.files()) {
      if (!state.restore("pristine", f)) {
        StateStore.delete(f);
      }
    }
    for (Path dir : List.of(l.wireguardDir(), l.birdLocalDir())) {
      try {
        Files.deleteIfExists(dir); // only when empty: site additions in the include dir stay
      } catch (java.io.IOException e) {
        // not empty: left for the operator
      }
    }
  }

  /** Stops BIRD: {@code birdc down}, then waits for its PID to go. */
  static void stopBird(CommandRunner runner, Layout l, Waiter waiter) {
    String sock = l.birdSocket().toString();
    if (!runner.execute(Command.query("birdc", "-s", sock, "show", "status")).stdout().contains("Daemon is up")) {
      return;
    }
    runner.run(Command.change("birdc", "-s", sock, "down"));
    Pids.read(l.birdPidFile()).ifPresent(pid -> waiter.await(() -> !Pids.isRunning(pid, "bird")));
  }

  /**
   * Moves {@code iface} from {@code ns} back to the default namespace (the one wgdeploy runs in,
   * named by the PID of the shell, which stays there while {@code ip -n} switches; not PID 1, so it
   * also works inside a simulated host) and gives
   * it back its addresses.
   */
  static void moveBack(CommandRunner r, String ns, String iface, List<String> addresses, boolean up) {
    r.run(Command.change("sh", "-c", "ip -n \"$0\" link set \"$1\" netns $$", ns, iface));
    for (String a : addresses) {
      List<String> argv = new ArrayList<>(List.of("ip", "addr", "add", a, "dev", iface));
      if (a.contains(":")) {
        argv.add("nodad");
      }
      r.run(new Command(argv, null, true));
    }
    if (up) {
      r.run(Command.change("ip", "link", "set", iface, "up"));
    }
  }
}
