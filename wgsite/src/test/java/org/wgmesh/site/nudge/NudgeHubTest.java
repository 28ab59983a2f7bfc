package org.wgmesh.site.nudge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NudgeHubTest {
  final List<String> answers = new ArrayList<>();

  NudgeHub.Waiting ask(NudgeHub hub, String who, long after) {
    return hub.await(after, s -> answers.add(who + "=" + s));
  }

  @Test
  void anEndpointBehindTheSite_isAnsweredAtOnce() {
    NudgeHub hub = new NudgeHub(7, 10);
    assertThat(ask(hub, "a", 6)).isEqualTo(new NudgeHub.Waiting.Answered(7));
    assertThat(answers).containsExactly("a=7");
    assertThat(hub.waiting()).isZero();
  }

  @Test
  void anEndpointUpToDate_waits_andIsAnsweredByTheNextPublication_once() {
    NudgeHub hub = new NudgeHub(7, 10);
    assertThat(ask(hub, "a", 7)).isInstanceOf(NudgeHub.Waiting.Waits.class);
    assertThat(ask(hub, "b", 7)).isInstanceOf(NudgeHub.Waiting.Waits.class);
    assertThat(answers).isEmpty();
    hub.published(8);
    assertThat(answers).containsExactlyInAnyOrder("a=8", "b=8");
    hub.published(9);
    assertThat(answers).hasSize(2);
    assertThat(hub.waiting()).isZero();
  }

  @Test
  void anOldOrRepeatedPublication_answersNobody() {
    NudgeHub hub = new NudgeHub(7, 10);
    ask(hub, "a", 7);
    hub.published(7);
    hub.published(5);
    assertThat(answers).isEmpty();
    assertThat(hub.serial()).isEqualTo(7);
  }

  @Test
  void anEndpointAhead_ofAServiceThatRestarted_waitsForAPublicationPastIt() {
    // The endpoint saw serial 12; the service, just started, knows 10 until it reads more.
    NudgeHub hub = new NudgeHub(10, 10);
    ask(hub, "a", 12);
    hub.published(11);
    assertThat(answers).isEmpty();
    hub.published(13);
    assertThat(answers).containsExactly("a=13");
  }

  @Test
  void expire_answersTheSerialAsItStands_once_andNotAfterAnAnswer() {
    NudgeHub hub = new NudgeHub(7, 10);
    long id = ((NudgeHub.Waiting.Waits) ask(hub, "a", 7)).id();
    hub.expire(id);
    hub.expire(id);
    assertThat(answers).containsExactly("a=7");
    long other = ((NudgeHub.Waiting.Waits) ask(hub, "b", 7)).id();
    hub.published(8);
    hub.expire(other);
    assertThat(answers).containsExactly("a=7", "b=8");
  }

  @Test
  void beyondTheCap_isRefused_untilOneLeaves() {
    NudgeHub hub = new NudgeHub(7, 2);
    long first = ((NudgeHub.Waiting.Waits) ask(hub, "a", 7)).id();
    ask(hub, "b", 7);
    assertThat(ask(hub, "c", 7)).isEqualTo(NudgeHub.Waiting.FULL);
    // One behind the site needs no place: it is answered at once even when full.
    assertThat(ask(hub, "d", 6)).isEqualTo(new NudgeHub.Waiting.Answered(7));
    hub.expire(first);
    assertThat(ask(hub, "c", 7)).isInstanceOf(NudgeHub.Waiting.Waits.class);
    assertThatThrownBy(() -> new NudgeHub(0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentWaitersAndPublications_everyWaiterIsAnsweredExactlyOnce() throws Exception {
    NudgeHub hub = new NudgeHub(0, 100_000);
    AtomicInteger answered = new AtomicInteger();
    int waiters = 2_000;
    CountDownLatch all = new CountDownLatch(waiters);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < waiters; i++) {
        pool.execute(
            () ->
                hub.await(
                    0,
                    s -> {
                      answered.incrementAndGet();
                      all.countDown();
                    }));
      }
      for (long s = 1; s <= 50; s++) {
        long serial = s;
        pool.execute(() -> hub.published(serial));
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      // Waiters registered after the last publication saw serial 50 > 0 and were answered at once.
      assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(answered).hasValue(waiters);
      assertThat(hub.waiting()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void releaseAll_answersEveryWaiter_withTheSerialNow_once() {
    NudgeHub hub = new NudgeHub(5, 10);
    List<Long> answers = new ArrayList<>();
    hub.await(5, answers::add);
    hub.await(7, answers::add);
    hub.releaseAll();
    assertThat(answers).containsExactly(5L, 5L);
    assertThat(hub.waiting()).isZero();
    hub.published(9);
    assertThat(answers).hasSize(2);
  }
}
