package org.wgmesh.site.service;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import org.wgmesh.core.crypto.PemFiles;
import org.wgmesh.core.error.ConfigException;

/**
 * The service's TLS material from PEM files (read by wgcore's {@link PemFiles}) into in-memory key
 * stores: nothing is written, no keystore password lives on disk. A bad file is a configuration
 * error naming the file.
 */
public final class PemKeys {
  /** The password of the in-memory key store; it protects nothing, Jetty needs one. */
  public static final String STORE_PASSWORD = PemFiles.STORE_PASSWORD;

  private PemKeys() {}

  /**
   * A key store holding the server's key under the alias {@code server} with its chain.
   *
   * @throws ConfigException naming the file when it is not what is expected
   */
  public static KeyStore serverKeyStore(Path certificate, Path key) {
    List<Certificate> chain = certificates(certificate);
    PrivateKey privateKey = PemFiles.privateKey(key, key.toString(), ConfigException::new);
    try {
      KeyStore store = PemFiles.emptyStore();
      store.setKeyEntry(
          "server", privateKey, STORE_PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException e) {
      throw new ConfigException(
          key.toString(),
          "does not go with the certificate in " + certificate + ": " + e.getMessage());
    }
  }

  /**
   * A trust store of every certificate in the CA bundles.
   *
   * @throws ConfigException naming the file that holds no certificate or a malformed one
   */
  public static KeyStore trustStore(List<Path> bundles) {
    List<Certificate> cas = new ArrayList<>();
    for (Path bundle : bundles) {
      cas.addAll(certificates(bundle));
    }
    return PemFiles.trustStore(cas);
  }

  private static List<Certificate> certificates(Path file) {
    return PemFiles.certificates(file, file.toString(), ConfigException::new);
  }
}
