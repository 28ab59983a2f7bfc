package org.wgmesh.core.error;

/**
 * Thrown for a command line that cannot work as given (options that do not go together, a missing
 * option, a prompt without a terminal). Exit code {@link ExitCode#USAGE}.
 */
public class UsageException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public UsageException(String what, String why, String hint) {
    super(ExitCode.USAGE, what, why, hint, null);
  }
}
