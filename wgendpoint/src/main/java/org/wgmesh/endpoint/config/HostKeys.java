package org.wgmesh.endpoint.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.wgmesh.core.crypto.KeyFiles;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.DomainName;

/** The endpoint's WireGuard private key file: one base64 key, mode 0600, never printed. */
public final class HostKeys {
  private HostKeys() {}

  /**
   * Reads the key in {@code file}.
   *
   * @throws org.wgmesh.core.error.FileException when it is missing (with a hint to run wghost),
   *     unreadable, or readable by others
   * @throws ConfigException when it does not hold a key
   */
  public static X25519PrivateKey read(Path file, DomainName domain) {
    if (!Files.exists(file)) {
      throw new org.wgmesh.core.error.FileException(
          file.toString(),
          "host key file does not exist",
          "create it and register this host: wghost " + domain);
    }
    String text = KeyFiles.readSecret(file);
    try {
      return X25519PrivateKey.parse(text, file.toString());
    } catch (InputException e) {
      throw new ConfigException(
          file.toString(),
          "not a WireGuard private key: " + e.why(),
          "restore the key from a backup; a new key means registering again (wghost)");
    }
  }

  /**
   * Reads the key in {@code file}, creating it (mode 0600) first when it does not exist.
   *
   * @return the key and whether it was created now
   */
  public static Loaded readOrCreate(Path file, DomainName domain) {
    if (Files.exists(file)) {
      return new Loaded(read(file, domain), false);
    }
    X25519PrivateKey key = X25519PrivateKey.generate();
    KeyFiles.createSecret(file, key.toBase64());
    return new Loaded(key, true);
  }

  /**
   * A key and whether it was just created.
   *
   * @param key the private key
   * @param created true when the file did not exist before
   */
  public record Loaded(X25519PrivateKey key, boolean created) {}
}
