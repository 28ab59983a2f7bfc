package org.wgmesh.endpoint.deploy.steps;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.wgmesh.core.exec.Command;
import org.wgmesh.endpoint.deploy.host.Ip;
import org.wgmesh.endpoint.deploy.host.Wg;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.settings.Supervisor;

/**
 * {@code wireguard-go}, one process per interface, in foreground mode ({@code -f}; the daemonizing
 * mode races when several start at once). Under {@link Supervisor#DIRECT} wgdeploy starts it
 * detached ({@code setsid -f}), records its PID and stops it by that PID; under {@link
 * Supervisor#SYSTEMD} the rendered {@code wgmesh-<ns>-wg@.service} runs it.
 */
final class UserspaceWireGuard implements WireGuardBackend {
  private final Layout layout;
  private final Supervisor supervisor;

  UserspaceWireGuard(Layout layout, Supervisor supervisor) {
    this.layout = layout;
    this.supervisor = supervisor;
  }

  @Override
  public String name() {
    return "wireguard-go";
  }

  @Override
  public List<Effect> create(String ns, String iface) {
    // Ready when its control socket answers.
    String subject = "wireguard-go " + iface + " in namespace " + ns;
    if (supervisor == Supervisor.SYSTEMD) {
      String unit = layout.wireguardGoUnit(iface);
      return List.of(
          // A unit that failed too often in a row (its start limit) refuses a plain start.
          Effect.Run.tolerant(Command.change("systemctl", "reset-failed", unit)),
          Effect.Run.of(Command.change("systemctl", "start", unit)),
          new Effect.Await(
              Wg.in(ns).showListenPort(iface),
              "",
              subject,
              "see 'journalctl -u " + unit + "'",
              Optional.empty()));
    }
    Path pid = layout.wireguardGoPidFile(iface);
    Path log = layout.wireguardGoLog(iface);
    Effect ready =
        new Effect.Await(
            Wg.in(ns).showListenPort(iface), "", subject, "see " + log, Optional.of(log));
    return List.of(
        new Effect.MakeDirectory(pid.getParent(), Optional.empty()),
        new Effect.MakeDirectory(log.getParent(), Optional.empty()),
        // The shell writes its own PID, then becomes wireguard-go: the recorded PID is the
        // daemon's.
        Effect.Run.of(
            Ip.exec(
                ns,
                true,
                "setsid",
                "-f",
                "sh",
                "-c",
                "echo $$ > \"$0\" && exec wireguard-go -f \"$1\" >> \"$2\" 2>&1 < /dev/null",
                pid.toString(),
                iface,
                log.toString())),
        ready);
  }

  @Override
  public List<Effect> delete(String ns, String iface) {
    Effect stop =
        supervisor == Supervisor.SYSTEMD
            ? Effect.Run.tolerant(
                Command.change("systemctl", "stop", layout.wireguardGoUnit(iface)))
            : new Effect.StopProcess(layout.wireguardGoPidFile(iface), "wireguard-go");
    // wireguard-go removes its TUN device on exit; remove it in case it was left behind.
    return List.of(stop, Effect.Run.tolerant(Ip.in(ns).linkDel(iface)));
  }
}
