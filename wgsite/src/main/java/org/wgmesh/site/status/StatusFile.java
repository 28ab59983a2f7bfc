package org.wgmesh.site.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.json.Json;
import org.wgmesh.site.service.BadRequestException;

/**
 * {@code <site file>.status}: per host the latest health report and when the site received it
 * (JSON, format {@code wgmesh-status-1}, mode 0600, written atomically). Only the enrolment service
 * writes it, from memory about once a second ({@link StatusStore}); readers such as {@code wgsite
 * --status} see either the old or the new file. {@link #record} stores one report by rewriting the
 * file (for tools and tests: at 1,000 hosts it takes 50 ms or more).
 */
public final class StatusFile {
  private static final String FORMAT = "wgmesh-status-1";

  /** One writer per process: the service's threads take turns (reports are small). */
  private static final Object WRITING = new Object();

  /**
   * A stored report.
   *
   * @param received when the site received it (the site's clock)
   * @param report the report
   */
  public record Received(Instant received, HealthReport report) {
    public Received {
      Objects.requireNonNull(received, "received");
      Objects.requireNonNull(report, "report");
    }
  }

  private StatusFile() {}

  /** The status file of a site file. */
  public static Path beside(Path siteFile) {
    return siteFile.resolveSibling(siteFile.getFileName() + ".status");
  }

  /**
   * The latest report of each host, by hostname; none when the file does not exist.
   *
   * @throws ConfigException naming the file and the host when it is malformed
   */
  public static Map<String, Received> read(Path file) {
    Optional<JsonNode> root = Json.readFormatFile(file, FORMAT);
    Map<String, Received> hosts = new TreeMap<>();
    if (root.isEmpty()) {
      return hosts;
    }
    JsonNode list = root.get().path("hosts");
    for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String where = file + ": hosts." + e.getKey();
      try {
        hosts.put(
            e.getKey(),
            new Received(
                Instant.parse(e.getValue().path("received").asText()),
                HealthReportParser.parse(e.getValue().path("report"))));
      } catch (DateTimeParseException ex) {
        throw new ConfigException(where + ".received", "is not a time");
      } catch (BadRequestException ex) {
        throw new ConfigException(where + ".report." + ex.field(), ex.why());
      }
    }
    return hosts;
  }

  /**
   * Stores {@code report} as the latest of {@code hostname}, keeping the other hosts' reports.
   *
   * @throws ConfigException when the file is malformed (then nothing is written)
   * @throws org.wgmesh.core.error.FileException when it cannot be written (the old file is intact)
   */
  public static void record(Path file, String hostname, HealthReport report, Instant received) {
    synchronized (WRITING) {
      Map<String, Received> hosts = read(file);
      hosts.put(hostname, new Received(received, report));
      write(file, hosts);
    }
  }

  /** Writes {@code hosts} as the whole file, atomically (the old file or the new, never half). */
  public static void write(Path file, Map<String, Received> hosts) {
    ObjectNode root = Json.object();
    root.put("format", FORMAT);
    ObjectNode list = root.putObject("hosts");
    hosts.forEach(
        (name, r) -> {
          ObjectNode h = list.putObject(name);
          h.put("received", r.received().toString());
          h.set("report", r.report().json());
        });
    AtomicFiles.write(file, Json.pretty(root) + "\n", AtomicFiles.SECRET);
  }
}
