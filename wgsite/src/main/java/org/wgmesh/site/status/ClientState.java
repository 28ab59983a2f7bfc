package org.wgmesh.site.status;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code wg show} on a reporting host saw of a client attached to it (issue 25): shown on the
 * status page, never judged (a laptop or a phone is often away).
 *
 * @param client the client's name
 * @param iface the host's interface for it ({@code wgc<c>})
 * @param handshakeAge time since the latest handshake; empty when the client never connected
 * @param rxBytes bytes received from the client
 * @param txBytes bytes sent to the client
 * @param endpoint where WireGuard last saw the client ({@code ADDRESS:PORT})
 */
public record ClientState(
    String client,
    String iface,
    Optional<Duration> handshakeAge,
    long rxBytes,
    long txBytes,
    Optional<String> endpoint) {
  public ClientState {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(iface, "iface");
    Objects.requireNonNull(handshakeAge, "handshakeAge");
    Objects.requireNonNull(endpoint, "endpoint");
  }

  /** Connected: a handshake as recent as an up link's ({@link PeerState#UP_WITHIN}). */
  public boolean connected() {
    return handshakeAge.map(age -> age.compareTo(PeerState.UP_WITHIN) <= 0).orElse(false);
  }
}
