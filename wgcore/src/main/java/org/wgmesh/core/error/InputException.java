package org.wgmesh.core.error;

/**
 * Thrown for malformed input data such as a registration blob, key file or address. Exit code
 * {@link ExitCode#INPUT}.
 */
public class InputException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public InputException(String what, String why) {
    super(ExitCode.INPUT, what, why, null, null);
  }

  public InputException(String what, String why, String hint) {
    super(ExitCode.INPUT, what, why, hint, null);
  }

  public InputException(String what, String why, String hint, Throwable cause) {
    super(ExitCode.INPUT, what, why, hint, cause);
  }
}
