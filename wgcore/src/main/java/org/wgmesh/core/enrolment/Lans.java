package org.wgmesh.core.enrolment;

import java.util.List;
import java.util.Optional;
import org.wgmesh.core.net.IpPrefix;

/**
 * The one LAN check of rules, tokens and the site: every asked prefix inside one of the allowed
 * ones (equal or smaller).
 */
public final class Lans {
  private Lans() {}

  /** The first asked prefix that no allowed prefix contains. */
  public static Optional<IpPrefix> firstNotAllowed(List<IpPrefix> asked, List<IpPrefix> allowed) {
    return asked.stream().filter(p -> allowed.stream().noneMatch(a -> a.contains(p))).findFirst();
  }
}
