package org.wgmesh.endpoint.deploy.apply;

import java.util.List;

/** Public entry to the line diff used in dry-run reports. */
public final class Diffs {
  private Diffs() {}

  /** Changed lines of {@code before} to {@code after} with a little context. */
  public static List<String> lines(String before, String after) {
    return LineDiff.diff(before, after);
  }
}
