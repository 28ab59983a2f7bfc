package org.wgmesh.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small PKI made with the {@code openssl} command at test time, for every module's tests: a CA
 * (with {@code openssl ca}'s database, so it can revoke and issue a CRL), the device certificates
 * and the server certificate (for 127.0.0.1) it signs. EC P-256 keys, PKCS#8 as {@code openssl} 3
 * writes them; subjects keep the order they are given in.
 *
 * <p>{@link #service(Path)} makes the set the HTTPS service tests share: the site's CA with {@code
 * server}, {@code device} (/O=example/CN=web-1) and {@code device2} (/O=example/CN=web-2), and
 * {@link #other()} CA with its own {@code server} and {@code device} of the same subject.
 */
public final class TestPki {
  private final Path dir;
  private final Optional<TestPki> other;

  private TestPki(Path dir, Optional<TestPki> other) {
    this.dir = dir;
    this.other = other;
  }

  /** Whether the openssl command runs here. */
  public static boolean opensslAvailable() {
    try {
      Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether {@code tool} is an executable on the PATH (curl, openssl). */
  public static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The service tests' set in {@code dir} (the site's CA) and {@code dir/other-ca}; skips the test
   * without openssl.
   */
  public static TestPki service(Path dir) throws Exception {
    assumeTrue(opensslAvailable(), "openssl is not installed");
    TestPki other = ca(dir.resolve("other-ca"), "some other CA");
    other.server("server");
    other.device("device", "/O=example/CN=web-1");
    TestPki site = newCa(dir, "wgmesh test site CA", Optional.of(other));
    site.server("server");
    site.device("device", "/O=example/CN=web-1");
    site.device("device2", "/O=example/CN=web-2");
    return site;
  }

  /** A new CA named {@code name} in {@code dir}. */
  public static TestPki ca(Path dir, String name) throws Exception {
    return newCa(dir, name, Optional.empty());
  }

  private static TestPki newCa(Path dir, String name, Optional<TestPki> other) throws Exception {
    Files.createDirectories(dir.resolve("newcerts"));
    Files.writeString(dir.resolve("index.txt"), "");
    Files.writeString(dir.resolve("serial"), "1000\n");
    Files.writeString(dir.resolve("crlnumber"), "1000\n");
    Files.writeString(
        dir.resolve("ca.cnf"),
        String.join(
            "\n",
            "[ ca ]",
            "default_ca = CA_default",
            "[ CA_default ]",
            "dir = " + dir,
            "database = $dir/index.txt",
            "new_certs_dir = $dir/newcerts",
            "certificate = $dir/ca.pem",
            "private_key = $dir/ca.key",
            "serial = $dir/serial",
            "crlnumber = $dir/crlnumber",
            "default_md = sha256",
            "default_days = 30",
            "default_crl_days = 30",
            "policy = policy_any",
            "unique_subject = no",
            "[ policy_any ]",
            "commonName = supplied",
            "organizationName = optional",
            "[ device ]",
            "basicConstraints = CA:FALSE",
            "keyUsage = critical, digitalSignature",
            "extendedKeyUsage = clientAuth",
            "[ server ]",
            "basicConstraints = CA:FALSE",
            "keyUsage = critical, digitalSignature",
            "extendedKeyUsage = serverAuth",
            "subjectAltName = IP:127.0.0.1",
            ""));
    TestPki pki = new TestPki(dir, other);
    pki.openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "30",
        "-subj",
        "/CN=" + name,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    return pki;
  }

  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  public Path crl() {
    return dir.resolve("ca.crl");
  }

  /** {@code name.pem}: a certificate this CA issued (or the CA's own, {@code ca}). */
  public Path cert(String name) {
    return dir.resolve(name + ".pem");
  }

  /** {@code name.key}: its private key (PKCS#8). */
  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /** The other CA of {@link #service(Path)}: one the site does not trust. */
  public TestPki other() {
    return other.orElseThrow(() -> new IllegalStateException("made without another CA"));
  }

  /** A device certificate with this subject ({@code /CN=.../O=...}), valid from now for 10 days. */
  public Path device(String file, String subject) throws Exception {
    return issue(file, subject, "device", List.of("-days", "10"));
  }

  /** A device certificate valid only in January 2025: long expired. */
  public Path expiredDevice(String file, String subject) throws Exception {
    return issue(
        file,
        subject,
        "device",
        List.of("-startdate", "20250101000000Z", "-enddate", "20250201000000Z"));
  }

  /** A server certificate for 127.0.0.1 (CN site.example.net), valid from now for 10 days. */
  public Path server(String file) throws Exception {
    return issue(file, "/CN=site.example.net", "server", List.of("-days", "10"));
  }

  private Path issue(String file, String subject, String extensions, List<String> validity)
      throws Exception {
    openssl(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        file + ".key",
        "-out",
        file + ".csr",
        "-subj",
        subject);
    List<String> args =
        new ArrayList<>(
            List.of(
                "ca",
                "-batch",
                "-preserveDN",
                "-config",
                "ca.cnf",
                "-extensions",
                extensions,
                "-notext",
                "-in",
                file + ".csr",
                "-out",
                file + ".pem"));
    args.addAll(validity);
    openssl(args.toArray(String[]::new));
    return dir.resolve(file + ".pem");
  }

  /** Revokes a certificate this CA issued and writes the CRL ({@link #crl()}). */
  public void revoke(Path cert) throws Exception {
    openssl("ca", "-config", "ca.cnf", "-revoke", cert.toString());
    writeCrl();
  }

  public void writeCrl() throws Exception {
    openssl("ca", "-config", "ca.cnf", "-gencrl", "-out", "ca.crl");
  }

  /** Writes the CRL ({@link #crl()}) with its next update {@code hours} from now. */
  public void writeCrl(int hours) throws Exception {
    openssl("ca", "-config", "ca.cnf", "-gencrl", "-crlhours", "" + hours, "-out", "ca.crl");
  }

  public static List<X509Certificate> chain(Path pem) throws IOException, CertificateException {
    List<X509Certificate> out = new ArrayList<>();
    for (var c :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  private void openssl(String... args) throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add("openssl");
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", argv) + " failed:\n" + out);
    }
  }
}
