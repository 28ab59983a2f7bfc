package org.wgmesh.endpoint.deploy.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.io.Lock;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * {@link HostTransactions} running the plan of a first deploy (fresh host x D0) against a recording
 * fake that fails on a chosen effect: what is undone, in which order, and what is left.
 */
class TransactionsTest {
  static final String SUBJECT = "deploy of mesh.example.com in namespace lab";

  /** Records every effect; throws on the ones {@code fails} picks (after recording them). */
  static final class FakeHost implements HostTransactions.EffectRunner {
    final List<Effect> ran = new ArrayList<>();
    final Predicate<Effect> fails;

    FakeHost(Predicate<Effect> fails) {
      this.fails = fails;
    }

    @Override
    public void apply(Effect effect) {
      ran.add(effect);
      if (fails.test(effect)) {
        throw new IllegalStateException("refused: " + effect.describe());
      }
    }
  }

  /** Fails only the very object {@code e} (the planner's own instance), the first time it runs. */
  static Predicate<Effect> once(Effect e) {
    boolean[] done = {false};
    return x -> {
      if (x == e && !done[0]) {
        done[0] = true;
        return true;
      }
      return false;
    };
  }

  static List<Step> freshDeploy() {
    return DeploySteps.plan(HostStates.d0(), HostStates.fresh()).steps();
  }

  static DeployException failAt(FakeHost host, List<Step> steps) {
    return catchThrowableOfType(
        () -> new HostTransactions(host, Reporter.silent()).transaction(SUBJECT, steps),
        DeployException.class);
  }

  static List<String> commands(List<Effect> effects) {
    return effects.stream().flatMap(Step::command).map(Command::display).toList();
  }

  @Test
  void transaction_noStepFails_runsEveryEffectInOrder() {
    List<Step> steps = freshDeploy();
    FakeHost host = new FakeHost(e -> false);
    Transactions.Outcome out =
        new HostTransactions(host, Reporter.silent()).transaction(SUBJECT, steps);
    assertThat(out.applied()).isTrue();
    assertThat(host.ran)
        .containsExactlyElementsOf(steps.stream().flatMap(s -> s.apply().stream()).toList());
  }

  @Test
  void transaction_eachStepFailingInTurn_undoesThatStepThenTheDoneOnesNewestFirst() {
    List<Step> steps = freshDeploy();
    assertThat(steps).hasSizeGreaterThan(20);
    for (int k = 0; k < steps.size(); k++) {
      Step failing = steps.get(k);
      FakeHost host = new FakeHost(once(failing.apply().get(0)));
      DeployException e = failAt(host, steps);
      assertThat(e).as("step %d (%s)", k, failing.label()).isNotNull();
      assertThat(e.what()).isEqualTo(SUBJECT);
      assertThat(e.why())
          .as(failing.label())
          .startsWith(failing.label() + " failed: refused: ")
          .endsWith("; the previous configuration was restored");
      List<Effect> expected = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        expected.addAll(steps.get(i).apply());
      }
      expected.add(failing.apply().get(0));
      for (int i = k; i >= 0; i--) {
        expected.addAll(steps.get(i).undo());
      }
      assertThat(host.ran)
          .as("step %d (%s)", k, failing.label())
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void transaction_startBirdFails_leavesTheHostAsItWasButTheSerialsAndDirectories() {
    List<Step> steps = freshDeploy();
    Step bird =
        steps.stream().filter(s -> s.label().equals("start BIRD")).findFirst().orElseThrow();
    FakeHost host = new FakeHost(once(bird.apply().get(0)));
    failAt(host, steps);
    List<Effect> undone =
        host.ran.subList(host.ran.lastIndexOf(bird.apply().get(0)) + 1, host.ran.size());
    Layout l = HostStates.d0().plan().layout();
    assertThat(commands(undone))
        .containsExactly(
            "birdc -s " + l.birdSocket() + " down",
            "ip -n lab link del wg5",
            "ip -n lab link del wg3",
            "ip -n lab link del wg2",
            "shorewall6 clear",
            "shorewall clear",
            "ip -4 route del 198.18.2.0/24 via 169.254.0.2 dev lab-vh",
            "ip -6 route del fd00:18:2::/64 via fdff:a9fe::2 dev lab-vh",
            "ip -6 route del fd00:18:3::/64 via fdff:a9fe::2 dev lab-vh",
            "ip -n lab addr del fd12:3456:789a:0:1::1/128 dev lo",
            "sh -c ip -n \"$0\" link set \"$1\" netns $$ lab lan0",
            "ip addr add 198.18.1.1/24 dev lan0",
            "ip addr add fd00:18:1::1/64 dev lan0 nodad",
            "ip link set lan0 up",
            "ip link del lab-vh",
            "ip netns del lab");
    StateStore state = HostStates.state(HostStates.d0());
    List<Effect> files = new ArrayList<>();
    HostStates.d0().files().forEach(f -> files.add(Effect.Delete.file(f.path())));
    files.add(Effect.Delete.file(state.journalFile()));
    files.add(Effect.Delete.tree(state.folder(StateStore.BACKUP)));
    files.add(Effect.Delete.tree(state.folder(StateStore.STAGING)));
    files.add(Effect.Delete.tree(state.folder(StateStore.STAGING)));
    List<Effect> notRun = new ArrayList<>(List.of(new Effect.AwaitExit(l.birdPidFile(), "bird")));
    notRun.addAll(files);
    assertThat(undone.stream().filter(e -> !(e instanceof Effect.Run)).toList())
        .containsExactlyElementsOf(notRun);
    // Left on purpose: the accepted serials (a replayed older record stays refused) and the
    // directories the staging step created (nothing removes them).
    Step serials = steps.get(0);
    assertThat(serials.label()).isEqualTo("record the accepted mesh serials");
    assertThat(host.ran).contains(serials.apply().get(0));
    assertThat(serials.undo()).isEmpty();
    assertThat(undone)
        .noneMatch(e -> e instanceof Effect.RemoveEmptyDirectory)
        .noneMatch(e -> e instanceof Effect.Delete d && d.path().equals(l.wireguardDir()));
  }

  @Test
  void transaction_createNamespaceFails_deletesItAndTheNewFilesOnly() {
    List<Step> steps = freshDeploy();
    Step ns =
        steps.stream()
            .filter(s -> s.label().equals("create namespace lab"))
            .findFirst()
            .orElseThrow();
    FakeHost host = new FakeHost(once(ns.apply().get(0)));
    DeployException e = failAt(host, steps);
    assertThat(e.why()).startsWith("create namespace lab failed: ");
    List<Effect> undone =
        host.ran.subList(host.ran.lastIndexOf(ns.apply().get(0)) + 1, host.ran.size());
    assertThat(commands(undone)).containsExactly("ip netns del lab");
    assertThat(undone)
        .filteredOn(x -> x instanceof Effect.Delete d && !d.tree())
        .hasSize(HostStates.d0().files().size() + 1);
  }

  @Test
  void transaction_firstStepFails_undoesNothingButItself() {
    List<Step> steps = freshDeploy();
    FakeHost host = new FakeHost(once(steps.get(0).apply().get(0)));
    DeployException e = failAt(host, steps);
    assertThat(e.why()).startsWith("record the accepted mesh serials failed: ");
    assertThat(host.ran).containsExactly(steps.get(0).apply().get(0));
  }

  @Test
  void transaction_failedStepsOwnUndoFails_isIgnoredAndTheRestStillRuns() {
    List<Step> steps = freshDeploy();
    Step veth =
        steps.stream().filter(s -> s.label().startsWith("create veth")).findFirst().orElseThrow();
    Effect first = veth.apply().get(0);
    Effect ownUndo = veth.undo().get(0);
    FakeHost host = new FakeHost(x -> x == first || x == ownUndo);
    DeployException e = failAt(host, steps);
    assertThat(e.why()).endsWith("; the previous configuration was restored");
    assertThat(e.hint()).isEmpty();
    assertThat(commands(host.ran.subList(host.ran.lastIndexOf(first), host.ran.size())))
        .startsWith(
            "ip link add lab-vh type veth peer name lab-vn netns lab",
            "ip link del lab-vh",
            "ip netns del lab");
  }

  @Test
  void transaction_undoOfADoneStepFails_saysTheRestoreFailedAndNamesIt() {
    List<Step> steps = freshDeploy();
    Step bird =
        steps.stream().filter(s -> s.label().equals("start BIRD")).findFirst().orElseThrow();
    Step wg3 =
        steps.stream()
            .filter(s -> s.label().equals("create wg3 (kernel)"))
            .findFirst()
            .orElseThrow();
    Effect birdFails = bird.apply().get(0);
    Effect undoFails = wg3.undo().get(0);
    FakeHost host = new FakeHost(x -> x == birdFails || x == undoFails);
    DeployException e = failAt(host, steps);
    assertThat(e.why())
        .startsWith("start BIRD failed: ")
        .contains("; restoring the previous state also failed: create wg3 (kernel): refused: ");
    assertThat(e.hint()).hasValue("run wgdeploy again; it completes the recovery");
    // The other undos still ran after it.
    assertThat(commands(host.ran)).contains("ip -n lab link del wg2", "ip netns del lab");
  }

  @Test
  void dryRun_transactionAndBestEffort_runNothingAndWriteNoFile(@TempDir Path dir) {
    List<Step> steps = freshDeploy();
    Transactions dry = new DryRunTransactions();
    Path lockFile = dir.resolve("state/lab.lock");
    try (Lock lock = dry.lock(lockFile, () -> new ConflictException("lock", "held"))) {
      assertThat(lock).isNotNull();
    }
    Transactions.Outcome t = dry.transaction(SUBJECT, steps);
    Transactions.Outcome b = dry.bestEffort(SUBJECT, steps);
    dry.report(dir.resolve("report.prom"), "x 1\n");
    assertThat(t.applied()).isFalse();
    assertThat(t.steps()).isEqualTo(steps);
    assertThat(b.applied()).isFalse();
    assertThat(b.steps()).isEqualTo(steps);
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void hostTransactions_lock_createsTheLockFile(@TempDir Path dir) {
    // The contrast of the dry run: the real lock is a file.
    Path lockFile = dir.resolve("lab.lock");
    try (Lock lock =
        new HostTransactions(new FakeHost(e -> false), Reporter.silent())
            .lock(lockFile, () -> new ConflictException("lock", "held"))) {
      assertThat(Files.exists(lockFile)).isTrue();
    }
  }

  @Test
  void bestEffort_twoStepsFail_runsEveryStepAndReportsBothFailures() {
    Layout l = HostStates.d0().plan().layout();
    LiveState live = HostStates.deployed(HostStates.d0());
    List<Step> steps =
        Teardown.plan(
            l,
            live.manifest(),
            live.host(),
            "lan0",
            WireGuardBackendChoice.KERNEL,
            Supervisor.DIRECT,
            Set.of(),
            Set.of());
    Step wg3 = steps.stream().filter(s -> s.label().equals("remove wg3")).findFirst().orElseThrow();
    Step veth =
        steps.stream()
            .filter(s -> s.label().equals("remove veth lab-vh"))
            .findFirst()
            .orElseThrow();
    Effect a = wg3.apply().get(0);
    Effect b = veth.apply().get(0);
    FakeHost host = new FakeHost(x -> x == a || x == b);
    DeployException e =
        catchThrowableOfType(
            () ->
                new HostTransactions(host, Reporter.silent()).bestEffort("wgdeploy --down", steps),
            DeployException.class);
    assertThat(e).isNotNull();
    assertThat(e.why())
        .startsWith("some steps failed: ")
        .contains("remove wg3: refused: ", "remove veth lab-vh: refused: ");
    assertThat(host.ran)
        .containsExactlyElementsOf(steps.stream().flatMap(s -> s.apply().stream()).toList());
    assertThat(host.ran).noneMatch(x -> steps.stream().anyMatch(s -> s.undo().contains(x)));
    assertThat(steps.get(steps.size() - 1).label()).isEqualTo("remove the managed files");
    assertThat(host.ran.get(host.ran.size() - 1)).isInstanceOf(Effect.RemoveEmptyDirectory.class);
  }
}
