package org.wgmesh.core.crypto;

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
import org.wgmesh.core.io.BoundedFiles;

/**
 * TLS material from PEM files as {@code openssl} and every CA tool write them: certificate chains,
 * unencrypted PKCS#8 private keys, and the in-memory key stores they go into (nothing is written,
 * no keystore password lives on disk). The site's HTTPS service and the endpoint's client both read
 * them; each names the file its own way ({@code what}) and refuses with its own exception.
 */
public final class PemFiles {
  /** The password of the in-memory key stores; it protects nothing, the JDK wants one. */
  public static final String STORE_PASSWORD = "in-memory";

  private static final long MAX_BYTES = 1 << 20;

  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");

  private PemFiles() {}

  /**
   * Every certificate in {@code file}, in order (a chain starts with the leaf).
   *
   * @throws org.wgmesh.core.error.FileException when the file is missing or unreadable
   * @throws org.wgmesh.core.error.WgmeshException from {@code refusal}, naming {@code what}, when
   *     the file is too large, not PEM certificates or holds none
   */
  public static List<Certificate> certificates(
      Path file, String what, BoundedFiles.Refusal refusal) {
    byte[] raw = BoundedFiles.readBytes(file, limit(refusal));
    List<Certificate> certs;
    try {
      certs =
          new ArrayList<>(
              CertificateFactory.getInstance("X.509")
                  .generateCertificates(new ByteArrayInputStream(raw)));
    } catch (CertificateException e) {
      throw refusal.of(what, "not PEM certificates: " + e.getMessage(), null);
    }
    if (certs.isEmpty()) {
      throw refusal.of(what, "holds no certificate", null);
    }
    return certs;
  }

  /**
   * The unencrypted PKCS#8 private key in {@code file} (EC, RSA, Ed25519 or Ed448).
   *
   * @throws org.wgmesh.core.error.FileException when the file is missing or unreadable
   * @throws org.wgmesh.core.error.WgmeshException from {@code refusal}, naming {@code what}, when
   *     the file holds no such key or a malformed one
   */
  public static PrivateKey privateKey(Path file, String what, BoundedFiles.Refusal refusal) {
    String text =
        new String(BoundedFiles.readBytes(file, limit(refusal)), StandardCharsets.US_ASCII);
    Matcher m = PKCS8.matcher(text);
    if (!m.find()) {
      throw refusal.of(
          what,
          "holds no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)",
          "convert it: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out NEW-KEY.pem");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw refusal.of(what, "the private key is not valid base64", null);
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw refusal.of(
        what, "the private key is none of " + KEY_ALGORITHMS + " or is malformed", null);
  }

  /** A trust store of these certificates, under the aliases {@code ca-0}, {@code ca-1}, ... */
  public static KeyStore trustStore(List<Certificate> cas) {
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

  /** An empty PKCS#12 key store in memory. */
  public static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("an empty key store loads from nothing", e);
    }
    return store;
  }

  private static BoundedFiles.Limit limit(BoundedFiles.Refusal refusal) {
    return new BoundedFiles.Limit("PEM file size limit", MAX_BYTES, refusal);
  }
}
