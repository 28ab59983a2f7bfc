package org.wgmesh.core.record;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Runs one DNS read per item with a bounded number in flight (daemon threads, named {@code
 * wgmesh-dns}), for readers of many records: {@link MeshReader} (every member's host record) and
 * {@link PublicationVerifier} (every host and key record).
 */
final class ParallelLookups {
  private ParallelLookups() {}

  /**
   * Applies {@code read} to every item, up to {@code parallelism} at once.
   *
   * @return the results in the order of {@code items}
   * @throws RuntimeException the first item's failure in the order of {@code items}, as {@code
   *     read} threw it (a {@code RecordException} or {@code DnsException} passes through typed)
   */
  static <I, R> List<R> map(List<I> items, int parallelism, Function<I, R> read) {
    if (items.isEmpty()) {
      return List.of();
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(parallelism, items.size())),
            r -> {
              Thread t = new Thread(r, "wgmesh-dns");
              t.setDaemon(true);
              return t;
            });
    try {
      List<CompletableFuture<R>> futures = new ArrayList<>();
      for (I item : items) {
        futures.add(CompletableFuture.supplyAsync(() -> read.apply(item), pool));
      }
      List<R> out = new ArrayList<>();
      for (CompletableFuture<R> f : futures) {
        out.add(join(f));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static <R> R join(CompletableFuture<R> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      // Let the typed error (RecordException, DnsException) through as it was thrown.
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
