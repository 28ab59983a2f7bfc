package org.wgmesh.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PublicKey;

/**
 * What an endpoint knows after reading and verifying the mesh from DNS: the input of the deploy
 * planner. Only produced by the record verifier, so holding one means every part was checked
 * against the pinned site key, serials and expiry.
 *
 * @param settings the mesh-wide parameters
 * @param serial the mesh record serial
 * @param issued when the site signed the mesh record
 * @param expires when the mesh record expires
 * @param siteSigningKey the site's Ed25519 key (pinned)
 * @param siteBoxKey the site's X25519 key (registration blobs are sealed to it)
 * @param self this endpoint's own entry
 * @param peers every other member, ordered by host number
 * @param clients every client of the mesh (issue 25), ordered by client number; an attached host
 *     renders those that attach to it, the others only route to them through the mesh
 */
public record MeshView(
    MeshSettings settings,
    long serial,
    Instant issued,
    Instant expires,
    Ed25519PublicKey siteSigningKey,
    X25519PublicKey siteBoxKey,
    HostEntry self,
    List<HostEntry> peers,
    List<ClientEntry> clients) {
  public MeshView {
    Objects.requireNonNull(self, "self");
    peers = List.copyOf(peers);
    clients = List.copyOf(clients);
  }

  /** A mesh without clients. */
  public MeshView(
      MeshSettings settings,
      long serial,
      Instant issued,
      Instant expires,
      Ed25519PublicKey siteSigningKey,
      X25519PublicKey siteBoxKey,
      HostEntry self,
      List<HostEntry> peers) {
    this(settings, serial, issued, expires, siteSigningKey, siteBoxKey, self, peers, List.of());
  }

  /** The clients that attach to this endpoint, ordered by client number. */
  public List<ClientEntry> attachedClients() {
    return clients.stream().filter(c -> c.attachesTo(self.number())).toList();
  }

  /** How long the site lets a record live (the time between signing and expiry). */
  public Duration lifetime() {
    return Duration.between(issued, expires);
  }

  /**
   * The mesh as it stands at {@code t}: every member with the key it uses then ({@link
   * HostEntry#settledAt}), no switch left. The deploy plans from this.
   */
  public MeshView at(Instant t) {
    return new MeshView(
        settings,
        serial,
        issued,
        expires,
        siteSigningKey,
        siteBoxKey,
        self.settledAt(t),
        peers.stream().map(p -> p.settledAt(t)).toList(),
        clients);
  }

  /** The earliest scheduled key switch after {@code t} (of this host or a peer), if any. */
  public Optional<Instant> nextKeySwitchAfter(Instant t) {
    return members()
        .flatMap(e -> e.pendingSwitchAt(t).stream())
        .map(KeySwitch::at)
        .min(Instant::compareTo);
  }

  /** Every member: this endpoint's own entry, then the peers. */
  public Stream<HostEntry> members() {
    return Stream.concat(Stream.of(self), peers.stream());
  }
}
