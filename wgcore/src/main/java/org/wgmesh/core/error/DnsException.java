package org.wgmesh.core.error;

/**
 * Thrown for DNS that could not be read (timeout, refusal, missing name). Exit code {@link
 * ExitCode#DNS}.
 */
public class DnsException extends WgmeshException {
  private static final long serialVersionUID = 1L;

  public DnsException(String what, String why) {
    super(ExitCode.DNS, what, why, null, null);
  }

  public DnsException(String what, String why, String hint) {
    super(ExitCode.DNS, what, why, hint, null);
  }

  public DnsException(String what, String why, String hint, Throwable cause) {
    super(ExitCode.DNS, what, why, hint, cause);
  }
}
