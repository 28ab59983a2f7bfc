package org.wgmesh.core.original;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Set;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.io.BoundedFiles;

/**
 * Reads the original wgmesh's key files (issue 26): 44 characters of standard base64 (32 bytes), at
 * most a trailing newline. Unlike {@code KeyFiles.readSecret} a file that others can read is
 * accepted, because the original wrote its keys 0644; {@link OriginalKey#readableByOthers} says so
 * for the caller's warning. Every key is checked against the public key the original recorded for
 * it before it is used. A file's content is never echoed in an error.
 */
public final class OriginalKeys {
  /** Size limit of an original key file. */
  public static final long MAX_KEY_BYTES = 1024;

  private static final BoundedFiles.Limit LIMIT =
      new BoundedFiles.Limit("original key-file size limit", MAX_KEY_BYTES, ConfigException::new);

  private OriginalKeys() {}

  /**
   * Reads the original site's private key from {@code file} and checks it against {@code
   * global.publickey}.
   *
   * @throws FileException when the file does not exist or cannot be read
   * @throws ConfigException when it is not a key, or not the key of this site ("wrong site key",
   *     naming the key file, the site file and {@code global.publickey} with its line)
   */
  public static OriginalKey siteKey(OriginalSite site, Path file) {
    OriginalKey key = read(file);
    X25519PublicKey derived = key.key().publicKey();
    if (!derived.equals(site.publicKey())) {
      throw new ConfigException(
          file.toString(),
          "wrong site key: its public key "
              + derived.toBase64()
              + " is not global.publickey "
              + site.publicKey().toBase64()
              + " ("
              + site.source()
              + ": "
              + site.publicKeyWhere()
              + ")",
          "give the original site's key file (global.privatekey on the site controller) with"
              + " --original-key");
    }
    return key;
  }

  /**
   * Reads a node's private key from {@code file} and checks it against {@code node_<locus>.pub}
   * beside it (when that exists) and the node file's {@code public_key_encoded} (when not empty).
   *
   * @throws FileException when a file does not exist or cannot be read
   * @throws ConfigException when it is not a key, or a recorded public key is not its public key
   */
  public static OriginalKey nodeKey(OriginalNode node, Path file) {
    OriginalKey key = read(file);
    X25519PublicKey derived = key.key().publicKey();
    Path pub = publicKeyFile(file, node.locus());
    if (Files.exists(pub)) {
      X25519PublicKey recorded = new X25519PublicKey(decode(pub));
      if (!recorded.equals(derived)) {
        throw new ConfigException(
            pub.toString(),
            "is not the public key of " + file + " (that is " + derived.toBase64() + ")",
            "is the key file from the same host as " + pub.getFileName() + "?");
      }
    }
    if (node.publicKey().isPresent() && !node.publicKey().get().equals(derived)) {
      throw new ConfigException(
          node.source(),
          "Property 'local.public_key_encoded': "
              + node.publicKey().get().toBase64()
              + " is not the public key of "
              + file
              + " (that is "
              + derived.toBase64()
              + ")");
    }
    return key;
  }

  /** {@code node_<locus>.pub} beside {@code keyFile}: where the original wrote the public half. */
  public static Path publicKeyFile(Path keyFile, String locus) {
    return keyFile.resolveSibling("node_" + locus + ".pub");
  }

  private static OriginalKey read(Path file) {
    return new OriginalKey(new X25519PrivateKey(decode(file)), file, readableByOthers(file));
  }

  private static byte[] decode(Path file) {
    String text = BoundedFiles.readUtf8(file, LIMIT);
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    byte[] raw = null;
    if (text.length() == 44) {
      try {
        raw = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        raw = null;
      }
    }
    if (raw == null || raw.length != 32) {
      throw new ConfigException(
          file.toString(),
          "not a key: a key file holds 32 bytes in base64 (44 characters) and at most a newline",
          "is this the right file?");
    }
    return raw;
  }

  private static boolean readableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      return perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ);
    } catch (UnsupportedOperationException e) {
      return false;
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }
}
