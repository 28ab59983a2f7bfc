package org.wgmesh.endpoint.deploy.host;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Independent host commands run side by side: the probe's queries, the tools' checks of staged
 * files. Each waits on a process, not the CPU, so a deploy waits for the slowest instead of the sum
 * (issue 21). The threads are daemons: a command's JVM never waits for them to end.
 */
public final class SideBySide {
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "wgdeploy-side-by-side");
            t.setDaemon(true);
            return t;
          });

  private SideBySide() {}

  /** Starts {@code work} on a thread of its own. */
  public static <T> CompletableFuture<T> start(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, POOL);
  }

  /** The result of {@code f}; what {@code f} threw, as it was thrown. */
  public static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
