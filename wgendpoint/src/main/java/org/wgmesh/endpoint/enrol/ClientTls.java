package org.wgmesh.endpoint.enrol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.BoundedFiles;

/**
 * The endpoint's TLS context for the enrolment service, from PEM files as {@code openssl} writes
 * them: it trusts only the CA of {@code --ca} (never the system store, so no public CA can vouch
 * for a fake service) and, with a device certificate, presents it. Everything stays in memory.
 *
 * <p>wgsite's {@code PemKeys} reads the same formats for the server side; the two belong in one
 * wgcore class once both branches are merged (NOTES-23.md).
 */
public final class ClientTls {
  private static final String STORE_PASSWORD = "in-memory";

  private static final BoundedFiles.Limit LIMIT =
      new BoundedFiles.Limit("PEM file size limit", 1 << 20, InputException::new);

  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");

  private ClientTls() {}

  /**
   * A TLS context trusting only {@code serverCa}, presenting {@code device} when given.
   *
   * @throws org.wgmesh.core.error.FileException when a file is missing or unreadable
   * @throws InputException naming the file when it is not PEM, holds no certificate or key, or the
   *     key does not belong to the certificate
   */
  public static SSLContext context(Path serverCa, Optional<DeviceIdentity> device) {
    try {
      KeyStore trust = emptyStore();
      List<Certificate> cas = certificates(serverCa, "--ca");
      for (int i = 0; i < cas.size(); i++) {
        trust.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      KeyStore keys = emptyStore();
      if (device.isPresent()) {
        List<Certificate> chain = certificates(device.get().certificate(), "--cert");
        PrivateKey key = privateKey(device.get().key());
        checkPair(chain.get(0).getPublicKey(), key, device.get());
        keys.setKeyEntry(
            "device", key, STORE_PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
      }
      kmf.init(keys, STORE_PASSWORD.toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      KeyManager[] presenting =
          device.isPresent()
              ? new KeyManager[] {
                new AlwaysPresent((X509ExtendedKeyManager) kmf.getKeyManagers()[0], "device")
              }
              : kmf.getKeyManagers();
      tls.init(presenting, tmf.getTrustManagers(), new SecureRandom());
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's PKIX and TLS providers are present", e);
    }
  }

  /** Signs with the key and verifies with the certificate: the only sure test of a key pair. */
  private static void checkPair(PublicKey certified, PrivateKey key, DeviceIdentity device) {
    byte[] probe = "wgmesh key pair check".getBytes(StandardCharsets.US_ASCII);
    boolean match;
    try {
      Signature sign = Signature.getInstance(signatureAlgorithm(key));
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(signatureAlgorithm(key));
      verify.initVerify(certified);
      verify.update(probe);
      match = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      match = false; // another algorithm than the certificate's: not its key either
    }
    if (!match) {
      throw new InputException(
          "--key " + device.key(),
          "is not the private key of the certificate in " + device.certificate(),
          "give the key the device certificate was made for");
    }
  }

  private static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
  }

  private static List<Certificate> certificates(Path file, String option) {
    byte[] raw = BoundedFiles.readBytes(file, LIMIT);
    List<Certificate> certs;
    try {
      certs =
          new ArrayList<>(
              CertificateFactory.getInstance("X.509")
                  .generateCertificates(new ByteArrayInputStream(raw)));
    } catch (CertificateException e) {
      throw new InputException(
          option + " " + file, "not PEM certificates: " + e.getMessage(), null, e);
    }
    if (certs.isEmpty()) {
      throw new InputException(option + " " + file, "holds no certificate");
    }
    return certs;
  }

  private static PrivateKey privateKey(Path file) {
    String text = new String(BoundedFiles.readBytes(file, LIMIT), StandardCharsets.US_ASCII);
    Matcher m = PKCS8.matcher(text);
    if (!m.find()) {
      throw new InputException(
          "--key " + file,
          "holds no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)",
          "convert it: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out NEW-KEY.pem");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new InputException("--key " + file, "the private key is not valid base64");
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new InputException(
        "--key " + file, "the private key is none of " + KEY_ALGORITHMS + " or is malformed");
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
