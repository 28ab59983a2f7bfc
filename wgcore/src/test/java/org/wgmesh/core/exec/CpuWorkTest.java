package org.wgmesh.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CpuWorkTest {
  private static final List<Integer> ITEMS = IntStream.range(0, 5000).boxed().toList();

  @Test
  void map_resultsInItemOrder_nullsKept() {
    List<Integer> out = CpuWork.map(ITEMS, i -> i % 7 == 0 ? null : i * 2);
    assertThat(out).hasSize(ITEMS.size());
    for (int i = 0; i < ITEMS.size(); i++) {
      assertThat(out.get(i)).isEqualTo(i % 7 == 0 ? null : i * 2);
    }
  }

  @Test
  void map_throwsTheFirstFailureInItemOrder_whateverFinishesFirst() {
    // Items 1200, 3100 and 4000 fail; the last two are quick, the first is slow: the one-by-one
    // loop would have thrown item 1200's failure, and so does map.
    assertThatThrownBy(
            () ->
                CpuWork.map(
                    ITEMS,
                    i -> {
                      if (i == 1200) {
                        sleep();
                        throw new IllegalStateException("item 1200");
                      }
                      if (i == 3100 || i == 4000) {
                        throw new IllegalArgumentException("item " + i);
                      }
                      return i;
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("item 1200");
  }

  @Test
  void map_empty() {
    assertThat(CpuWork.map(List.<Integer>of(), i -> i)).isEmpty();
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
