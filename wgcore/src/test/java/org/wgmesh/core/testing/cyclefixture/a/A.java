package org.wgmesh.core.testing.cyclefixture.a;

import org.wgmesh.core.testing.cyclefixture.b.B;

/** Half of a package cycle, for the test that the cycle rule catches one. */
public final class A {
  private A() {}

  /** Depends on package b, which depends back on a. */
  public static B viaB() {
    return B.create();
  }
}
