package org.wgmesh.site.cli;

import java.io.PrintWriter;
import java.util.List;
import org.wgmesh.core.error.SafeText;
import org.wgmesh.site.enrolment.QueuedHost;

/**
 * How {@code wgsite --queue} prints the enrolment queue (subjects escaped: a client chose them).
 */
final class QueueOutput {
  private QueueOutput() {}

  static void table(List<QueuedHost> hosts, PrintWriter out) {
    String f = "%-16s  %-20s  %-24s  %-16s  %s%n";
    out.printf(f, "ID", "RECEIVED", "HOSTNAME", "RULE", "SUBJECT");
    for (QueuedHost h : hosts) {
      out.printf(
          f,
          h.id(),
          h.received(),
          h.hostname(),
          SafeText.escape(h.rule()),
          SafeText.escape(h.subject()));
    }
    out.flush();
  }
}
