package org.wgmesh.endpoint.enrol;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by {@code openssl} at test time (EC P-256, PKCS#8): the site's CA with the
 * service's certificate for 127.0.0.1 and a device certificate; a rogue CA with a certificate for
 * 127.0.0.1 too (a service the endpoint must not trust) and a device certificate. Skips the test
 * without openssl.
 *
 * <p>wgsite's test {@code TestPki} makes the same kind of files; test classes are not shared
 * between the modules (wgendpoint uses wgsite's main jar only), hence this small twin.
 */
public final class TestCertificates {
  public final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  public static TestCertificates make(Path dir) throws Exception {
    assumeTrue(onPath("openssl"), "openssl is not installed");
    TestCertificates c = new TestCertificates(dir);
    c.ca("ca", "/CN=wgmesh test site CA");
    c.ca("rogue-ca", "/CN=some other CA");
    String server = "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n";
    c.leaf("server", "ca", "/CN=site.example.net", server);
    c.leaf("rogue-server", "rogue-ca", "/CN=site.example.net", server);
    c.leaf("device", "ca", "/O=example/CN=web-1", "extendedKeyUsage=clientAuth\n");
    c.leaf("other-device", "ca", "/O=example/CN=web-2", "extendedKeyUsage=clientAuth\n");
    c.leaf("rogue-device", "rogue-ca", "/O=example/CN=web-1", "extendedKeyUsage=clientAuth\n");
    return c;
  }

  /** {@code name.pem}: a certificate. */
  public Path cert(String name) {
    return dir.resolve(name + ".pem");
  }

  /** {@code name.key}: its private key. */
  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  static boolean onPath(String tool) {
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
