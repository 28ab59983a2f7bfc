package org.wgmesh.endpoint.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.wgmesh.core.crypto.KeyFiles;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.AtomicFiles;
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
      throw new FileException(
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
   * The HPKE key file (issue 12): {@code <domain>.hpke.key} beside the host key file, 0600. The
   * site seals this host's key record to its public half once a registration or rotation blob
   * carried it; until then the key record opens with the WireGuard key.
   */
  public static Path hpkeFile(Path hostKeyFile, DomainName domain) {
    return hostKeyFile.resolveSibling(domain + ".hpke.key");
  }

  /** The HPKE key, if its file exists. */
  public static Optional<X25519PrivateKey> readHpke(Path hostKeyFile, DomainName domain) {
    Path p = hpkeFile(hostKeyFile, domain);
    return Files.exists(p) ? Optional.of(read(p, domain)) : Optional.empty();
  }

  /**
   * The pending key of a host key rotation ({@code wghost --rotate-key}): {@code <key file>.next},
   * 0600. It becomes the host key once a deploy verified a mesh that publishes it.
   */
  public static Path pendingFile(Path hostKeyFile) {
    return hostKeyFile.resolveSibling(hostKeyFile.getFileName() + ".next");
  }

  /** The pending rotation key, if one exists. */
  public static Optional<X25519PrivateKey> readPending(Path hostKeyFile, DomainName domain) {
    Path p = pendingFile(hostKeyFile);
    return Files.exists(p) ? Optional.of(read(p, domain)) : Optional.empty();
  }

  /**
   * Makes {@code next}, the pending key read at the start of the run, the host key (atomically,
   * 0600) and removes the pending file; does nothing when there is none. The pending file is not
   * read again: the key deployed is the one promoted. Idempotent, also after an interruption
   * between the two steps.
   *
   * @throws org.wgmesh.core.error.FileException when a file cannot be written
   */
  public static void promotePending(Path hostKeyFile, X25519PrivateKey next) {
    Path p = pendingFile(hostKeyFile);
    if (!Files.exists(p)) {
      return;
    }
    AtomicFiles.write(hostKeyFile, next.toBase64() + "\n", AtomicFiles.SECRET);
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new FileException(p.toString(), "cannot remove: " + e.getMessage(), null, e);
    }
  }

  /**
   * A key and whether it was just created.
   *
   * @param key the private key
   * @param created true when the file did not exist before
   */
  public record Loaded(X25519PrivateKey key, boolean created) {}
}
