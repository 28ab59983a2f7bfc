package org.wgmesh.core.error;

/**
 * The one table of process exit codes shared by every wgmesh command. {@code docs/exit-codes.md}
 * documents the same table; a test keeps the two in step.
 */
public enum ExitCode {
  /** The command did what was asked (or found nothing to do). */
  OK(0, "success"),
  /** An unexpected internal error: a bug; the message says where. */
  INTERNAL(1, "internal error"),
  /** The command line is wrong: unknown option, missing argument, bad value. */
  USAGE(2, "bad command line"),
  /** The site file or endpoint file is invalid or inconsistent with its key files. */
  CONFIG(3, "invalid configuration file"),
  /** Input data is malformed: a registration blob, a key file, an address. */
  INPUT(4, "invalid input"),
  /**
   * A DNS record failed verification: tampered, truncated, replayed, expired, wrong site or host.
   */
  RECORD(5, "record rejected"),
  /** DNS could not be read: timeout, refused, name does not exist. */
  DNS(6, "DNS unavailable"),
  /** A publish target refused or failed a change; the next wgpub run completes it. */
  PUBLISH(7, "publish failed"),
  /** Deploy failed and the previous configuration was restored. */
  DEPLOY(8, "deploy failed"),
  /** The operator declined a confirmation prompt; nothing was changed. */
  DECLINED(9, "declined"),
  /** The request conflicts with existing state (for example a uuid registered with another key). */
  CONFLICT(10, "conflict"),
  /** A file could not be read or written. */
  IO(11, "file error"),
  /**
   * The health check ({@code wgdeploy --check}) found problems, or found nothing deployed to check.
   */
  UNHEALTHY(12, "unhealthy");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The numeric process exit status. */
  public int code() {
    return code;
  }

  /** A few words on what the code means, as in the documented table. */
  public String meaning() {
    return meaning;
  }
}
