package org.wgmesh.endpoint.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.io.Lock;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.render.ShorewallIncludes;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.steps.LiveState;
import org.wgmesh.endpoint.deploy.steps.LiveStateReader;
import org.wgmesh.endpoint.deploy.steps.Step;
import org.wgmesh.endpoint.deploy.steps.Teardown;
import org.wgmesh.endpoint.deploy.steps.Transactions;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * The {@code --down} job: removes everything wgdeploy created for a mesh and restores what it
 * moved, from the state the last deploy left (no DNS). A class of its own because it shares only
 * the run's context with the deploy: it plans a {@link Teardown}, runs it best effort and then
 * forgets the state.
 */
final class DownJob {
  private final CommandRunner runner;
  private final Transactions transactions;
  private final Reporter reporter;

  DownJob(CommandRunner runner, Transactions transactions, Reporter reporter) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
  }

  /** See {@link DeployService#down}. */
  DeployResult run(RunContext run) {
    EndpointConfig config = run.config();
    try (Lock lock = run.lock(transactions)) {
      RunContext.Deployed deployed =
          run.deployed()
              .orElseThrow(
                  () ->
                      new DeployException(
                          "wgdeploy --down " + config.domain(),
                          "no deploy state for this domain in " + config.roots().state(),
                          "name the namespace in the endpoint config if it was deployed elsewhere"));
      Layout l = deployed.layout();
      String ns = l.namespace();
      Manifest m = deployed.state().manifest();
      String trust = config.trustInterface().map(Object::toString).orElse(m.trustMoved());
      HostState host =
          new HostProbe(runner).probe(l, m.vethHost().isEmpty() ? ns + "-vh" : m.vethHost(), trust);
      LiveState live = LiveStateReader.read(host, deployed.state(), m.files(), run.reader());
      Set<Path> unchangedIncludes = new HashSet<>();
      m.createdIncludes()
          .forEach(
              (p, sha) -> {
                if (live.text(p).map(ShorewallIncludes::sha256).equals(Optional.of(sha))) {
                  unchangedIncludes.add(p);
                } else if (live.files().containsKey(p)) {
                  reporter.info("%s: kept %s: it holds your changes", config.domain(), p);
                }
              });
      List<Step> steps =
          Teardown.plan(
              l,
              m,
              host,
              trust,
              config.backend(),
              config.supervisor(),
              live.pristine(),
              unchangedIncludes);
      if (steps.isEmpty()) {
        reporter.info(
            "nothing to remove: no deploy state in %s and no namespace %s", l.stateDir(), ns);
        return new DeployResult(true, ns, "", List.of(), List.of(), false);
      }
      Transactions.Outcome done =
          transactions.bestEffort("wgdeploy --down for namespace " + ns, steps);
      Transactions.Outcome forget =
          transactions.transaction(
              "wgdeploy --down for namespace " + ns, List.of(Teardown.forgetState(l)));
      if (done.applied()) {
        reporter.info("%s: removed namespace %s", config.domain(), ns);
      }
      List<Step> all = new ArrayList<>(done.steps());
      all.addAll(forget.steps());
      return new DeployResult(done.applied(), ns, "", List.of(), all, false);
    }
  }
}
