package org.wgmesh.endpoint.follow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DeployException;
import org.wgmesh.core.error.DnsException;

/**
 * The follower's decisions with a scripted site: which answers deploy, how errors back off, and
 * that a nudge that is lost, repeated or lower never does more than one harmless deploy.
 */
class FollowerTest {
  /** What the site answers, in turn: a serial, or an exception to throw. */
  final Deque<Object> answers = new ArrayDeque<>();

  final List<Long> asked = new ArrayList<>();
  final List<Duration> pauses = new ArrayList<>();
  final Deque<Object> deploys = new ArrayDeque<>(); // true/false changed, or an exception
  int deployed;
  final StringWriter log = new StringWriter();

  Follower follower() {
    return new Follower(
        after -> {
          asked.add(after);
          Object a = answers.removeFirst();
          if (a instanceof RuntimeException e) {
            throw e;
          }
          return (Long) a;
        },
        () -> {
          deployed++;
          Object d = deploys.isEmpty() ? Boolean.TRUE : deploys.removeFirst();
          if (d instanceof RuntimeException e) {
            throw e;
          }
          return (Boolean) d;
        },
        pauses::add,
        new Reporter(new PrintWriter(log, true), Reporter.Verbosity.NORMAL));
  }

  void run(Object... script) throws InterruptedException {
    answers.addAll(List.of(script));
    follower().run(answers::isEmpty);
  }

  static DnsException unreachable() {
    return new DnsException("https://192.0.2.1:8443/v1/nudge", "cannot connect");
  }

  @Test
  void startsFromZero_deploysOnAHigherSerial_andAsksAfterIt() throws Exception {
    run(7L, 7L, 9L);
    assertThat(asked).containsExactly(0L, 7L, 7L);
    assertThat(deployed).isEqualTo(2);
    assertThat(log.toString()).contains("site is at serial 7").contains("published serial 9");
  }

  @Test
  void waitsThatEndWithTheSameSerial_deployNothing() throws Exception {
    run(4L, 4L, 4L, 4L);
    assertThat(deployed).isEqualTo(1);
    assertThat(asked).containsExactly(0L, 4L, 4L, 4L);
  }

  @Test
  void aLowerSerial_deploysNothing_andIsFollowed() throws Exception {
    // A replayed old answer, or a site whose state went back: no deploy; asked after it from then.
    run(10L, 3L, 3L, 5L);
    assertThat(deployed).isEqualTo(2); // for 10, then for 5 (above 3)
    assertThat(asked).containsExactly(0L, 10L, 3L, 3L);
    assertThat(log.toString()).contains("went back from 10 to 3");
  }

  @Test
  void failedRequests_backOffDoubling_upToAMinute_warnOnce_andResetOnAnAnswer() throws Exception {
    List<Object> script = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      script.add(unreachable());
    }
    script.add(2L);
    script.add(unreachable());
    run(script.toArray());
    assertThat(pauses)
        .extracting(Duration::toSeconds)
        .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L, 1L);
    assertThat(log.toString().split("cannot ask the site", -1)).hasSize(3); // once, and after 2
    assertThat(log.toString()).contains("asking the site for nudges again");
    assertThat(deployed).isEqualTo(1);
  }

  @Test
  void aNudgedDeployThatChangesNothing_runsOnceMore_afterDnsHadTime() throws Exception {
    deploys.add(true); // the start
    deploys.add(false);
    deploys.add(true);
    run(6L, 7L);
    assertThat(deployed).isEqualTo(3);
    assertThat(pauses).containsExactly(Follower.RECHECK_AFTER);
  }

  @Test
  void theDeployAtTheStart_isNotRechecked_soTheFirstNudgeIsHeardAtOnce() throws Exception {
    deploys.add(false); // everything was deployed already
    run(6L, 7L);
    assertThat(deployed).isEqualTo(2);
    assertThat(pauses).isEmpty();
    assertThat(asked).containsExactly(0L, 6L);
  }

  @Test
  void aDeployThatMeetsTheTimersRun_triesAgainShortly() throws Exception {
    deploys.add(new ConflictException("/var/lib/wgmesh/x.lock", "another wgdeploy is running", ""));
    deploys.add(true);
    run(6L);
    assertThat(deployed).isEqualTo(2);
    assertThat(pauses).containsExactly(Follower.CONFLICT_PAUSE);
  }

  @Test
  void aFailedDeploy_isLogged_notRetried_andTheFollowerGoesOn() throws Exception {
    deploys.add(true); // the start
    deploys.add(new DeployException("bird", "did not start"));
    run(5L, 6L, 6L, 8L);
    assertThat(deployed).isEqualTo(3); // 5, then 6 failed (not again), 8 deployed
    assertThat(pauses).isEmpty();
    assertThat(log.toString()).contains("deploy for serial 6: ").contains("did not start");
  }

  @Test
  void anInterruptEndsTheFollower() {
    Thread.currentThread().interrupt();
    try {
      follower().run(() -> false);
      throw new AssertionError("not interrupted");
    } catch (InterruptedException e) {
      assertThat(asked).isEmpty();
    }
  }
}
