package org.wgmesh.site.enrolment;

/**
 * Two file writes that stand or fall together: when the second fails, the first is undone. Both
 * writes are atomic (a temporary file renamed), and the caller holds the site file's lock, so no
 * other wgmesh run sees the state in between.
 */
final class Commits {
  private Commits() {}

  static void both(Runnable first, Runnable undoFirst, Runnable second) {
    first.run();
    try {
      second.run();
    } catch (RuntimeException e) {
      try {
        undoFirst.run();
      } catch (RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }
}
