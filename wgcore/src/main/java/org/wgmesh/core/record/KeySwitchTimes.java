package org.wgmesh.core.record;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.KeySwitch;

/**
 * The switch time published for a host key switch (issue 12), shared by {@link PublicationPlanner}
 * (what to publish) and {@link PublicationVerifier} (what must be published). The site file's
 * {@code key-switch-at} is counted from the import; the new key may be published much later (the
 * hourly wgpub timer), and peers need {@code key-switch-delay} to read it before the switch. So:
 *
 * <ol>
 *   <li>a switch the state already records for the host's new key keeps its time;
 *   <li>else, when the state's member has another key (the previous one, or the new key of an
 *       earlier rotation not yet switched to: this run publishes the new key first), the switch is
 *       at {@code max(key-switch-at, now + key-switch-delay)};
 *   <li>else (no state for it, or the new key is published without a recorded switch) at {@code
 *       key-switch-at}.
 * </ol>
 *
 * Once that time has come the entry is published settled: the new key, no switch.
 */
public final class KeySwitchTimes {
  private KeySwitchTimes() {}

  /**
   * A host entry as published.
   *
   * @param entry the entry the host record carries (with the switch at its published time, or
   *     settled)
   * @param line the switch the new state records for it, if one is pending
   */
  public record Published(HostEntry entry, Optional<PublicationState.Switch> line) {
    public Published {
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(line, "line");
    }
  }

  /**
   * The entry to publish for {@code host} at {@code now}.
   *
   * @param state the state of the previous publication
   * @param delay the site's {@code key-switch-delay}
   */
  public static Published resolve(
      HostEntry host, PublicationState state, Instant now, Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (host.keySwitch().isEmpty()) {
      return new Published(host, Optional.empty());
    }
    KeySwitch ks = host.keySwitch().get();
    PublicationState.Switch recorded = state.switches().get(host.uuid());
    PublicationState.Member member = state.members().get(host.uuid());
    Instant at;
    if (recorded != null && recorded.newKey().equals(host.publicKey())) {
      at = recorded.at();
    } else if (member != null && !member.publicKey().equals(host.publicKey())) {
      Instant earliest = now.plus(delay);
      at = ks.at().isAfter(earliest) ? ks.at() : earliest;
    } else {
      at = ks.at();
    }
    KeySwitch published = new KeySwitch(ks.from(), at);
    if (!published.pendingAt(now)) {
      return new Published(host.withoutKeySwitch(), Optional.empty());
    }
    return new Published(
        host.withKeySwitch(published),
        Optional.of(new PublicationState.Switch(host.publicKey(), published.at())));
  }
}
