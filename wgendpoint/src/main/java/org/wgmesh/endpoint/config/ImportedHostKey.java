package org.wgmesh.endpoint.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.original.OriginalKey;

/**
 * The original wgmesh node key as this endpoint's host key (issue 26): the same 32 bytes, so peers
 * keep the WireGuard key they know. The bytes are copied as they are, unclamped (NaCl stores the
 * raw scalar; X25519 and {@code wg} clamp when they use it, so the public key is the same), as the
 * 44 base64 characters the original wrote, mode 0600. A key already at the target is never
 * replaced: the same key is left alone, another one is a conflict.
 *
 * @param original the checked original key
 * @param target the endpoint's host key file
 * @param present whether the target already holds this key (nothing to write)
 */
record ImportedHostKey(OriginalKey original, Path target, boolean present) {
  ImportedHostKey {
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(target, "target");
  }

  /**
   * Checks {@code target} before anything is written: absent, or holding the same key.
   *
   * @throws ConflictException when it holds another key
   * @throws org.wgmesh.core.error.FileException when it cannot be read or others can read it
   * @throws org.wgmesh.core.error.ConfigException when it does not hold a key
   */
  static ImportedHostKey check(OriginalKey original, Path target, DomainName domain) {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return new ImportedHostKey(original, target, false);
    }
    X25519PrivateKey there = HostKeys.read(target, domain);
    if (!there.equals(original.key())) {
      throw new ConflictException(
          target.toString(),
          "holds another host key (public key "
              + there.publicKey().toBase64()
              + ") than the original's "
              + original.file()
              + " (public key "
              + original.key().publicKey().toBase64()
              + ")",
          "nothing was changed. If this key was never registered on the site (a wghost run before"
              + " the import), move it away and run again; if the site knows it, this host has"
              + " moved already: run wgconfig without --import-original");
    }
    return new ImportedHostKey(original, target, true);
  }

  /**
   * Writes the key to the target (atomically, 0600) unless it is there already.
   *
   * @return whether the file was written
   * @throws org.wgmesh.core.error.FileException when it cannot be written
   */
  boolean install() {
    if (present) {
      return false;
    }
    AtomicFiles.create(
        target, original.key().toBase64().getBytes(StandardCharsets.US_ASCII), AtomicFiles.SECRET);
    return true;
  }
}
