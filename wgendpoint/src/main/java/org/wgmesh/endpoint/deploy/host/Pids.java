package org.wgmesh.endpoint.deploy.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * PID files of the daemons wgdeploy starts itself; a PID counts only if its process name matches.
 */
public final class Pids {
  private Pids() {}

  public static Optional<Long> read(Path pidFile) {
    try {
      String t = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
      return Optional.of(Long.parseLong(t));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code pid} is alive (a zombie, which PID 1 may take a while to reap, counts as gone)
   * and its command name starts with {@code name} (guards against PID reuse).
   */
  public static boolean isRunning(long pid, String name) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String state = stat.substring(stat.lastIndexOf(')') + 1).strip();
      if (state.startsWith("Z") || state.startsWith("X")) {
        return false;
      }
      String comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
      // /proc/PID/comm is cut to 15 characters ("wireguard-go" fits).
      return name.startsWith(comm) || comm.startsWith(name);
    } catch (IOException e) {
      return false;
    }
  }
}
