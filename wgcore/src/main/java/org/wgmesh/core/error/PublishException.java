package org.wgmesh.core.error;

/**
 * Thrown for a publish target that refused or failed a change. Exit code {@link ExitCode#PUBLISH}.
 */
public class PublishException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public PublishException(String what, String why) {
    super(ExitCode.PUBLISH, what, why, null, null);
  }

  public PublishException(String what, String why, String hint) {
    super(ExitCode.PUBLISH, what, why, hint, null);
  }

  public PublishException(String what, String why, String hint, Throwable cause) {
    super(ExitCode.PUBLISH, what, why, hint, cause);
  }
}
