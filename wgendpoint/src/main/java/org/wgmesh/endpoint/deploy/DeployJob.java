package org.wgmesh.endpoint.deploy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.io.Lock;
import org.wgmesh.endpoint.config.HostKeyring;
import org.wgmesh.endpoint.config.HostKeys;
import org.wgmesh.endpoint.deploy.health.Metrics;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;
import org.wgmesh.endpoint.deploy.steps.DeploySteps;
import org.wgmesh.endpoint.deploy.steps.Desired;
import org.wgmesh.endpoint.deploy.steps.LiveState;
import org.wgmesh.endpoint.deploy.steps.LiveStateReader;
import org.wgmesh.endpoint.deploy.steps.SavedState;
import org.wgmesh.endpoint.deploy.steps.Transactions;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.source.MeshSource;

/**
 * The deploy job ({@code wgdeploy DOMAIN}): under the mesh's lock, read the host keys (once) and
 * the verified mesh, plan, render, probe the host, plan the steps and hand them to {@link
 * Transactions}; then a due host key switch ({@link KeySwitchJob}), the adoption of a pending host
 * key and the deploy metrics. A class of its own so that the plan-probe-execute sequence reads in
 * one place, apart from {@code --down} and {@code --check}.
 */
final class DeployJob {
  private final MeshSource source;
  private final CommandRunner runner;
  private final Transactions transactions;
  private final Reporter reporter;
  private final Clock clock;
  private final KeySwitchJob keySwitch;

  DeployJob(
      MeshSource source,
      CommandRunner runner,
      Transactions transactions,
      Reporter reporter,
      Clock clock,
      KeySwitchJob keySwitch) {
    this.source = Objects.requireNonNull(source, "source");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.keySwitch = Objects.requireNonNull(keySwitch, "keySwitch");
  }

  /** The whole deploy of {@code run}'s mesh; see {@link DeployService#deploy}. */
  DeployResult run(RunContext run) {
    EndpointConfig config = run.config();
    try (Lock lock = run.lock(transactions)) {
      Instant start = clock.instant();
      long serial = 0;
      try {
        HostKeyring keyring = HostKeyring.read(config.hostKey(), config.domain());
        // A host key rotation (wghost --rotate-key): once the site publishes the new key, this
        // host reads with it; it configures it from the switch time the site published on.
        MeshSource.KeyedRead keyed = source.readRotating(config, keyring);
        MeshSource.Read read = keyed.read();
        serial = read.view().serial();
        HostKeyChoice keys = new HostKeyChoice(keyring, keyed.key(), reporter);
        Instant now = clock.instant();
        X25519PrivateKey configured = keys.at(read.view(), now);
        DeployResult r = deploy(run, configured, read, now);
        Optional<Instant> switchAt = keySwitch.due(config, read.view(), now, r);
        if (switchAt.isPresent()) {
          configured = keys.at(read.view(), switchAt.get());
          r = keySwitch.run(config, configured, read.view(), switchAt.get(), r, deploys(run, read));
        }
        if (r.applied() && keys.isPending(configured)) {
          HostKeys.promotePending(config.hostKey(), configured);
          reporter.info(
              "%s: switched to the new host key %s",
              config.domain(), configured.publicKey().fingerprint());
        }
        reportDeploy(config, start, true, serial);
        return r;
      } catch (RuntimeException e) {
        reportDeploy(config, start, false, serial);
        throw e;
      }
    }
  }

  /** The deploy of the mesh as it stands at {@code at} (each member's key then). */
  DeployResult deploy(RunContext run, X25519PrivateKey key, MeshSource.Read read, Instant at) {
    return execute(prepare(run, key, read, at));
  }

  private KeySwitchJob.Deploys deploys(RunContext run, MeshSource.Read read) {
    return new KeySwitchJob.Deploys() {
      @Override
      public PreparedDeploy prepare(X25519PrivateKey key, Instant at) {
        return DeployJob.this.prepare(run, key, read, at);
      }

      @Override
      public DeployResult execute(PreparedDeploy prepared) {
        return DeployJob.this.execute(prepared);
      }
    };
  }

  /** The deploy metrics file; a failure to write it must not hide the deploy's own result. */
  private void reportDeploy(EndpointConfig config, Instant start, boolean success, long serial) {
    try {
      transactions.report(
          Metrics.deployFile(config.roots(), config.domain().toString()),
          Metrics.deploy(
              config.domain().toString(),
              start,
              Duration.between(start, clock.instant()),
              success,
              serial));
    } catch (RuntimeException e) {
      reporter.warn("cannot write the deploy metrics: %s", e.getMessage());
    }
  }

  /**
   * Plans the mesh as it stands at {@code at}, renders, probes the host, plans the steps. The state
   * directory is read once here, for the Shorewall merge and the live state.
   */
  private PreparedDeploy prepare(
      RunContext run, X25519PrivateKey key, MeshSource.Read read, Instant at) {
    EndpointConfig config = run.config();
    DeployPlan plan = Planner.plan(read.view().at(at), config);
    HostProbe probe = new HostProbe(runner);
    // Shared-LAN links come in by the interface on that network: the firewall must know it.
    List<String> sharedLanInterfaces =
        probe.hostInterfacesFacing(plan.sharedLanPeers()).stream()
            .filter(i -> !i.equals(plan.trustInterface()) && !i.equals(plan.publicInterface()))
            .toList();
    List<RenderedFile> files =
        new ArrayList<>(
            new TemplateRenderer(config.templateDir()).render(plan, key, sharedLanInterfaces));
    reporter.detail(
        "planned %d WireGuard links and %d client interfaces in namespace %s",
        plan.links().size(), plan.clients().size(), plan.namespace());
    Layout l = plan.layout();
    SavedState state = run.state(l);
    List<Path> operatorFiles = List.of();
    if (config.firewall() == Firewall.SHOREWALL) {
      SharedShorewall shared =
          SharedShorewall.of(config, l, state.manifest(), state.journal().isPresent());
      files.addAll(shared.includes());
      operatorFiles = shared.operatorFiles();
    }
    HostState host =
        probe.probe(l, plan.veth().hostName(), plan.trustInterface(), DeploySteps.snat(plan));
    List<Path> paths = new ArrayList<>(files.stream().map(RenderedFile::path).toList());
    paths.add(read.seenFile());
    LiveState live = LiveStateReader.read(host, state, paths, run.reader());
    DeploySteps.Plan steps =
        DeploySteps.plan(
            new Desired(
                plan,
                files,
                config.backend(),
                config.supervisor(),
                Optional.of(new Desired.StateFile(read.seenFile(), read.seenText())),
                operatorFiles),
            live);
    return new PreparedDeploy(plan, steps);
  }

  private DeployResult execute(PreparedDeploy p) {
    DeployPlan plan = p.plan();
    DeploySteps.Plan steps = p.steps();
    Transactions.Outcome done =
        transactions.transaction(
            "deploy of " + plan.domain() + " in namespace " + plan.namespace(), steps.steps());
    DeployResult result =
        new DeployResult(
            done.applied(),
            plan.namespace(),
            steps.backend(),
            steps.files(),
            done.steps(),
            steps.recovers());
    steps.warnings().forEach(w -> reporter.warn("%s", w));
    if (steps.recovers()) {
      reporter.warn(
          "an earlier wgdeploy run was interrupted; its previous files are restored first");
    }
    if (done.applied()) {
      reporter.info(
          result.unchanged() ? "%s: nothing to change (serial %d)" : "%s: deployed serial %d",
          plan.domain(),
          plan.serial());
    }
    return result;
  }
}
