package org.wgmesh.endpoint.deploy.steps;

import java.util.ArrayList;
import java.util.List;

/**
 * A small line diff (longest common subsequence) for {@code --dry-run}: {@code -}/{@code +} lines
 * with 2 lines of context.
 */
public final class LineDiff {
  private static final int CONTEXT = 2;

  private LineDiff() {}

  /** The changed lines of {@code a} to {@code b}, prefixed with "-", "+" or " " (context). */
  public static List<String> diff(String a, String b) {
    String[] x = a.isEmpty() ? new String[0] : a.split("\n", -1);
    String[] y = b.isEmpty() ? new String[0] : b.split("\n", -1);
    int n = x.length;
    int m = y.length;
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] =
            x[i].equals(y[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> all = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[i].equals(y[j])) {
        all.add(" " + x[i++]);
        j++;
      } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        all.add("+" + y[j++]);
      } else {
        all.add("-" + x[i++]);
      }
    }
    // Keep changes and CONTEXT lines around them.
    List<String> out = new ArrayList<>();
    int lastShown = -1;
    for (int k = 0; k < all.size(); k++) {
      if (all.get(k).charAt(0) == ' ') {
        continue;
      }
      int from = Math.max(lastShown + 1, k - CONTEXT);
      if (lastShown >= 0 && from > lastShown + 1) {
        out.add("...");
      }
      for (int c = from; c <= k; c++) {
        out.add(all.get(c));
      }
      lastShown = k;
      int to = Math.min(all.size() - 1, k + CONTEXT);
      for (int c = k + 1; c <= to && all.get(c).charAt(0) == ' '; c++) {
        out.add(all.get(c));
        lastShown = c;
      }
    }
    return out;
  }
}
