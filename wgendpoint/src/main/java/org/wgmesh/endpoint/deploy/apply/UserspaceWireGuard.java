package org.wgmesh.endpoint.deploy.apply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.endpoint.deploy.Supervisor;
import org.wgmesh.endpoint.deploy.plan.Layout;

/**
 * {@code wireguard-go}, one process per interface, in foreground mode ({@code -f}; the
 * daemonizing mode races when several start at once). Under {@link Supervisor#DIRECT} wgdeploy
 * starts it detached ({@code setsid -f}), records its PID and stops it by that PID; under
 * {@link Supervisor#SYSTEMD} the rendered {@code wgmesh-<ns>-wg@.service} runs it.
 */
final class UserspaceWireGuard implements WireGuardBackend {
  private final CommandRunner runner;
  private final Layout layout;
  private final Supervisor supervisor;
  private final Waiter waiter;

  UserspaceWireGuard(CommandRunner runner, Layout layout, Supervisor supervisor, Waiter waiter) {
    this.runner = runner;
    this.layout = layout;
    this.supervisor = supervisor;
    this.waiter = waiter;
  }

  @Override
  public String name() {
    return "wireguard-go";
  }

  @Override
  public void create(String ns, String iface) {
    if (supervisor == Supervisor.SYSTEMD) {
      runner.run(Command.change("systemctl", "start", layout.wireguardGoUnit(iface)));
    } else {
      Path pid = layout.wireguardGoPidFile(iface);
      Path log = layout.wireguardGoLog(iface);
      runner.run(Command.change("mkdir", "-p", pid.getParent().toString(), log.getParent().toString()));
      // The shell writes its own PID, then becomes wireguard-go: the recorded PID is the daemon's.
      runner.run(Command.change(
          "ip", "netns", "exec", ns, "setsid", "-f", "sh", "-c",
          "echo $$ > \"$0\" && exec wireguard-go -f \"$1\" >> \"$2\" 2>&1 < /dev/null",
          pid.toString(), iface, log.toString()));
    }
    // Ready when its control socket answers.
    Command probe = Command.query("ip", "netns", "exec", ns, "wg", "show", iface, "listen-port");
    if (!waiter.await(() -> runner.execute(probe).ok())) {
      throw new DeployException(
          "wireguard-go " + iface + " in namespace " + ns, "did not come up within the time limit",
          "see " + layout.wireguardGoLog(iface));
    }
  }

  @Override
  public void delete(String ns, String iface) {
    if (supervisor == Supervisor.SYSTEMD) {
      runner.execute(Command.change("systemctl", "stop", layout.wireguardGoUnit(iface)));
    } else {
      Path pidFile = layout.wireguardGoPidFile(iface);
      Pids.read(pidFile).filter(p -> Pids.isRunning(p, "wireguard-go"))
          .ifPresent(p -> {
            runner.execute(Command.change("kill", "-TERM", Long.toString(p)));
            waiter.await(() -> !Pids.isRunning(p, "wireguard-go"));
          });
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        // a stale PID file is harmless: the PID is checked against the process name
      }
    }
    // wireguard-go removes its TUN device on exit; remove it in case it was left behind.
    if (runner.execute(Command.query("ip", "-n", ns, "link", "show", iface)).ok()) {
      runner.execute(Command.change("ip", "-n", ns, "link", "del", iface));
    }
  }
}
