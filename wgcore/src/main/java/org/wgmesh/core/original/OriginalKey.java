package org.wgmesh.core.original;

import java.nio.file.Path;
import java.util.Objects;
import org.wgmesh.core.crypto.X25519PrivateKey;

/**
 * A key file of the original wgmesh, read and checked by {@link OriginalKeys}.
 *
 * @param key the key, byte for byte as in the file (NaCl keys are stored unclamped; X25519 and
 *     {@code wg} clamp when they use it, so the public key is the same)
 * @param file where it was read from
 * @param readableByOthers whether group or others may read the file (the original's umask left keys
 *     0644): the caller warns, and writes its own copy 0600
 */
public record OriginalKey(X25519PrivateKey key, Path file, boolean readableByOthers) {
  public OriginalKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(file, "file");
  }
}
