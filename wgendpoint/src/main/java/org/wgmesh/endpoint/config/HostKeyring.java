package org.wgmesh.endpoint.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.net.DomainName;

/**
 * This host's private keys for one mesh, each file read once per run: the host key, the pending
 * next key of a rotation ({@code wghost --rotate-key}) and the HPKE key its key record is sealed
 * to. It exists so that the mesh, read once or twice in a run (with the pending key, then the
 * current one), and the key promotion after the deploy use the keys read at the start instead of
 * reading the files again. The HPKE key is read when first needed (by the mesh read), where a
 * damaged file was always reported.
 */
public final class HostKeyring {
  private final X25519PrivateKey current;
  private final Optional<X25519PrivateKey> pending;
  private final Supplier<Optional<X25519PrivateKey>> hpkeFile;
  private Optional<X25519PrivateKey> hpke;

  /**
   * @param current the host key
   * @param pending the next key, if a rotation is pending
   * @param hpkeFile reads the HPKE key (called at most once)
   */
  public HostKeyring(
      X25519PrivateKey current,
      Optional<X25519PrivateKey> pending,
      Supplier<Optional<X25519PrivateKey>> hpkeFile) {
    this.current = Objects.requireNonNull(current, "current");
    this.pending = Objects.requireNonNull(pending, "pending");
    this.hpkeFile = Objects.requireNonNull(hpkeFile, "hpkeFile");
  }

  /**
   * Reads the host key and the pending key beside {@code hostKeyFile}; the HPKE key follows on
   * first use.
   *
   * @throws org.wgmesh.core.error.FileException when the host key is missing or unreadable
   * @throws org.wgmesh.core.error.ConfigException when a key file does not hold a key
   */
  public static HostKeyring read(Path hostKeyFile, DomainName domain) {
    X25519PrivateKey current = HostKeys.read(hostKeyFile, domain);
    Optional<X25519PrivateKey> pending = HostKeys.readPending(hostKeyFile, domain);
    return new HostKeyring(current, pending, () -> HostKeys.readHpke(hostKeyFile, domain));
  }

  /** The host key. */
  public X25519PrivateKey current() {
    return current;
  }

  /** The next key of a pending rotation. */
  public Optional<X25519PrivateKey> pending() {
    return pending;
  }

  /**
   * The HPKE key, if its file exists; the file is read on the first call only.
   *
   * @throws org.wgmesh.core.error.ConfigException when the file does not hold a key
   */
  public Optional<X25519PrivateKey> hpke() {
    if (hpke == null) {
      hpke = Objects.requireNonNull(hpkeFile.get(), "hpke");
    }
    return hpke;
  }
}
