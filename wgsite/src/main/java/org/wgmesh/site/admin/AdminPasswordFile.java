package org.wgmesh.site.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.site.SiteFile;

/**
 * {@code <site file>.admins}: the status page's admin users and their password hashes ({@link
 * PasswordHash}), JSON of format {@code wgmesh-admins-1}, mode 0600, written atomically under the
 * site file's lock by {@code wgsite --admin-password NAME}. Never holds a password.
 */
public final class AdminPasswordFile {
  private static final String FORMAT = "wgmesh-admins-1";

  private AdminPasswordFile() {}

  /** The admin file of a site file. */
  public static Path beside(Path siteFile) {
    return siteFile.resolveSibling(siteFile.getFileName() + ".admins");
  }

  /**
   * The hash of each user, by name; none when the file does not exist.
   *
   * @throws ConfigException naming the file and user when it is malformed (exit 3)
   */
  public static Map<String, String> read(Path file) {
    Map<String, String> users = new TreeMap<>();
    Optional<JsonNode> root = Json.readFormatFile(file, FORMAT);
    if (root.isEmpty()) {
      return users;
    }
    JsonNode list = root.get().path("users");
    if (!list.isObject()) {
      throw new ConfigException(
          file + ": users",
          "is not a JSON object",
          "restore it, or remove it and set the passwords again");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String hash = e.getValue().asText("");
      if (!e.getValue().isTextual() || !PasswordHash.wellFormed(hash) || !validName(e.getKey())) {
        throw new ConfigException(
            file + ": users." + e.getKey(),
            "is not a user name with a " + PasswordHash.SCHEME + " hash",
            "set the password again with wgsite --admin-password");
      }
      users.put(e.getKey(), hash);
    }
    return users;
  }

  /**
   * Sets {@code name}'s password (adds the user or replaces the hash), keeping the other users.
   *
   * @throws InputException for a bad user name or a short password (nothing is written)
   * @throws ConfigException when the existing file is malformed (nothing is written)
   */
  public static void set(Path siteFile, String name, char[] password, SecureRandom random) {
    checkName(name);
    String hash = PasswordHash.hash(password, random);
    Path file = beside(siteFile);
    try (LockFile lock = SiteFile.lock(siteFile, SiteFile.LOCK_WAIT)) {
      Map<String, String> users = read(file);
      users.put(name, hash);
      ObjectNode root = Json.object();
      root.put("format", FORMAT);
      ObjectNode list = root.putObject("users");
      users.forEach(list::put);
      AtomicFiles.write(file, Json.pretty(root) + "\n", AtomicFiles.SECRET);
    }
  }

  /** A user name: what HTTP Basic can carry and a log line can show plainly. */
  public static String checkName(String name) {
    if (!validName(name)) {
      throw new InputException(
          "admin name", "'" + name + "' is not a user name", "use 1-32 letters, digits, . _ -");
    }
    return name;
  }

  private static boolean validName(String name) {
    return name.matches("[A-Za-z0-9._-]{1,32}");
  }
}
