package org.wgmesh.core.error;

/**
 * Thrown for a DNS record that failed decoding or verification (names the record and the field).
 * Exit code {@link ExitCode#RECORD}.
 */
public class RecordException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public RecordException(String what, String why) {
    super(ExitCode.RECORD, what, why, null, null);
  }

  public RecordException(String what, String why, String hint) {
    super(ExitCode.RECORD, what, why, hint, null);
  }

  public RecordException(String what, String why, String hint, Throwable cause) {
    super(ExitCode.RECORD, what, why, hint, cause);
  }
}
