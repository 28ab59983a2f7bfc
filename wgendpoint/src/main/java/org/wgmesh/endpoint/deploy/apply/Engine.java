package org.wgmesh.endpoint.deploy.apply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.exec.DryRunCommandRunner;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.endpoint.deploy.DeployResult;
import org.wgmesh.endpoint.deploy.EndpointSettings;
import org.wgmesh.endpoint.deploy.Supervisor;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.WireGuardLink;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.RenderedFile;

/**
 * Applies a rendered plan as one transaction:
 *
 * <ol>
 *   <li>recover: a journal left by an interrupted run is rolled back (files restored);
 *   <li>diff: rendered files against the disk, the plan against the live state (queries only);
 *       nothing to do means no further command at all;
 *   <li>stage and validate: the changed components' files are written to {@code staging/} and
 *       checked with {@code bird -p -c} and {@code shorewall check} before anything live changes;
 *   <li>journal and back up, then swap each file atomically;
 *   <li>reload: add before delete ({@link RuntimeApplier});
 *   <li>on any failure: restore the files and undo the runtime steps done so far, then throw a
 *       {@link DeployException} naming the step that failed.
 * </ol>
 *
 * Dry-run wraps the runner in {@link DryRunCommandRunner}: queries still run, changes are only
 * collected, and no file is written.
 */
public final class Engine {
  private final CommandRunner runner;
  private final Reporter reporter;
  private final Waiter waiter;

  public Engine(CommandRunner runner, Reporter reporter, Waiter waiter) {
    this.runner = runner;
    this.reporter = reporter;
    this.waiter = waiter;
  }

  /**
   * Deploys {@code files} rendered from {@code plan}.
   *
   * @throws DeployException when validation or a step fails; the previous files and running
   *     state are back in place
   */
  public DeployResult deploy(DeployPlan plan, List<RenderedFile> files, EndpointSettings settings, boolean dryRun) {
    Layout layout = plan.layout();
    StateStore state = new StateStore(layout.stateDir());
    List<Command> ran = new ArrayList<>();
    CommandRunner r = dryRun ? new DryRunCommandRunner(runner, ran::add) : recording(runner, ran);
    Waiter w = dryRun ? Waiter.NONE : waiter;

    boolean recovered = false;
    Optional<Journal> journal = state.journal();
    if (journal.isPresent() && !dryRun) {
      reporter.warn("an earlier wgdeploy run was interrupted; restoring its previous files first");
      Journal crashed = journal.get();
      restoreFiles(state, crashed);
      Manifest m = state.manifest();
      if (!crashed.trustMoved().isEmpty() && m.trustMoved().isEmpty()) {
        // The crashed run moved the trust interface: remember its original addresses for --down.
        state.writeManifest(new Manifest(m.domain(), plan.namespace(), plan.veth().hostName(), m.files(),
            m.wireguard(), crashed.trustMoved(), crashed.trustAddresses(), crashed.trustWasUp(),
            m.shorewallStarted()));
      }
      state.clearJournal();
      recovered = true;
    }
    Manifest old = state.manifest();
    FileDiff diff = FileDiff.of(files, old.files());
    HostState live = new HostProbe(r).probe(plan);
    WireGuardBackend backend =
        WireGuardBackends.select(settings.backend(), r, layout, settings.supervisor(), w);
    Map<String, String> wg = new LinkedHashMap<>();
    for (WireGuardLink l : plan.links()) {
      wg.put(l.interfaceName(), l.localCidr());
    }
    Set<String> reloadIfaces = new HashSet<>();
    for (String iface : wg.keySet()) {
      if (recovered || diff.touchesInterface(iface)) {
        reloadIfaces.add(iface);
      }
    }
    RuntimeTarget target = new RuntimeTarget(plan, wg, reloadIfaces,
        recovered || diff.touches(Component.BIRD),
        recovered || diff.touches(Component.SHOREWALL),
        recovered || diff.touches(Component.SHOREWALL6),
        recovered || diff.touches(Component.SYSTEMD));
    RuntimeApplier applier = new RuntimeApplier(r, backend, settings.supervisor(), w);

    if (dryRun) {
      applier.apply(target, live, new Progress());
      return new DeployResult(true, plan.namespace(), backend.name(), diff.changes(), ran, false);
    }

    ensureDirectories(layout);
    if (!diff.isEmpty()) {
      validate(state, files, diff, r, recovered);
    }
    Journal j = new Journal(
        diff.changes().stream().filter(c -> c.kind() != FileChange.Kind.ADDED).map(FileChange::path).toList(),
        diff.changes().stream().filter(c -> c.kind() == FileChange.Kind.ADDED).map(FileChange::path).toList(),
        !live.namespaceExists());
    boolean mutates = !diff.isEmpty();
    if (mutates) {
      state.writeJournal(j);
      backup(state, diff, old);
    }
    Progress progress = new Progress();
    progress.onStep = s -> reporter.detail("step: %s", s);
    progress.beforeTrustMove = p -> state.writeJournal(
        j.movingTrust(plan.trustInterface(), p.trustOriginalAddresses, p.trustWasUp));
    try {
      swap(diff);
      applier.apply(target, live, progress);
    } catch (RuntimeException e) {
      String step = progress.step.isEmpty() ? "writing files" : progress.step;
      List<String> undoFailures = rollback(state, j, old, plan, target, live, progress, backend, r);
      state.clearJournal();
      String why = step + " failed: " + e.getMessage();
      throw new DeployException(
          "deploy of " + plan.domain() + " in namespace " + plan.namespace(),
          why + (undoFailures.isEmpty()
              ? "; the previous configuration was restored"
              : "; restoring the previous state also failed: " + String.join("; ", undoFailures)),
          undoFailures.isEmpty() ? null : "run wgdeploy again; it completes the recovery",
          e);
    }
    // Identical state files are left untouched (AtomicFiles), so a no-change run writes nothing.
    state.writeManifest(manifest(plan, files, old, progress));
    state.clearJournal();
    return new DeployResult(false, plan.namespace(), backend.name(), diff.changes(), ran, recovered);
  }

  /**
   * Removes everything deploys of this namespace created (see {@link Teardown}).
   *
   * @throws DeployException listing the steps that failed (the rest is still done)
   */
  public DeployResult down(Layout layout, EndpointSettings settings, boolean dryRun) {
    List<Command> ran = new ArrayList<>();
    CommandRunner r = dryRun ? new DryRunCommandRunner(runner, ran::add) : recording(runner, ran);
    StateStore state = new StateStore(layout.stateDir());
    new Teardown(r, dryRun ? Waiter.NONE : waiter, reporter).down(layout, settings, state, dryRun);
    return new DeployResult(dryRun, layout.namespace(), "", List.of(), ran, false);
  }

  private static Manifest manifest(DeployPlan plan, List<RenderedFile> files, Manifest old, Progress p) {
    Map<String, String> wg = new LinkedHashMap<>();
    plan.links().forEach(l -> wg.put(l.interfaceName(), l.localCidr()));
    boolean moved = p.movedTrust || !old.trustMoved().isEmpty();
    return new Manifest(
        plan.domain(), plan.namespace(), plan.veth().hostName(),
        files.stream().map(RenderedFile::path).toList(),
        wg,
        moved ? plan.trustInterface() : "",
        p.movedTrust ? p.trustOriginalAddresses : old.trustOriginalAddresses(),
        p.movedTrust ? p.trustWasUp : old.trustWasUp(),
        p.startedShorewall || old.shorewallStarted());
  }

  private static CommandRunner recording(CommandRunner delegate, List<Command> ran) {
    return new CommandRunner() {
      @Override
      public CommandResult execute(Command command) {
        if (command.mutates()) {
          ran.add(command);
        }
        return delegate.execute(command);
      }
    };
  }

  private static void ensureDirectories(Layout l) {
    try {
      Files.createDirectories(l.birdLocalDir());
      Files.createDirectories(l.roots().run());
      Path wg = l.wireguardDir();
      Files.createDirectories(wg);
      Files.setPosixFilePermissions(wg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new FileException(l.roots().toString(), "cannot create directories: " + e.getMessage(), null, e);
    }
  }

  /** Stages the changed components' files and runs the tools' own checks on them. */
  private void validate(StateStore state, List<RenderedFile> files, FileDiff diff, CommandRunner r, boolean all) {
    StateStore.deleteTree(state.staging());
    for (RenderedFile f : files) {
      AtomicFiles.write(state.mirror("staging", f.path()), f.bytes(), f.mode());
    }
    for (RenderedFile f : files) {
      if (f.component() == Component.BIRD && (all || diff.touches(Component.BIRD))) {
        check(r, f, Command.query("bird", "-p", "-c", state.mirror("staging", f.path()).toString()));
      }
    }
    checkDir(r, files, diff, all, Component.SHOREWALL, "shorewall", state);
    checkDir(r, files, diff, all, Component.SHOREWALL6, "shorewall6", state);
  }

  private static void checkDir(CommandRunner r, List<RenderedFile> files, FileDiff diff, boolean all,
      Component c, String tool, StateStore state) {
    if (!all && !diff.touches(c)) {
      return;
    }
    files.stream().filter(f -> f.component() == c).findFirst().ifPresent(f -> check(r, f,
        Command.query(tool, "check", state.mirror("staging", f.path()).getParent().toString())));
  }

  private static void check(CommandRunner r, RenderedFile f, Command c) {
    CommandResult res = r.execute(c);
    if (!res.ok()) {
      String out = (res.stderr() + "\n" + res.stdout()).strip();
      throw new DeployException(
          f.path() + " (from template " + f.template() + ")",
          "rejected by '" + c.display() + "': " + lastLines(out, 6)
              + "; nothing was changed, the previous configuration keeps running",
          "fix the template (or remove the override) and run wgdeploy again");
    }
  }

  private static String lastLines(String s, int n) {
    List<String> lines = s.lines().toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  private static void backup(StateStore state, FileDiff diff, Manifest old) {
    for (FileChange c : diff.changes()) {
      if (c.kind() == FileChange.Kind.ADDED) {
        continue;
      }
      state.save("backup", c.path());
      // A file that was there before wgdeploy ever managed it is kept for --down.
      if (!old.files().contains(c.path()) && !state.has("pristine", c.path())) {
        state.save("pristine", c.path());
      }
    }
  }

  private static void swap(FileDiff diff) {
    for (FileChange c : diff.changes()) {
      if (c.kind() == FileChange.Kind.REMOVED) {
        StateStore.delete(c.path());
      } else {
        RenderedFile f = c.desired().orElseThrow();
        AtomicFiles.write(f.path(), f.bytes(), f.mode());
      }
    }
  }

  private static void restoreFiles(StateStore state, Journal j) {
    for (Path p : j.replaced()) {
      state.restore("backup", p);
    }
    for (Path p : j.added()) {
      StateStore.delete(p);
    }
  }

  /** Puts the files back and undoes the runtime steps of this run, newest first. */
  private List<String> rollback(StateStore state, Journal j, Manifest old, DeployPlan plan,
      RuntimeTarget target, HostState live, Progress p, WireGuardBackend backend, CommandRunner r) {
    List<String> failures = new ArrayList<>();
    Undo u = new Undo(failures);
    u.run("restore files", () -> restoreFiles(state, j));
    String ns = plan.namespace();
    Layout l = plan.layout();
    RuntimeApplier applier = new RuntimeApplier(r, backend, Supervisor.DIRECT, waiter);
    for (String iface : p.createdInterfaces) {
      u.run("remove " + iface, () -> backend.delete(ns, iface));
    }
    for (String iface : p.removedInterfaces) {
      String cidr = old.wireguard().get(iface);
      u.run("recreate " + iface, () -> {
        backend.create(ns, iface);
        r.run(Command.change("ip", "netns", "exec", ns, "wg", "setconf", iface, l.wireguardConf(iface).toString()));
        if (cidr != null) {
          r.run(Command.change("ip", "-n", ns, "addr", "add", cidr, "dev", iface, "nodad"));
        }
        r.run(Command.change("ip", "-n", ns, "link", "set", iface, "up"));
      });
    }
    for (String iface : target.reloadInterfaces()) {
      if (live.wireguardInterfaces().contains(iface) && !p.createdInterfaces.contains(iface)) {
        u.run("wg syncconf " + iface, () -> r.run(Command.change(
            "ip", "netns", "exec", ns, "wg", "syncconf", iface, l.wireguardConf(iface).toString())));
      }
    }
    if (p.startedBird) {
      u.run("stop BIRD", () -> Teardown.stopBird(r, l, waiter));
    } else if (target.reloadBird() && live.birdRunning()) {
      u.run("birdc configure", () -> applier.configureBird(l.birdSocket().toString()));
    }
    undoShorewall(u, r, "shorewall", l.shorewallDir(), p.startedShorewall, target.reloadShorewall(), live.shorewallRunning());
    undoShorewall(u, r, "shorewall6", l.shorewall6Dir(), p.startedShorewall6, target.reloadShorewall6(), live.shorewall6Running());
    if (p.movedTrust) {
      u.run("move " + plan.trustInterface() + " back",
          () -> Teardown.moveBack(r, ns, plan.trustInterface(), p.trustOriginalAddresses, p.trustWasUp));
    }
    if (p.createdVeth) {
      u.run("remove veth", () -> r.execute(Command.change("ip", "link", "del", plan.veth().hostName())));
    }
    if (p.createdNamespace) {
      u.run("remove namespace", () -> r.execute(Command.change("ip", "netns", "del", ns)));
    }
    return failures;
  }

  private static void undoShorewall(Undo u, CommandRunner r, String tool, Path dir,
      boolean started, boolean reloaded, boolean wasRunning) {
    if (started) {
      u.run(tool + " clear", () -> r.run(Command.change(tool, "clear")));
    } else if (reloaded && wasRunning) {
      u.run(tool + " reload", () -> r.run(Command.change(tool, "reload", dir.toString())));
    }
  }

  /** Runs undo steps, collecting failures instead of stopping at the first. */
  record Undo(List<String> failures) {
    void run(String what, Runnable step) {
      try {
        step.run();
      } catch (RuntimeException e) {
        failures.add(what + ": " + e.getMessage());
      }
    }
  }
}
