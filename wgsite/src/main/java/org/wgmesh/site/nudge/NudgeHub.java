package org.wgmesh.site.nudge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The endpoints waiting to be told that the site published (issue 24, the push). An endpoint asks
 * with the last serial it acted on; when the site's serial is already above it, it is answered at
 * once, otherwise it waits until {@link #published} passes it, or until its time is up ({@link
 * #expire}: answered with the serial as it stands, and it asks again). A nudge carries the serial
 * and nothing else: the endpoint still reads and verifies the signed records, so a lost, forged or
 * repeated nudge can only cause a harmless extra run.
 *
 * <p>Bounded: at most {@code maxWaiting} at once; more are refused ({@link Waiting#FULL}), so that
 * a flood of idle connections cannot hold the service's memory. Thread-safe; answers are given
 * outside the lock.
 */
public final class NudgeHub {
  private final int maxWaiting;
  private final Map<Long, Waiter> waiting = new LinkedHashMap<>();
  private long serial;
  private long nextId;

  /** One endpoint waiting: answered once, with a serial. */
  private record Waiter(long after, LongConsumer answer) {}

  /** What {@link #await} did. */
  public sealed interface Waiting {
    /** Refused: too many wait already. */
    Waiting FULL = new Full();

    /** Answered at once, with this serial. */
    record Answered(long serial) implements Waiting {}

    /** Waiting; {@link #expire} it by this id when its time is up. */
    record Waits(long id) implements Waiting {}

    /** Refused: too many wait already. */
    record Full() implements Waiting {}
  }

  /**
   * @param serial the site's serial now (0 before its first publication)
   * @param maxWaiting how many may wait at once (at least 1)
   */
  public NudgeHub(long serial, int maxWaiting) {
    if (maxWaiting < 1) {
      throw new IllegalArgumentException("maxWaiting must be at least 1");
    }
    this.serial = serial;
    this.maxWaiting = maxWaiting;
  }

  /**
   * An endpoint that acted on serial {@code after}: answered now (through {@code answer}, before
   * this returns) when the site is past it, else waiting.
   */
  public Waiting await(long after, LongConsumer answer) {
    Objects.requireNonNull(answer, "answer");
    long now;
    synchronized (this) {
      now = serial;
      if (now <= after) {
        if (waiting.size() >= maxWaiting) {
          return Waiting.FULL;
        }
        long id = nextId++;
        waiting.put(id, new Waiter(after, answer));
        return new Waiting.Waits(id);
      }
    }
    answer.accept(now);
    return new Waiting.Answered(now);
  }

  /**
   * The site published {@code newSerial}: every endpoint waiting for something newer is answered. A
   * serial not above the one known changes nothing (events may repeat or come out of order).
   */
  public void published(long newSerial) {
    List<Waiter> due = new ArrayList<>();
    synchronized (this) {
      if (newSerial <= serial) {
        return;
      }
      serial = newSerial;
      waiting
          .values()
          .removeIf(
              w -> {
                if (w.after() < newSerial) {
                  due.add(w);
                  return true;
                }
                return false;
              });
    }
    due.forEach(w -> w.answer().accept(newSerial));
  }

  /**
   * The waiter {@code id}'s time is up (or its connection went): answered with the serial as it
   * stands, unless it was answered already.
   */
  public void expire(long id) {
    Waiter w;
    long now;
    synchronized (this) {
      w = waiting.remove(id);
      now = serial;
    }
    if (w != null) {
      w.answer().accept(now);
    }
  }

  /**
   * Answers every waiting endpoint with the serial as it stands (the service stops: they ask again,
   * of the next service, rather than wait for a connection that is cut).
   */
  public void releaseAll() {
    List<Waiter> due;
    long now;
    synchronized (this) {
      due = new ArrayList<>(waiting.values());
      waiting.clear();
      now = serial;
    }
    due.forEach(w -> w.answer().accept(now));
  }

  /** How many wait now. */
  public synchronized int waiting() {
    return waiting.size();
  }

  /** The site's serial as last known. */
  public synchronized long serial() {
    return serial;
  }
}
