package org.wgmesh.site.publish.rfc2136;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.error.ConfigException;

/** Reads a TSIG secret from a file only its owner can read. */
final class SecretFiles {
  // Accepts a bare base64 secret, Knot's "secret: X" (keymgr -t) and BIND's 'secret "X";'
  // (tsig-keygen).
  private static final Pattern SECRET_LINE =
      Pattern.compile("secret\\s*[:\\s]\\s*\"?([A-Za-z0-9+/=]+)\"?");
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

  private SecretFiles() {}

  /**
   * The base64 secret in {@code file}.
   *
   * @throws ConfigException when the file is missing, readable by group or others, or holds no
   *     recognisable secret
   */
  static String readTsigSecret(Path file) {
    Set<PosixFilePermission> mode;
    String text;
    try {
      mode = Files.getPosixFilePermissions(file);
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigException(
          "TSIG secret file " + file,
          "cannot read: " + e.getMessage(),
          "create it with mode 0600, holding the base64 secret");
    }
    for (PosixFilePermission p : mode) {
      if (!p.name().startsWith("OWNER")) {
        throw new ConfigException(
            "TSIG secret file " + file,
            "readable by others (mode " + PosixFilePermissions.toString(mode) + ")",
            "chmod 600 " + file);
      }
    }
    if (BARE.matcher(text).matches()) {
      return text;
    }
    Matcher m = SECRET_LINE.matcher(text);
    if (m.find()) {
      return m.group(1);
    }
    throw new ConfigException(
        "TSIG secret file " + file,
        "holds no base64 secret",
        "write the secret alone on one line (keymgr -t NAME hmac-sha256 prints one)");
  }
}
