package org.wgmesh.endpoint.enrol;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.wgmesh.core.crypto.PemFiles;
import org.wgmesh.core.error.InputException;

/**
 * The endpoint's TLS context for the enrolment service, from PEM files as {@code openssl} writes
 * them: it trusts only the CA of {@code --ca} (never the system store, so no public CA can vouch
 * for a fake service) and, with a device certificate, presents it. Everything stays in memory. The
 * PEM files are read by wgcore's {@link PemFiles}, as wgsite's service reads its own.
 */
public final class ClientTls {
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
      KeyStore trust = PemFiles.trustStore(certificates(serverCa, "--ca"));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      KeyStore keys = PemFiles.emptyStore();
      if (device.isPresent()) {
        List<Certificate> chain = certificates(device.get().certificate(), "--cert");
        Path keyFile = device.get().key();
        PrivateKey key = PemFiles.privateKey(keyFile, "--key " + keyFile, InputException::new);
        checkPair(chain.get(0).getPublicKey(), key, device.get());
        keys.setKeyEntry(
            "device",
            key,
            PemFiles.STORE_PASSWORD.toCharArray(),
            chain.toArray(Certificate[]::new));
      }
      kmf.init(keys, PemFiles.STORE_PASSWORD.toCharArray());
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
    return PemFiles.certificates(file, option + " " + file, InputException::new);
  }
}
