package org.wgmesh.endpoint.deploy.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.exec.Command;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * Clients (issue 25) in a failed deploy's undo and in {@code --down}: a removed client comes back
 * with its configuration when the deploy fails, and teardown removes every {@code wgc*} interface.
 */
class ClientStepsTest {
  private static List<String> commands(List<Effect> effects) {
    return effects.stream().flatMap(Step::command).map(Command::display).toList();
  }

  @Test
  void clientLeaves_birdFails_fileRestoredThenInterfaceRecreatedFromIt() {
    Desired with = HostStates.withClients();
    List<Step> steps =
        DeploySteps.plan(HostStates.clientLeaves(), HostStates.deployed(with)).steps();
    Step bird =
        steps.stream().filter(s -> s.label().equals("birdc configure")).findFirst().orElseThrow();
    TransactionsTest.FakeHost host =
        new TransactionsTest.FakeHost(TransactionsTest.once(bird.apply().get(0)));
    assertThat(TransactionsTest.failAt(host, steps)).isNotNull();
    int failed = host.ran.indexOf(bird.apply().get(0));
    List<Effect> undo = host.ran.subList(failed + 1, host.ran.size());
    StateStore state = HostStates.state(with);
    int restored =
        undo.indexOf(
            new Effect.Copy(
                state.mirror(StateStore.BACKUP, HostStates.wgConf("wgc1")),
                HostStates.wgConf("wgc1")));
    assertThat(restored).as("wgc1.conf restored from its backup: %s", undo).isNotNegative();
    List<String> after = commands(undo.subList(restored, undo.size()));
    assertThat(after)
        .containsSubsequence(
            "ip -n lab link add wgc1 type wireguard",
            "ip netns exec lab wg setconf wgc1 " + HostStates.wgConf("wgc1"),
            "ip -n lab link set wgc1 up");
  }

  @Test
  void teardown_removesTheManifestsClientInterfaces_andAnyLiveWgc() {
    Desired with = HostStates.withClients();
    LiveState live = HostStates.deployed(with);
    HostState h = live.host();
    // A client interface of an older deploy the manifest no longer names (say, a crash).
    Map<String, LinkInfo> links = new HashMap<>(h.nsLinks());
    links.put("wgc9", new LinkInfo("wgc9", true, Set.of(), 1420));
    Set<String> wg = new HashSet<>(h.wireguardInterfaces());
    wg.add("wgc9");
    HostState withStale =
        new HostState(
            h.namespaceExists(),
            h.hostLinks(),
            links,
            wg,
            h.forwarding(),
            h.nsRoutes(),
            h.hostRoutes(),
            h.birdRunning(),
            h.shorewallRunning(),
            h.shorewall6Running(),
            h.tools(),
            h.nftablesTable());
    Layout l = with.plan().layout();
    List<String> labels =
        Teardown.plan(
                l,
                live.manifest(),
                withStale,
                "lan0",
                WireGuardBackendChoice.KERNEL,
                Supervisor.DIRECT,
                Set.of(),
                Set.of())
            .stream()
            .map(Step::label)
            .toList();
    assertThat(labels).contains("remove wgc1", "remove wgc2", "remove wgc9", "remove wg2");
    assertThat(labels.indexOf("remove wgc1")).isLessThan(labels.indexOf("remove namespace lab"));
  }
}
