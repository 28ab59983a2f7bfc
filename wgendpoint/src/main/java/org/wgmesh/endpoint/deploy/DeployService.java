package org.wgmesh.endpoint.deploy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.io.Lock;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.HostKeys;
import org.wgmesh.endpoint.deploy.health.Metrics;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.HostState;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.ShorewallIncludes;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.deploy.state.StateStore;
import org.wgmesh.endpoint.deploy.steps.DeploySteps;
import org.wgmesh.endpoint.deploy.steps.Desired;
import org.wgmesh.endpoint.deploy.steps.LiveState;
import org.wgmesh.endpoint.deploy.steps.LiveStateReader;
import org.wgmesh.endpoint.deploy.steps.Step;
import org.wgmesh.endpoint.deploy.steps.Teardown;
import org.wgmesh.endpoint.deploy.steps.Transactions;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;
import org.wgmesh.endpoint.source.MeshSource;

/**
 * The endpoint deploy: read the endpoint file and host key (once), take the mesh's lock, read and
 * verify the mesh, plan, render, probe the host, plan the steps and hand them to {@link
 * Transactions} (the host, or a dry run that only reports them). Also {@code --down}; {@code
 * --check} is {@link CheckJob}'s. Every external process goes through the injected {@link
 * CommandRunner}; progress goes to the {@link Reporter}; nothing is printed.
 */
public final class DeployService {
  /**
   * How long before a scheduled host key switch a run waits for it: longer than the timer's
   * interval (5 min + 30 s), so some run of every endpoint falls into the window, shorter than the
   * site's default key-switch-delay (15 min), so the first run after a publication need not wait.
   */
  public static final Duration DEFAULT_KEY_SWITCH_WAIT = Duration.ofMinutes(10);

  private final Path configDir;
  private final MeshSource source;
  private final CommandRunner runner;
  private final Transactions transactions;
  private final Reporter reporter;
  private final Clock clock;
  private final Duration keySwitchWait;
  private final Sleeper sleeper;

  /**
   * @param configDir the endpoint configuration directory ({@code /etc/wgmesh})
   * @param source where the verified mesh comes from
   * @param runner runs the probes (queries) and, through {@code transactions}, the changes
   * @param transactions carries out the planned steps, or in a dry run does not
   */
  public DeployService(
      Path configDir,
      MeshSource source,
      CommandRunner runner,
      Transactions transactions,
      Reporter reporter,
      Clock clock) {
    this(
        configDir,
        source,
        runner,
        transactions,
        reporter,
        clock,
        DEFAULT_KEY_SWITCH_WAIT,
        Sleeper.REAL);
  }

  /**
   * As the other constructor, with how far ahead a scheduled host key switch is waited for.
   *
   * @param keySwitchWait the longest a run waits for a switch ({@code --key-switch-wait}); zero:
   *     never wait (the switch then happens at the first run after it, link down until then)
   * @param sleeper waits until an instant of {@code clock} (tests: advances a simulated clock)
   */
  public DeployService(
      Path configDir,
      MeshSource source,
      CommandRunner runner,
      Transactions transactions,
      Reporter reporter,
      Clock clock,
      Duration keySwitchWait,
      Sleeper sleeper) {
    this.keySwitchWait = Objects.requireNonNull(keySwitchWait, "keySwitchWait");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.configDir = Objects.requireNonNull(configDir, "configDir");
    this.source = Objects.requireNonNull(source, "source");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Settings given on the command line for one run, over the endpoint file's.
   *
   * @param backend {@code --backend}
   * @param supervisor {@code --supervisor}
   */
  public record Overrides(
      Optional<WireGuardBackendChoice> backend, Optional<Supervisor> supervisor) {
    /** No override. */
    public static Overrides none() {
      return new Overrides(Optional.empty(), Optional.empty());
    }

    EndpointConfig applyTo(EndpointConfig c) {
      return c.with(
          b -> {
            backend.ifPresent(v -> b.backend = v);
            supervisor.ifPresent(v -> b.supervisor = v);
          });
    }
  }

  /**
   * Brings the endpoint to the state the verified mesh of {@code domain} describes. Idempotent:
   * when the host already matches, only query commands run and no file is written.
   *
   * @throws ConflictException when another wgdeploy of this mesh runs
   * @throws org.wgmesh.core.error.ConfigException when the endpoint file, the mesh and the settings
   *     cannot be combined or a template fails
   * @throws org.wgmesh.core.error.RecordException when a record is missing, forged, expired or
   *     replayed
   * @throws DeployException when validation or applying fails; the previous files and running state
   *     are then restored
   */
  public DeployResult deploy(DomainName domain, Overrides overrides) {
    EndpointConfig config = overrides.applyTo(load(domain));
    try (Lock lock = lock(config)) {
      Instant start = clock.instant();
      long serial = 0;
      try {
        X25519PrivateKey current = HostKeys.read(config.hostKey(), config.domain());
        Optional<X25519PrivateKey> pending =
            HostKeys.readPending(config.hostKey(), config.domain());
        // A host key rotation (wghost --rotate-key): once the site publishes the new key, this
        // host reads with it; it configures it from the switch time the site published on.
        MeshSource.KeyedRead keyed = source.readRotating(config, current, pending);
        MeshSource.Read read = keyed.read();
        serial = read.view().serial();
        HostKeyChoice keys = new HostKeyChoice(current, pending, keyed.key(), reporter);
        Instant now = clock.instant();
        X25519PrivateKey configured = keys.at(read.view(), now);
        DeployResult r = deploy(config, configured, read, now);
        Optional<Instant> switchAt = dueKeySwitch(config, read, now, r);
        if (switchAt.isPresent()) {
          configured = keys.at(read.view(), switchAt.get());
          r = switchKeys(config, configured, read, switchAt.get(), r);
        }
        if (r.applied() && keys.isPending(configured)) {
          HostKeys.promotePending(config.hostKey(), config.domain());
          reporter.info(
              "%s: switched to the new host key %s",
              config.domain(), pending.get().publicKey().fingerprint());
        }
        reportDeploy(config, start, true, serial);
        return r;
      } catch (RuntimeException e) {
        reportDeploy(config, start, false, serial);
        throw e;
      }
    }
  }

  /**
   * The scheduled host key switch (of this host or a peer) this run waits for: the earliest one
   * after {@code now}, when it is no further away than {@link #keySwitchWait} and this run applies
   * (a dry run reports it). A later switch is left to a later run, which the timer starts within
   * one interval; the site schedules switches further out than that (its key-switch-delay).
   */
  private Optional<Instant> dueKeySwitch(
      EndpointConfig config, MeshSource.Read read, Instant now, DeployResult first) {
    Optional<Instant> next = read.view().nextKeySwitchAfter(now);
    if (next.isEmpty()) {
      return Optional.empty();
    }
    Duration until = Duration.between(now, next.get());
    String who = switchingHosts(read.view(), now, next.get());
    if (until.compareTo(keySwitchWait) > 0) {
      reporter.info(
          "%s: host key switch of %s at %s (in %ds): a wgdeploy within %ds of it switches",
          config.domain(), who, next.get(), until.toSeconds(), keySwitchWait.toSeconds());
      return Optional.empty();
    }
    if (!first.applied()) {
      reporter.info(
          "%s: would wait until %s (%ds) and switch to the new key of %s",
          config.domain(), next.get(), until.toSeconds(), who);
      return Optional.empty();
    }
    return next;
  }

  /**
   * Switches the keys at {@code at}: everything is planned and probed beforehand, so at the switch
   * time only the WireGuard changes run ({@code wg syncconf} of the links concerned). Every end of
   * a link does this at the time the site published, so the link changes keys on both ends within
   * clock skew: BFD and BGP stay up (issue 12). The lock stays held while waiting.
   */
  private DeployResult switchKeys(
      EndpointConfig config,
      X25519PrivateKey key,
      MeshSource.Read read,
      Instant at,
      DeployResult first) {
    Prepared switched = prepare(config, key, read, at);
    if (switched.steps().steps().isEmpty()) {
      return first; // the switch concerns no link of this host
    }
    reporter.info(
        "%s: waiting until %s to switch to the new key of %s",
        config.domain(), at, switchingHosts(read.view(), clock.instant(), at));
    sleeper.sleepUntil(at, clock);
    reporter.detail("%s: woke at %s for the switch", config.domain(), clock.instant());
    DeployResult second = execute(switched);
    reporter.info(
        "%s: switched %d WireGuard file(s) at %s",
        config.domain(), second.files().size(), clock.instant());
    return first.then(second);
  }

  /** Who switches at {@code at}: "h2 (host-b)", comma-separated. */
  private static String switchingHosts(
      org.wgmesh.core.model.MeshView view, Instant now, Instant at) {
    return String.join(
        ", ",
        view.members()
            .filter(e -> e.pendingSwitchAt(now).map(s -> s.at().equals(at)).orElse(false))
            .map(e -> "h" + e.number() + " (" + e.hostname() + ")")
            .toList());
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
   * The deploy for a configuration, key and verified read already in hand (the caller holds the
   * lock), of the mesh as it stands now.
   */
  public DeployResult deploy(EndpointConfig config, X25519PrivateKey key, MeshSource.Read read) {
    return deploy(config, key, read, clock.instant());
  }

  /** The deploy of the mesh as it stands at {@code at} (each member's key then). */
  private DeployResult deploy(
      EndpointConfig config, X25519PrivateKey key, MeshSource.Read read, Instant at) {
    return execute(prepare(config, key, read, at));
  }

  /**
   * A deploy planned, rendered and probed, not yet carried out.
   *
   * @param plan the deploy plan
   * @param steps the steps against the host as probed
   */
  private record Prepared(DeployPlan plan, DeploySteps.Plan steps) {}

  /** Plans the mesh as it stands at {@code at}, renders, probes the host, plans the steps. */
  private Prepared prepare(
      EndpointConfig config, X25519PrivateKey key, MeshSource.Read read, Instant at) {
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
        "planned %d WireGuard links in namespace %s", plan.links().size(), plan.namespace());
    Layout l = plan.layout();
    List<Path> operatorFiles = List.of();
    if (config.firewall() == Firewall.SHOREWALL) {
      StateStore state = new StateStore(l.stateDir());
      SharedShorewall shared =
          SharedShorewall.of(config, l, state.manifest(), state.journal().isPresent());
      files.addAll(shared.includes());
      operatorFiles = shared.operatorFiles();
    }
    HostState host =
        probe.probe(l, plan.veth().hostName(), plan.trustInterface(), DeploySteps.snat(plan));
    List<Path> paths = new ArrayList<>(files.stream().map(RenderedFile::path).toList());
    paths.add(read.seenFile());
    LiveState live = LiveStateReader.read(host, new StateStore(l.stateDir()), paths);
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
    return new Prepared(plan, steps);
  }

  private DeployResult execute(Prepared p) {
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

  /**
   * Removes everything wgdeploy created for {@code domain}, and restores what it moved. Needs no
   * DNS: the namespace comes from the endpoint file or from the state wgdeploy left.
   *
   * @throws DeployException when no deploy of {@code domain} is known or a step fails
   */
  public DeployResult down(DomainName domain, Overrides overrides) {
    EndpointConfig config = overrides.applyTo(load(domain));
    try (Lock lock = lock(config)) {
      String ns =
          deployedNamespace(config)
              .orElseThrow(
                  () ->
                      new DeployException(
                          "wgdeploy --down " + domain,
                          "no deploy state for this domain in " + config.roots().state(),
                          "name the namespace in the endpoint config if it was deployed elsewhere"));
      Layout l = new Layout(config.roots(), ns);
      StateStore state = new StateStore(l.stateDir());
      Manifest m = state.manifest();
      String trust = config.trustInterface().map(Object::toString).orElse(m.trustMoved());
      HostState host =
          new HostProbe(runner).probe(l, m.vethHost().isEmpty() ? ns + "-vh" : m.vethHost(), trust);
      LiveState live = LiveStateReader.read(host, state, m.files());
      Set<Path> unchangedIncludes = new HashSet<>();
      m.createdIncludes()
          .forEach(
              (p, sha) -> {
                if (live.text(p).map(ShorewallIncludes::sha256).equals(Optional.of(sha))) {
                  unchangedIncludes.add(p);
                } else if (live.files().containsKey(p)) {
                  reporter.info("%s: kept %s: it holds your changes", domain, p);
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
        reporter.info("%s: removed namespace %s", domain, ns);
      }
      List<Step> all = new ArrayList<>(done.steps());
      all.addAll(forget.steps());
      return new DeployResult(done.applied(), ns, "", List.of(), all, false);
    }
  }

  private EndpointConfig load(DomainName domain) {
    return EndpointFile.load(EndpointFile.path(configDir, domain), domain);
  }

  /** {@code <state>/<domain>.lock}: held by one wgdeploy run of a mesh at a time. */
  public static Path lockPath(EndpointConfig config) {
    return config.roots().state().resolve(config.domain() + ".lock");
  }

  /**
   * One run per mesh at a time (the timer and an operator may start one together): a second run
   * would interleave its file swaps, journal and reloads with the first one's. The lock also covers
   * the read, whose accepted serials the deploy records.
   */
  private Lock lock(EndpointConfig config) {
    Path p = lockPath(config);
    return transactions.lock(
        p,
        () ->
            new ConflictException(
                p.toString(),
                "another wgdeploy for " + config.domain() + " is running",
                "wait for it to finish (the timer runs one every few minutes; a run that waits for"
                    + " a scheduled host key switch holds the lock until then), then run again"));
  }

  /**
   * Where the mesh is deployed, without DNS: the namespace the endpoint config names, else the one
   * whose manifest names the domain (the default, the locus, is in the endpoint file too).
   */
  static Optional<String> deployedNamespace(EndpointConfig config) {
    if (config.netns().isPresent()) {
      return Optional.of(config.netns().get().name());
    }
    return findNamespace(config)
        .or(
            () ->
                Optional.of(config.effectiveNetns().name())
                    .filter(
                        ns ->
                            !new StateStore(config.roots().state().resolve(ns))
                                .manifest()
                                .isEmpty()));
  }

  /** The namespace whose manifest names the domain. */
  static Optional<String> findNamespace(EndpointConfig config) {
    Path root = config.roots().state();
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path d : dirs) {
        if (new StateStore(d).manifest().domain().equals(config.domain().toString())) {
          return Optional.of(d.getFileName().toString());
        }
      }
    } catch (IOException e) {
      throw new DeployException(root.toString(), "cannot list: " + e.getMessage());
    }
    return Optional.empty();
  }
}
