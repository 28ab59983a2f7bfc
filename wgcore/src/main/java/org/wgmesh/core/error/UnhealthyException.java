package org.wgmesh.core.error;

/**
 * Thrown when a health check cannot even start because there is nothing to check (for example a
 * mesh never deployed on this host): to a monitor that is as bad as a failed check. Exit code
 * {@link ExitCode#UNHEALTHY}.
 */
public class UnhealthyException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public UnhealthyException(String what, String why, String hint) {
    super(ExitCode.UNHEALTHY, what, why, hint, null);
  }
}
