package org.wgmesh.endpoint.deploy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.error.UnhealthyException;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.endpoint.deploy.apply.Engine;
import org.wgmesh.endpoint.deploy.apply.HealthCheck;
import org.wgmesh.endpoint.deploy.apply.Manifest;
import org.wgmesh.endpoint.deploy.apply.StateStore;
import org.wgmesh.endpoint.deploy.apply.Waiter;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;

/**
 * The endpoint deploy engine: plan, render, apply as one transaction, and tear down. Every
 * external process goes through the injected {@link CommandRunner}; progress goes to the
 * {@link Reporter}; nothing is printed.
 */
public final class DeployService {
  private final CommandRunner runner;
  private final Reporter reporter;
  private final Waiter waiter;

  public DeployService(CommandRunner runner, Reporter reporter) {
    this(runner, reporter, Waiter.POLLING);
  }

  DeployService(CommandRunner runner, Reporter reporter, Waiter waiter) {
    this.runner = runner;
    this.reporter = reporter;
    this.waiter = waiter;
  }

  /**
   * Brings the endpoint to the state {@code view} describes. Idempotent: when the host already
   * matches, only query commands run and no file is written. Under dry-run nothing changes; the
   * result lists the file diff and the commands that would run.
   *
   * @param key this endpoint's WireGuard private key (goes only into 0600 files)
   * @throws ConfigException when the mesh and the settings cannot be combined or a template fails
   * @throws DeployException when validation or applying fails; the previous files and running
   *     state are then restored
   */
  public DeployResult deploy(MeshView view, EndpointSettings settings, X25519PrivateKey key, DeployOptions options) {
    DeployPlan plan = Planner.plan(view, settings);
    List<RenderedFile> files =
        renderer(settings, options).render(plan, key);
    reporter.detail("planned %d WireGuard links in namespace %s", plan.links().size(), plan.namespace());
    DeployResult result = new Engine(runner, reporter, waiter).deploy(plan, files, settings, options.dryRun());
    if (!options.dryRun()) {
      reporter.info(result.unchanged()
          ? "%s: nothing to change (serial %d)"
          : "%s: deployed serial %d", plan.domain(), plan.serial());
    }
    return result;
  }

  /**
   * Renders and returns the files of a plan without touching the host (for inspection and tests).
   */
  public List<RenderedFile> render(MeshView view, EndpointSettings settings, X25519PrivateKey key, DeployOptions options) {
    return renderer(settings, options)
        .render(Planner.plan(view, settings), key);
  }

  /**
   * Removes everything wgdeploy created for {@code domain}, and restores what it moved. Needs no
   * DNS: the namespace comes from the settings or from the state wgdeploy left.
   *
   * @throws DeployException when no deploy of {@code domain} is known or a step fails
   */
  public DeployResult down(String domain, EndpointSettings settings, DeployOptions options) {
    String ns = deployedNamespace(domain, settings)
        .orElseThrow(() -> new DeployException(
            "wgdeploy --down " + domain, "no deploy state for this domain in " + settings.roots().state(),
            "name the namespace in the endpoint config if it was deployed elsewhere"));
    DeployResult r = new Engine(runner, reporter, waiter).down(new Layout(settings.roots(), ns), settings, options.dryRun());
    if (!options.dryRun()) {
      reporter.info("%s: removed namespace %s", domain, ns);
    }
    return r;
  }

  /**
   * Checks the mesh deployed for {@code domain} against the live host ({@link HealthCheck}): needs
   * no DNS (the namespace and interfaces come from the settings and the manifest of the last
   * deploy) and runs query commands only.
   *
   * @throws UnhealthyException when {@code domain} was never deployed on this host
   */
  public HealthReport check(String domain, EndpointSettings settings, Duration maxHandshakeAge) {
    String d = TxtRecordSet.normalize(domain);
    Roots roots = settings.roots();
    Optional<Layout> layout = deployedNamespace(d, settings).map(ns -> new Layout(roots, ns));
    Manifest m = layout.map(l -> new StateStore(l.stateDir()).manifest()).orElse(Manifest.empty());
    if (m.isEmpty() || !TxtRecordSet.normalize(m.domain()).equals(d)) {
      throw new UnhealthyException(d, "this mesh is not deployed on this host (no wgdeploy state for it in "
          + roots.state() + ")", "deploy it first: wgdeploy " + d);
    }
    return new HealthCheck(runner, Clock.systemUTC()).check(layout.get(), m, maxHandshakeAge);
  }

  private static TemplateRenderer renderer(EndpointSettings settings, DeployOptions options) {
    return new TemplateRenderer(settings.templateOverrides(), options.wgdeployCommand(), settings.sshFromNet());
  }

  /** {@code <state>/<domain>.lock}: held by one wgdeploy run of a mesh at a time. */
  public static Path lockPath(Roots roots, String domain) {
    return roots.state().resolve(TxtRecordSet.normalize(domain) + ".lock");
  }

  /**
   * Takes the exclusive lock of {@code domain}'s deploys without waiting: a second run would
   * interleave its file swaps, journal and reloads with the first one's.
   *
   * @throws ConflictException when another wgdeploy for {@code domain} holds it
   * @throws org.wgmesh.core.error.FileException when the lock file cannot be created
   */
  public static LockFile lock(Roots roots, String domain) {
    String d = TxtRecordSet.normalize(domain);
    return LockFile.acquire(lockPath(roots, d), Duration.ZERO, () -> new ConflictException(
        lockPath(roots, d).toString(), "another wgdeploy for " + d + " is running",
        "wait for it to finish (the timer runs one every few minutes), then run again"));
  }

  /**
   * Where {@code domain} is deployed, without DNS: the namespace the endpoint config names, else
   * the one whose manifest names the domain (the default, the locus, is known only to DNS).
   */
  private static Optional<String> deployedNamespace(String domain, EndpointSettings settings) {
    return settings.namespace().or(() -> findNamespace(settings.roots(), TxtRecordSet.normalize(domain)));
  }

  /** The namespace whose manifest names {@code domain}. */
  static Optional<String> findNamespace(Roots roots, String domain) {
    if (!Files.isDirectory(roots.state())) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(roots.state(), Files::isDirectory)) {
      for (Path d : dirs) {
        if (new StateStore(d).manifest().domain().equals(domain)) {
          return Optional.of(d.getFileName().toString());
        }
      }
    } catch (IOException e) {
      throw new DeployException(roots.state().toString(), "cannot list: " + e.getMessage());
    }
    return Optional.empty();
  }
}
