package org.wgmesh.endpoint.deploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * The timing of a scheduled host key switch (of this host or a peer, issue 12): whether this run
 * waits for it, and the switch itself at the published time. A class of its own because it is the
 * only part of a deploy that waits, and its rules (how far ahead, what a dry run says) are about
 * time, not about what is deployed.
 */
final class KeySwitchJob {
  /** The deploy as the switch needs it: planned ahead of the switch, carried out at it. */
  interface Deploys {
    /**
     * Plans, renders and probes the deploy of the mesh as it stands at {@code at} with {@code key}.
     */
    PreparedDeploy prepare(X25519PrivateKey key, Instant at);

    /** Carries out {@code prepared}. */
    DeployResult execute(PreparedDeploy prepared);
  }

  private final Reporter reporter;
  private final Clock clock;
  private final Duration wait;
  private final Sleeper sleeper;

  /**
   * @param wait the longest a run waits for a switch ({@code --key-switch-wait}); zero: never wait
   * @param sleeper waits until an instant of {@code clock}
   */
  KeySwitchJob(Reporter reporter, Clock clock, Duration wait, Sleeper sleeper) {
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.wait = Objects.requireNonNull(wait, "wait");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * The scheduled host key switch (of this host or a peer) this run waits for: the earliest one
   * after {@code now}, when it is no further away than the wait and this run applies (a dry run
   * reports it). A later switch is left to a later run, which the timer starts within one interval;
   * the site schedules switches further out than that (its key-switch-delay).
   */
  Optional<Instant> due(EndpointConfig config, MeshView view, Instant now, DeployResult first) {
    Optional<Instant> next = view.nextKeySwitchAfter(now);
    if (next.isEmpty()) {
      return Optional.empty();
    }
    Duration until = Duration.between(now, next.get());
    String who = switchingHosts(view, now, next.get());
    if (until.compareTo(wait) > 0) {
      reporter.info(
          "%s: host key switch of %s at %s (in %ds): a wgdeploy within %ds of it switches",
          config.domain(), who, next.get(), until.toSeconds(), wait.toSeconds());
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
   * clock skew: BFD and BGP stay up (issue 12). The caller holds the lock while this waits.
   */
  DeployResult run(
      EndpointConfig config,
      X25519PrivateKey key,
      MeshView view,
      Instant at,
      DeployResult first,
      Deploys deploys) {
    PreparedDeploy switched = deploys.prepare(key, at);
    if (switched.steps().steps().isEmpty()) {
      return first; // the switch concerns no link of this host
    }
    reporter.info(
        "%s: waiting until %s to switch to the new key of %s",
        config.domain(), at, switchingHosts(view, clock.instant(), at));
    sleeper.sleepUntil(at, clock);
    reporter.detail("%s: woke at %s for the switch", config.domain(), clock.instant());
    DeployResult second = deploys.execute(switched);
    reporter.info(
        "%s: switched %d WireGuard file(s) at %s",
        config.domain(), second.files().size(), clock.instant());
    return first.then(second);
  }

  /** Who switches at {@code at}: "h2 (host-b)", comma-separated. */
  private static String switchingHosts(MeshView view, Instant now, Instant at) {
    return String.join(
        ", ",
        view.members()
            .filter(e -> e.pendingSwitchAt(now).map(s -> s.at().equals(at)).orElse(false))
            .map(e -> "h" + e.number() + " (" + e.hostname() + ")")
            .toList());
  }
}
