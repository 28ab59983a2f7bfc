package org.wgmesh.core.exec;

import java.util.List;
import java.util.function.Function;

/**
 * Pure, CPU-bound work on many items side by side, one thread per core (the common fork-join pool),
 * with results and failures in the items' order: what a one-by-one loop would have returned or
 * thrown first. For the cryptography of large sites (issue 21): opening 10,000 registration blobs,
 * sealing and signing 10,000 hosts' records, verifying them again.
 */
public final class CpuWork {
  private CpuWork() {}

  private record Failure(RuntimeException error) {}

  /**
   * Applies {@code work} to every item; {@code work} must not depend on the order it runs in.
   *
   * @return the results in the order of {@code items} (null where {@code work} returned null)
   * @throws RuntimeException the failure of the first failing item in the order of {@code items},
   *     as {@code work} threw it
   */
  @SuppressWarnings("unchecked")
  public static <I, R> List<R> map(List<I> items, Function<I, R> work) {
    List<Object> out =
        items.parallelStream()
            .map(
                i -> {
                  try {
                    return (Object) work.apply(i);
                  } catch (RuntimeException e) {
                    return new Failure(e);
                  }
                })
            .toList();
    for (Object o : out) {
      if (o instanceof Failure f) {
        throw f.error();
      }
    }
    return (List<R>) out;
  }
}
