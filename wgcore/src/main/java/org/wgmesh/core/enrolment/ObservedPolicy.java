package org.wgmesh.core.enrolment;

import java.util.Optional;

/**
 * What the site publishes of the addresses its hosts are observed at (issue 24; the site file's
 * {@code enrolment.observed}, docs/enrolment.md "Observed addresses"): the addresses that
 * authenticated peers' health reports agree a host's packets come from. Only what the file says is
 * held, so that a section without it is written back without it.
 *
 * @param roaming whether a host with a registered address that is seen elsewhere is followed (its
 *     peers send to where it is now); default on
 * @param natTraversal whether a host behind NAT (no registered address) gets its observed address
 *     published, so that two such hosts link directly to each other; default on
 */
public record ObservedPolicy(Optional<Boolean> roaming, Optional<Boolean> natTraversal) {
  /** Nothing said: both on. */
  public static final ObservedPolicy DEFAULT =
      new ObservedPolicy(Optional.empty(), Optional.empty());

  /** Whether roaming hosts are followed. */
  public boolean roamingOn() {
    return roaming.orElse(true);
  }

  /** Whether hosts behind NAT are published at their observed address. */
  public boolean natTraversalOn() {
    return natTraversal.orElse(true);
  }

  /** Whether anything observed is published at all. */
  public boolean any() {
    return roamingOn() || natTraversalOn();
  }
}
