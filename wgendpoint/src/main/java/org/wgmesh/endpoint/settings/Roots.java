package org.wgmesh.endpoint.settings;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Every directory wgdeploy writes to. On a real host these are the system paths ({@link
 * #system()}); tests and simulated hosts point them all below one directory ({@link #under(Path)}),
 * so several simulated endpoints can share one machine.
 *
 * @param wireguard WireGuard configs ({@code /etc/wireguard}); wgdeploy uses the subdirectory named
 *     after the namespace
 * @param bird BIRD configs ({@code /etc/bird})
 * @param shorewall Shorewall (IPv4) config directory ({@code /etc/shorewall})
 * @param shorewall6 Shorewall6 config directory ({@code /etc/shorewall6})
 * @param systemd unit directory ({@code /etc/systemd/system})
 * @param state wgdeploy state: manifest, journal, backups, PID files ({@code /var/lib/wgmesh})
 * @param run sockets and PID files of the daemons ({@code /run/wgmesh})
 * @param metrics where the Prometheus text files go, for node_exporter's textfile collector ({@code
 *     /var/lib/prometheus/node-exporter}, which Debian's prometheus-node-exporter reads); nothing
 *     is written there unless the directory exists
 */
public record Roots(
    Path wireguard,
    Path bird,
    Path shorewall,
    Path shorewall6,
    Path systemd,
    Path state,
    Path run,
    Path metrics) {
  public Roots {
    Objects.requireNonNull(wireguard, "wireguard");
    Objects.requireNonNull(bird, "bird");
    Objects.requireNonNull(shorewall, "shorewall");
    Objects.requireNonNull(shorewall6, "shorewall6");
    Objects.requireNonNull(systemd, "systemd");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * The replay-protection file of the mesh {@code domain}: {@code <state>/<domain>.seen} (mode
   * 0600), written by {@code wgconfig} (the mesh serial it verified) and by each {@code wgdeploy}.
   */
  public Path seenFile(String domain) {
    return state.resolve(domain + ".seen");
  }

  /** The paths of a real host. */
  public static Roots system() {
    return new Roots(
        Path.of("/etc/wireguard"),
        Path.of("/etc/bird"),
        Path.of("/etc/shorewall"),
        Path.of("/etc/shorewall6"),
        Path.of("/etc/systemd/system"),
        Path.of("/var/lib/wgmesh"),
        Path.of("/run/wgmesh"),
        Path.of("/var/lib/prometheus/node-exporter"));
  }

  /** The system layout re-rooted below {@code prefix} ({@code prefix/etc/bird}, ...). */
  public static Roots under(Path prefix) {
    Roots s = system();
    return new Roots(
        reroot(prefix, s.wireguard),
        reroot(prefix, s.bird),
        reroot(prefix, s.shorewall),
        reroot(prefix, s.shorewall6),
        reroot(prefix, s.systemd),
        reroot(prefix, s.state),
        reroot(prefix, s.run),
        reroot(prefix, s.metrics));
  }

  private static Path reroot(Path prefix, Path absolute) {
    return prefix.resolve(absolute.toString().substring(1));
  }
}
