package org.wgmesh.core.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as real processes, with a timeout, reading stdout and stderr concurrently.
 *
 * <p>Every process runs in the C locale ({@code LC_ALL=C}, {@code LANG} and {@code LANGUAGE}
 * removed): the callers match the English output of {@code ip}, {@code wg}, {@code birdc} and
 * {@code shorewall}, which a translated or otherwise localised message would break (see locale(7):
 * {@code LC_ALL} overrides every {@code LC_*} variable and {@code LANG}; GNU gettext reads {@code
 * LANGUAGE} before them unless the locale is C).
 */
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
      ProcessBuilder builder = new ProcessBuilder(command.argv());
      cLocale(builder.environment());
      p = builder.start();
    } catch (IOException e) {
      throw new CommandFailedException(command, "cannot start: " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      in.write(command.stdin());
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

  /** Makes {@code env} select the C locale, whatever the caller's locale is. */
  static void cLocale(Map<String, String> env) {
    env.remove("LANG");
    env.remove("LANGUAGE");
    env.put("LC_ALL", "C");
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
