package org.wgmesh.core.enrolment;

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
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.net.IpPrefix;

/**
 * The join tokens of a site on disk: {@code <site file>.tokens} beside the site file, JSON, mode
 * 0600 (the hashes are not secrets that open anything, but the file also says which hostnames and
 * LANs a token admits, which is nobody else's business). Callers read and write it under the site
 * file's lock ({@code SiteFile.lock}), so a redeem and a revoke cannot lose each other's change.
 */
public final class TokenFile {
  private static final String FORMAT = "wgmesh-join-tokens-1";

  private TokenFile() {}

  /** The token file of a site file. */
  public static Path beside(Path siteFile) {
    return siteFile.resolveSibling(siteFile.getFileName() + ".tokens");
  }

  /**
   * The tokens in {@code file}; none when it does not exist.
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be read
   * @throws ConfigException naming the file and the token when it is malformed
   */
  public static TokenStore read(Path file) {
    Optional<JsonNode> found = Json.readFormatFile(file, FORMAT);
    if (found.isEmpty()) {
      return TokenStore.EMPTY;
    }
    JsonNode root = found.get();
    List<JoinToken> tokens = new ArrayList<>();
    int i = 0;
    for (JsonNode t : root.path("tokens")) {
      tokens.add(token(t, file + ": tokens[" + i++ + "]"));
    }
    return new TokenStore(tokens);
  }

  /**
   * Writes {@code store} to {@code file} atomically, mode 0600.
   *
   * @return true when the file changed
   * @throws org.wgmesh.core.error.FileException when it cannot be written (the old file is intact)
   */
  public static boolean write(Path file, TokenStore store) {
    ObjectNode root = Json.object();
    root.put("format", FORMAT);
    ArrayNode list = root.putArray("tokens");
    for (JoinToken t : store.tokens()) {
      ObjectNode o = list.addObject();
      o.put("id", t.id());
      o.put("sha256", t.secretHash());
      o.put("created", t.created().toString());
      o.put("expires", t.expires().toString());
      o.put("uses-left", t.usesLeft());
      o.put("hostnames", t.hostnames().text());
      ArrayNode lans = o.putArray("lan-prefixes");
      t.lanPrefixes().forEach(p -> lans.add(p.toString()));
      o.put("admit", t.admit().text());
      o.put("rejoin", t.rejoin());
      o.put("revoked", t.revoked());
    }
    return AtomicFiles.write(file, Json.pretty(root) + "\n", AtomicFiles.SECRET);
  }

  private static JoinToken token(JsonNode t, String where) {
    try {
      List<IpPrefix> lans = new ArrayList<>();
      for (JsonNode p : t.path("lan-prefixes")) {
        lans.add(IpPrefix.parse(p.asText(), where + ".lan-prefixes"));
      }
      return new JoinToken(
          text(t, "id", where),
          text(t, "sha256", where),
          Instant.parse(text(t, "created", where)),
          Instant.parse(text(t, "expires", where)),
          t.path("uses-left").asInt(-1),
          HostnamePattern.parse(text(t, "hostnames", where), where + ".hostnames"),
          lans,
          Admit.parse(text(t, "admit", where), where + ".admit"),
          t.path("rejoin").asBoolean(false),
          t.path("revoked").asBoolean(false));
    } catch (WgmeshException e) {
      throw new ConfigException(where, e.why(), "restore the file from a backup", e);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new ConfigException(
          where, "is not a valid token: " + e.getMessage(), "restore the file from a backup", e);
    }
  }

  private static String text(JsonNode t, String field, String where) {
    JsonNode v = t.get(field);
    if (v == null || !v.isTextual()) {
      throw new ConfigException(where, "has no " + field);
    }
    return v.asText();
  }
}
