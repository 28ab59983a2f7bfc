package org.wgmesh.core.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs commands as real processes, with a timeout, reading stdout and stderr concurrently. */
public final class ProcessCommandRunner implements CommandRunner {
  private final long timeoutSeconds;

  public ProcessCommandRunner(long timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public ProcessCommandRunner() {
    this(60);
  }

  @Override
  public CommandResult execute(Command command) {
    Process p;
    try {
      p = new ProcessBuilder(command.argv()).start();
    } catch (IOException e) {
      throw new CommandFailedException(command, "cannot start: " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      if (command.stdin() != null) {
        in.write(command.stdin());
      }
    } catch (IOException e) {
      // The process may exit without reading its input; its exit status tells what happened.
    }
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor();
        throw new CommandFailedException(
            command, "did not finish within " + timeoutSeconds + " s and was killed", null);
      }
      return new CommandResult(p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandFailedException(command, "interrupted", e);
    }
  }

  private static CompletableFuture<String> drain(InputStream s) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (s) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }
}
