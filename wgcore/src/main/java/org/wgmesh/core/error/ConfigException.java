package org.wgmesh.core.error;

/**
 * Thrown for an invalid site or endpoint file (names the file, the key path and the line). Exit
 * code {@link ExitCode#CONFIG}.
 */
public class ConfigException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String what, String why) {
    super(ExitCode.CONFIG, what, why, null, null);
  }

  public ConfigException(String what, String why, String hint) {
    super(ExitCode.CONFIG, what, why, hint, null);
  }

  public ConfigException(String what, String why, String hint, Throwable cause) {
    super(ExitCode.CONFIG, what, why, hint, cause);
  }
}
