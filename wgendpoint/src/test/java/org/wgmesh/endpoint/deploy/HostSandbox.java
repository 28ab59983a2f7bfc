package org.wgmesh.endpoint.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.exec.ProcessCommandRunner;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.deploy.steps.HostTransactions;
import org.wgmesh.endpoint.deploy.steps.Waiter;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * One simulated endpoint host for privileged tests: its own network namespace (with a public
 * interface {@code pub0} and a LAN interface {@code lan0}, veths (no dummy module here) holding
 * documentation addresses) and its own mount namespace with private {@code /run} (so {@code
 * /run/netns} and wireguard-go's {@code /run/wireguard} sockets are its own) and private {@code
 * /var/lib/shorewall*}. A holder process ({@code sleep infinity}) keeps the mount namespace; {@link
 * #runner()} runs every command inside it with {@code nsenter}. {@link #close()} kills every
 * process left in the sandbox by PID and deletes the namespace.
 */
final class HostSandbox implements AutoCloseable {
  private final ProcessCommandRunner real = new ProcessCommandRunner(60);
  final String netns;
  private Process holder;
  private long holderPid;

  HostSandbox(Path dir) throws IOException, InterruptedException {
    netns = "wgdt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    real.run(Command.change("ip", "netns", "add", netns));
    try {
      String[][] setup = {
        {"link", "set", "lo", "up"},
        {"link", "add", "pub0", "type", "veth", "peer", "name", "pub0x"},
        {"link", "set", "pub0x", "up"},
        {"addr", "add", "203.0.113.1/24", "dev", "pub0"},
        {"addr", "add", "2001:db8:ff::1/64", "dev", "pub0", "nodad"},
        {"link", "set", "pub0", "up"},
        {"link", "add", "lan0", "type", "veth", "peer", "name", "lan0x"},
        {"link", "set", "lan0x", "up"},
        {"addr", "add", "198.18.1.1/24", "dev", "lan0"},
        {"link", "set", "lan0", "up"},
      };
      for (String[] s : setup) {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", netns));
        argv.addAll(List.of(s));
        real.run(new Command(argv, true));
      }
      Path ready = dir.resolve("sandbox.ready");
      String script =
          String.join(
              " && ",
              "umount -l /sys",
              "mount -t sysfs sysfs /sys",
              "mount -t tmpfs -o mode=0755 tmpfs /run",
              "mkdir -p /run/netns /run/wireguard /run/lock",
              "mkdir -p /var/lib/shorewall /var/lib/shorewall6",
              "mount -t tmpfs tmpfs /var/lib/shorewall",
              "mount -t tmpfs tmpfs /var/lib/shorewall6",
              "echo $$ > " + ready,
              "exec sleep infinity");
      holder =
          new ProcessBuilder(
                  "nsenter",
                  "--net=/run/netns/" + netns,
                  "--",
                  "unshare",
                  "--mount",
                  "--propagation",
                  "private",
                  "--",
                  "sh",
                  "-c",
                  script)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("sandbox.log").toFile())
              .start();
      for (int i = 0; i < 500 && !(Files.exists(ready) && Files.size(ready) > 0); i++) {
        if (!holder.isAlive()) {
          throw new IOException(
              "sandbox holder died: " + Files.readString(dir.resolve("sandbox.log")));
        }
        Thread.sleep(10);
      }
      holderPid = Long.parseLong(Files.readString(ready).strip());
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Runs commands inside the simulated host (its mount and network namespace). */
  CommandRunner runner() {
    return command -> {
      List<String> argv =
          new ArrayList<>(List.of("nsenter", "-t", Long.toString(holderPid), "-m", "-n", "--"));
      argv.addAll(command.argv());
      return real.execute(new Command(argv, command.stdin(), command.mutates()));
    };
  }

  /** Runs a query inside the host and returns stdout (fails the test on a non-zero exit). */
  String sh(String... argv) {
    CommandResult r = runner().execute(Command.query(argv));
    if (!r.ok()) {
      throw new AssertionError(String.join(" ", argv) + " failed: " + r.stderr());
    }
    return r.stdout();
  }

  /** Exit status of a query inside the host. */
  int status(String... argv) {
    return runner().execute(Command.query(argv)).exitCode();
  }

  @Override
  public void close() {
    if (holderPid > 0) {
      // Every process in the sandbox's namespaces and in the namespaces made inside it (bird and
      // wireguard-go run under `ip netns exec`, which gives them a mount namespace of their own).
      java.util.Set<String> ns = new java.util.HashSet<>();
      ns.add(readLink(Path.of("/proc", Long.toString(holderPid), "ns", "mnt")));
      ns.add(readLink(Path.of("/proc", Long.toString(holderPid), "ns", "net")));
      CommandResult list = runner().execute(Command.query("ip", "netns", "list"));
      for (String line : list.stdout().split("\n")) {
        if (!line.isBlank()) {
          CommandResult id =
              runner()
                  .execute(
                      Command.query(
                          "ip",
                          "netns",
                          "exec",
                          line.strip().split("\\s+")[0],
                          "readlink",
                          "/proc/self/ns/net"));
          ns.add(id.stdout().strip());
        }
      }
      ns.remove(null);
      for (long pid : pidsIn(ns)) {
        real.execute(Command.change("kill", "-KILL", Long.toString(pid)));
      }
    }
    if (holder != null) {
      holder.destroyForcibly();
      try {
        holder.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    real.execute(Command.change("ip", "netns", "del", netns));
  }

  private static List<Long> pidsIn(java.util.Set<String> namespaces) {
    List<Long> out = new ArrayList<>();
    try (var s = Files.list(Path.of("/proc"))) {
      s.filter(p -> p.getFileName().toString().matches("[0-9]+"))
          .forEach(
              p -> {
                if (namespaces.contains(readLink(p.resolve("ns/mnt")))
                    || namespaces.contains(readLink(p.resolve("ns/net")))) {
                  out.add(Long.parseLong(p.getFileName().toString()));
                }
              });
    } catch (IOException e) {
      // nothing to kill
    }
    return out;
  }

  private static String readLink(Path p) {
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /**
   * The deploy service of a simulated host with {@code settings} saved as its endpoint file in
   * {@code configDir} (what {@code --down} reads); no DNS: the tests pass the mesh view.
   */
  static DeployService service(Path configDir, CommandRunner runner, EndpointConfig settings) {
    EndpointFile.save(settings, EndpointPaths.path(configDir, settings.domain()));
    return new DeployService(
        configDir,
        (c, k) -> {
          throw new AssertionError("no DNS here: the tests pass the view");
        },
        runner,
        new HostTransactions(runner, Reporter.silent(), Waiter.POLLING),
        Reporter.silent(),
        Clock.systemUTC());
  }
}
