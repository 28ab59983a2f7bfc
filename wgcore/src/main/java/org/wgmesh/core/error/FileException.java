package org.wgmesh.core.error;

/** Thrown for a file that could not be read or written. Exit code {@link ExitCode#IO}. */
public class FileException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public FileException(String what, String why) {
    super(ExitCode.IO, what, why, null, null);
  }

  public FileException(String what, String why, String hint) {
    super(ExitCode.IO, what, why, hint, null);
  }

  public FileException(String what, String why, String hint, Throwable cause) {
    super(ExitCode.IO, what, why, hint, cause);
  }
}
