package org.wgmesh.core.error;

/** Thrown for a request that conflicts with existing state. Exit code {@link ExitCode#CONFLICT}. */
public class ConflictException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String what, String why) {
    super(ExitCode.CONFLICT, what, why, null, null);
  }

  public ConflictException(String what, String why, String hint) {
    super(ExitCode.CONFLICT, what, why, hint, null);
  }

  public ConflictException(String what, String why, String hint, Throwable cause) {
    super(ExitCode.CONFLICT, what, why, hint, cause);
  }
}
