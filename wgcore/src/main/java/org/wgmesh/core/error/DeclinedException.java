package org.wgmesh.core.error;

/**
 * Thrown when the operator answers no to a confirmation prompt; nothing was changed. Exit code
 * {@link ExitCode#DECLINED}.
 */
public class DeclinedException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public DeclinedException(String what, String why) {
    super(ExitCode.DECLINED, what, why, null, null);
  }
}
