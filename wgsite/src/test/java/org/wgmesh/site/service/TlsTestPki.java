package org.wgmesh.site.service;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by {@code openssl} at test time: a CA with the site's server certificate (for
 * 127.0.0.1) and a device certificate, and another CA with a device certificate of the same
 * subject. EC P-256 keys, PKCS#8 as {@code openssl} 3 writes them. Skips the test without openssl.
 */
public final class TlsTestPki {
  public final Path dir;
  public final Path caCert;
  public final Path serverCert;
  public final Path serverKey;
  public final Path deviceCert;
  public final Path deviceKey;
  public final Path secondDeviceCert;
  public final Path secondDeviceKey;
  public final Path foreignCert;
  public final Path foreignKey;

  private TlsTestPki(Path dir) {
    this.dir = dir;
    caCert = dir.resolve("ca.pem");
    serverCert = dir.resolve("server.pem");
    serverKey = dir.resolve("server.key");
    deviceCert = dir.resolve("device.pem");
    deviceKey = dir.resolve("device.key");
    secondDeviceCert = dir.resolve("device2.pem");
    secondDeviceKey = dir.resolve("device2.key");
    foreignCert = dir.resolve("foreign.pem");
    foreignKey = dir.resolve("foreign.key");
  }

  public static TlsTestPki make(Path dir) throws Exception {
    assumeTrue(onPath("openssl"), "openssl is not installed");
    TlsTestPki pki = new TlsTestPki(dir);
    pki.ca("ca", "/CN=wgmesh test device CA");
    pki.ca("other-ca", "/CN=some other CA");
    pki.leaf(
        "server",
        "ca",
        "/CN=site.example.net",
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    pki.leaf("device", "ca", "/O=example/CN=web-1", "extendedKeyUsage=clientAuth\n");
    pki.leaf("device2", "ca", "/O=example/CN=web-2", "extendedKeyUsage=clientAuth\n");
    pki.leaf("foreign", "other-ca", "/O=example/CN=web-1", "extendedKeyUsage=clientAuth\n");
    return pki;
  }

  public static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private void ca(String name, String subject) throws Exception {
    newKey(
        name,
        subject,
        "-x509",
        "-out",
        name + ".pem",
        "-days",
        "2",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
  }

  /** A new P-256 key in {@code name.key} (PKCS#8) and a request or, with -x509, a certificate. */
  private void newKey(String name, String subject, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                name + ".key",
                "-subj",
                subject));
    args.addAll(List.of(more));
    openssl(args.toArray(String[]::new));
  }

  private void leaf(String name, String ca, String subject, String extensions) throws Exception {
    Files.writeString(dir.resolve(name + ".ext"), extensions, StandardCharsets.US_ASCII);
    newKey(name, subject, "-out", name + ".csr");
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        ca + ".pem",
        "-CAkey",
        ca + ".key",
        "-set_serial",
        "0x" + Long.toHexString(System.nanoTime()),
        "-days",
        "2",
        "-extfile",
        name + ".ext",
        "-out",
        name + ".pem");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    Process p =
        new ProcessBuilder(argv)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "openssl " + argv + " failed: " + Files.readString(dir.resolve("openssl.log")));
    }
  }
}
