package org.wgmesh.core.io;

/**
 * A held lock, released by {@link #close}. {@link LockFile} is the real one; {@link #NONE} is what
 * a dry run holds: it reads only, so it needs no exclusion and must not create a lock file.
 */
public interface Lock extends AutoCloseable {
  /** A lock that guards nothing and touches no file. */
  Lock NONE = () -> {};

  /** Releases the lock; never throws. */
  @Override
  void close();
}
