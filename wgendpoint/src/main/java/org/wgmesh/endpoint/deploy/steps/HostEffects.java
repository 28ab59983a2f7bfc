package org.wgmesh.endpoint.deploy.steps;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.endpoint.deploy.host.Pids;
import org.wgmesh.endpoint.deploy.host.SideBySide;

/** Carries out one {@link Effect} on the host: the only place deploy steps touch it. */
final class HostEffects {
  private final CommandRunner runner;
  private final Waiter waiter;

  HostEffects(CommandRunner runner, Waiter waiter) {
    this.runner = runner;
    this.waiter = waiter;
  }

  void apply(Effect effect) {
    if (effect instanceof Effect.Run r) {
      if (r.tolerateFailure()) {
        runner.execute(r.command());
      } else {
        runner.run(r.command());
      }
    } else if (effect instanceof Effect.Validate v) {
      validate(v);
    } else if (effect instanceof Effect.Together t) {
      together(t);
    } else if (effect instanceof Effect.ConfigureBird b) {
      configureBird(b);
    } else if (effect instanceof Effect.Await a) {
      await(a);
    } else if (effect instanceof Effect.StopProcess s) {
      Pids.read(s.pidFile())
          .filter(p -> Pids.isRunning(p, s.process()))
          .ifPresent(
              p -> {
                runner.execute(Command.change("kill", "-TERM", Long.toString(p)));
                waiter.await(() -> !Pids.isRunning(p, s.process()));
              });
      delete(s.pidFile());
    } else if (effect instanceof Effect.AwaitExit x) {
      Pids.read(x.pidFile()).ifPresent(p -> waiter.await(() -> !Pids.isRunning(p, x.process())));
    } else if (effect instanceof Effect.WriteFile w) {
      AtomicFiles.write(w.path(), w.content(), w.mode());
    } else if (effect instanceof Effect.Copy c) {
      copy(c);
    } else if (effect instanceof Effect.Delete d) {
      if (d.tree()) {
        deleteTree(d.path());
      } else {
        delete(d.path());
      }
    } else if (effect instanceof Effect.MakeDirectory m) {
      makeDirectory(m);
    } else if (effect instanceof Effect.RemoveEmptyDirectory r) {
      try {
        Files.deleteIfExists(r.path());
      } catch (IOException e) {
        // not empty (or not removable): left for the operator
      }
    } else {
      throw new IllegalArgumentException("unknown effect " + effect);
    }
  }

  /** Each member on a thread of its own; then the first failure in list order, if any. */
  private void together(Effect.Together t) {
    List<CompletableFuture<Object>> running =
        t.effects().stream()
            .map(
                e ->
                    SideBySide.start(
                        () -> {
                          apply(e);
                          return null;
                        }))
            .toList();
    // Every member ends before a failure is reported: the step's undo must not race a check.
    CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .join();
    running.forEach(SideBySide::join);
  }

  private void await(Effect.Await a) {
    boolean up =
        waiter.await(
            () -> {
              CommandResult res = runner.execute(a.probe());
              return res.ok() && res.stdout().contains(a.expect());
            });
    if (!up) {
      String logEnd = a.log().map(HostEffects::tail).orElse("");
      throw new DeployException(
          a.subject(),
          "did not come up within the time limit"
              + (logEnd.isEmpty() ? "" : "; its log ends: " + logEnd),
          a.hint());
    }
  }

  /**
   * How much of a daemon's log the error reads: its end (the log is appended to, run after run).
   */
  private static final int LOG_TAIL_BYTES = 4096;

  /** The last lines of a daemon's log, empty when it has none (or it cannot be read). */
  private static String tail(Path log) {
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
      long from = Math.max(0, ch.size() - LOG_TAIL_BYTES);
      ByteBuffer end = ByteBuffer.allocate((int) (ch.size() - from));
      while (end.hasRemaining() && ch.read(end, from + end.position()) > 0) {
        // read until the end of the file as it was
      }
      String text = new String(end.array(), 0, end.position(), StandardCharsets.UTF_8).strip();
      return lastLines(text, 3);
    } catch (IOException e) {
      return "";
    }
  }

  private void validate(Effect.Validate v) {
    CommandResult res = runner.execute(v.command());
    if (!res.ok()) {
      String out = (res.stderr() + "\n" + res.stdout()).strip();
      throw new DeployException(
          v.target() + " (from template " + v.template() + ")",
          "rejected by '"
              + v.command().display()
              + "': "
              + lastLines(out, 6)
              + "; nothing was changed, the previous configuration keeps running",
          "fix the template (or remove the override) and run wgdeploy again");
    }
  }

  private void configureBird(Effect.ConfigureBird b) {
    String out = runner.run(b.command()).stdout();
    if (!out.isEmpty() && !out.contains("Reconfigur")) {
      throw new DeployException(
          "birdc configure", "BIRD refused the configuration: " + out.strip());
    }
  }

  private static void copy(Effect.Copy c) {
    if (!Files.isRegularFile(c.from())) {
      return;
    }
    try {
      AtomicFiles.write(
          c.to(), Files.readAllBytes(c.from()), Files.getPosixFilePermissions(c.from()));
    } catch (IOException e) {
      throw new FileException(
          c.from().toString(), "cannot copy to " + c.to() + ": " + e.getMessage(), null, e);
    }
  }

  private static void makeDirectory(Effect.MakeDirectory m) {
    try {
      Files.createDirectories(m.path());
      if (m.mode().isPresent()) {
        Files.setPosixFilePermissions(m.path(), m.mode().get());
      }
    } catch (IOException e) {
      throw new FileException(
          m.path().toString(), "cannot create directory: " + e.getMessage(), null, e);
    }
  }

  private static void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      throw new FileException(f.toString(), "cannot delete: " + e.getMessage(), null, e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(all::add);
    } catch (IOException e) {
      throw new FileException(root.toString(), "cannot list: " + e.getMessage(), null, e);
    }
    all.forEach(HostEffects::delete);
  }

  private static String lastLines(String s, int n) {
    List<String> lines = s.lines().toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }
}
