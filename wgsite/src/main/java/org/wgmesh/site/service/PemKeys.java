package org.wgmesh.site.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.io.BoundedFiles;

/**
 * The service's TLS material from PEM files (as {@code openssl} and every CA tool write them) into
 * in-memory key stores: nothing is written, no keystore password lives on disk.
 */
public final class PemKeys {
  /** The password of the in-memory key store; it protects nothing, Jetty needs one. */
  public static final String STORE_PASSWORD = "in-memory";

  private static final BoundedFiles.Limit LIMIT =
      new BoundedFiles.Limit("PEM file size limit", 1 << 20, ConfigException::new);

  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");

  private PemKeys() {}

  /**
   * A key store holding the server's key under the alias {@code server} with its chain.
   *
   * @throws ConfigException naming the file when it is not what is expected
   */
  public static KeyStore serverKeyStore(Path certificate, Path key) {
    List<Certificate> chain = certificates(certificate);
    PrivateKey privateKey = privateKey(key);
    try {
      KeyStore store = emptyStore();
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
    try {
      KeyStore store = emptyStore();
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      return store;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("an empty in-memory key store takes certificates", e);
    }
  }

  private static List<Certificate> certificates(Path file) {
    byte[] raw = BoundedFiles.readBytes(file, LIMIT);
    List<Certificate> certs;
    try {
      certs =
          new ArrayList<>(
              CertificateFactory.getInstance("X.509")
                  .generateCertificates(new ByteArrayInputStream(raw)));
    } catch (CertificateException e) {
      throw new ConfigException(
          file.toString(), "not PEM certificates: " + e.getMessage(), null, e);
    }
    if (certs.isEmpty()) {
      throw new ConfigException(file.toString(), "holds no certificate");
    }
    return certs;
  }

  private static PrivateKey privateKey(Path file) {
    String text = new String(BoundedFiles.readBytes(file, LIMIT), StandardCharsets.US_ASCII);
    Matcher m = PKCS8.matcher(text);
    if (!m.find()) {
      throw new ConfigException(
          file.toString(),
          "holds no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)",
          "convert it: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out NEW-KEY.pem");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file.toString(), "the private key is not valid base64");
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new ConfigException(
        file.toString(), "the private key is none of " + KEY_ALGORITHMS + " or is malformed");
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("an empty key store loads from nothing", e);
    }
    return store;
  }
}
