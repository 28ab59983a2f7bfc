package org.wgmesh.core.enrolment;

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

/**
 * A small PKI made with the {@code openssl} command at test time: a CA (with {@code openssl ca}'s
 * database, so it can revoke and issue a CRL) and device certificates it signs.
 */
public final class TestPki {
  private final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
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

  /** A new CA named {@code name} in {@code dir}. */
  public static TestPki ca(Path dir, String name) throws Exception {
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
            ""));
    TestPki pki = new TestPki(dir);
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

  /** A device certificate with this subject ({@code /CN=.../O=...}), valid from now for 10 days. */
  public Path device(String file, String subject) throws Exception {
    return device(file, subject, List.of("-days", "10"));
  }

  /** A device certificate valid only in January 2025: long expired. */
  public Path expiredDevice(String file, String subject) throws Exception {
    return device(
        file, subject, List.of("-startdate", "20250101000000Z", "-enddate", "20250201000000Z"));
  }

  private Path device(String file, String subject, List<String> validity) throws Exception {
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
                "-config",
                "ca.cnf",
                "-extensions",
                "device",
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
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", argv) + " failed:\n" + out);
    }
  }
}
