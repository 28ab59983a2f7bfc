package org.wgmesh.site.enrolment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.json.Json;

/**
 * The enrolment queue of a site: {@code <site file>.queue} beside it, JSON, mode 0600, written
 * atomically and only under the site file's lock (like the token file). 0600 because a blob names a
 * host's addresses and LANs, which the group-readable site file shows only once admitted.
 */
public final class QueueFile {
  private static final String FORMAT = "wgmesh-enrolment-queue-1";

  private QueueFile() {}

  /** The queue file of a site file. */
  public static Path beside(Path siteFile) {
    return siteFile.resolveSibling(siteFile.getFileName() + ".queue");
  }

  /**
   * The queued hosts in {@code file}, oldest first; none when it does not exist.
   *
   * @throws ConfigException naming the file and the entry when it is malformed
   */
  public static List<QueuedHost> read(Path file) {
    Optional<JsonNode> root = Json.readFormatFile(file, FORMAT);
    if (root.isEmpty()) {
      return List.of();
    }
    List<QueuedHost> hosts = new ArrayList<>();
    int i = 0;
    for (JsonNode h : root.get().path("queued")) {
      hosts.add(host(h, file + ": queued[" + i++ + "]"));
    }
    return List.copyOf(hosts);
  }

  private static QueuedHost host(JsonNode h, String where) {
    try {
      return new QueuedHost(
          text(h, "id", where),
          Instant.parse(text(h, "received", where)),
          text(h, "subject", where),
          text(h, "rule", where),
          bool(h, "rejoin", where),
          text(h, "hostname", where),
          text(h, "blob", where));
    } catch (DateTimeParseException e) {
      throw new ConfigException(where + ".received", "is not a time: " + e.getParsedString());
    }
  }

  private static boolean bool(JsonNode h, String field, String where) {
    JsonNode v = h.get(field);
    if (v == null || !v.isBoolean()) {
      throw new ConfigException(where + "." + field, "is missing or not true/false");
    }
    return v.asBoolean();
  }

  private static String text(JsonNode h, String field, String where) {
    JsonNode v = h.get(field);
    if (v == null || !v.isTextual()) {
      throw new ConfigException(where + "." + field, "is missing or not a string");
    }
    return v.asText();
  }

  /**
   * Writes {@code hosts} to {@code file} atomically, mode 0600.
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be written (the old file is intact)
   */
  public static void write(Path file, List<QueuedHost> hosts) {
    ObjectNode root = Json.object();
    root.put("format", FORMAT);
    ArrayNode list = root.putArray("queued");
    for (QueuedHost h : hosts) {
      summary(h, list.addObject()).put("blob", h.blob());
    }
    AtomicFiles.write(file, Json.pretty(root) + "\n", AtomicFiles.SECRET);
  }

  /**
   * The fields of {@code h} but its blob, put into {@code into}: the queue file adds the blob,
   * {@code wgsite --queue --json} shows them as they are.
   */
  public static ObjectNode summary(QueuedHost h, ObjectNode into) {
    return into.put("id", h.id())
        .put("received", h.received().toString())
        .put("subject", h.subject())
        .put("rule", h.rule())
        .put("rejoin", h.rejoin())
        .put("hostname", h.hostname());
  }
}
