package org.wgmesh.endpoint.deploy.health;

import java.time.Clock;
import java.time.Duration;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.state.Manifest;

/**
 * Checks that what the last deploy left ({@link Manifest}) is alive: {@link HealthProbe} reads the
 * host, {@link HealthJudge} judges what it read. Query commands only, and no DNS: a monitor must be
 * able to run it every minute, also while DNS is down, without changing anything.
 */
public final class HealthCheck {
  /**
   * WireGuard renews a session's handshake every 2 minutes while packets flow, and on a mesh link
   * they always flow (keepalive every 25 s, BFD every 100 ms); 180 s leaves a minute for retries.
   */
  public static final Duration DEFAULT_MAX_HANDSHAKE_AGE = Duration.ofSeconds(180);

  private final HealthProbe probe;

  public HealthCheck(CommandRunner runner, Clock clock) {
    this.probe = new HealthProbe(runner, clock);
  }

  /**
   * Runs every check on the host deployed as {@code manifest}; never throws for what it finds.
   *
   * @param acceptedSerial the highest mesh serial verified on this host ({@code .seen}), 0 if none
   */
  public HealthReport check(
      Layout layout, Manifest manifest, long acceptedSerial, Duration maxHandshakeAge) {
    return HealthJudge.judge(
        layout, manifest, probe.probe(layout, manifest), acceptedSerial, maxHandshakeAge);
  }
}
