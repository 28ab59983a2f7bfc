package org.wgmesh.site.status;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code wg show} on a reporting host saw of one peer.
 *
 * @param peer the peer's hostname
 * @param handshakeAge time since the latest handshake; empty when there was none
 * @param rxBytes bytes received from the peer
 * @param txBytes bytes sent to the peer
 * @param endpoint the peer's endpoint address as WireGuard last saw it ({@code ADDRESS:PORT})
 */
public record PeerState(
    String peer,
    Optional<Duration> handshakeAge,
    long rxBytes,
    long txBytes,
    Optional<String> endpoint) {
  /**
   * A link counts as up while its latest handshake is younger than this: WireGuard re-keys every 2
   * minutes on a link in use (and keepalives keep links in use), so 3 minutes leaves one missed
   * re-key of slack.
   */
  public static final Duration UP_WITHIN = Duration.ofMinutes(3);

  public PeerState {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(handshakeAge, "handshakeAge");
    Objects.requireNonNull(endpoint, "endpoint");
  }

  /** True when the latest handshake is recent enough for the link to be up. */
  public boolean up() {
    return handshakeAge.map(age -> age.compareTo(UP_WITHIN) <= 0).orElse(false);
  }
}
