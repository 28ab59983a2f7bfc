package org.wgmesh.site.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import org.wgmesh.core.error.SafeText;
import org.wgmesh.core.json.Json;
import org.wgmesh.site.enrolment.QueueFile;
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

  /** The queue as JSON, for scripts: what the table shows, the blob left out. */
  static void json(List<QueuedHost> hosts, PrintWriter out) {
    ObjectNode root = Json.object();
    ArrayNode list = root.putArray("queued");
    for (QueuedHost h : hosts) {
      QueueFile.summary(h, list.addObject());
    }
    out.print(Json.pretty(root) + "\n");
    out.flush();
  }
}
