package org.wgmesh.core.error;

/**
 * Thrown for a deploy that failed (the previous configuration is restored before this is thrown).
 * Exit code {@link ExitCode#DEPLOY}.
 */
public class DeployException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public DeployException(String what, String why) {
    super(ExitCode.DEPLOY, what, why, null, null);
  }

  public DeployException(String what, String why, String hint) {
    super(ExitCode.DEPLOY, what, why, hint, null);
  }

  public DeployException(String what, String why, String hint, Throwable cause) {
    super(ExitCode.DEPLOY, what, why, hint, cause);
  }
}
