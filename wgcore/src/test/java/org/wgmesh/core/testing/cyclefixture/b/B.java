package org.wgmesh.core.testing.cyclefixture.b;

import org.wgmesh.core.testing.cyclefixture.a.A;

/** The other half of the package cycle of {@link A}. */
public final class B {
  private B() {}

  public static B create() {
    return new B();
  }

  /** Depends back on package a. */
  public static B viaA() {
    return A.viaB();
  }
}
