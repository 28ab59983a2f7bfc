package org.wgmesh.core.enrolment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.security.auth.x500.X500Principal;
import org.wgmesh.core.enrolment.EnrolmentDecision.Accepted;
import org.wgmesh.core.enrolment.EnrolmentDecision.Reason;
import org.wgmesh.core.enrolment.EnrolmentDecision.Refused;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.net.IpPrefix;

/**
 * Decides about a device certificate with the JDK's PKIX validation: the chain must lead to one of
 * a rule's CA certificates, be valid at the time given, and (when the rule has a CRL) not be listed
 * in it; the rule's subject pattern then gives the hostname and its LAN prefixes bound what the
 * host may announce. Rules are tried in order, the first that accepts wins. {@link #load} reads the
 * CA bundles once; each CRL is read again when its file changes ({@link CrlFile}, looked at every
 * few seconds during checks), so a revocation takes effect without a restart. A CRL past its {@code
 * nextUpdate} refuses the certificates of its CA as {@link Reason#CRL_OUT_OF_DATE}: the site cannot
 * tell whether they were revoked since.
 *
 * <p>Revocation is checked against the configured CRL only ({@code NO_FALLBACK}, {@code
 * PREFER_CRLS}): no OCSP query and no fetch from a distribution point, so a check never makes
 * network traffic and a missing CRL is the admin's choice, not a network failure.
 */
public final class DeviceCertificates {
  /** The largest CA bundle or CRL read: a CRL of 100,000 entries is a few MB. */
  static final long MAX_FILE_BYTES = 16L << 20;

  private final List<Loaded> rules;

  private record Loaded(CertificateRule rule, Set<TrustAnchor> anchors, Optional<CrlFile> crl) {}

  private DeviceCertificates(List<Loaded> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * Reads each rule's CA bundle and CRL; what a later re-read of a CRL has to say is dropped (for
   * short-lived callers; a service uses {@link #load(List, Consumer, Instant)}).
   *
   * @throws FileException when a file is missing or unreadable
   * @throws ConfigException naming the file when it holds no certificate or CRL it can parse
   */
  public static DeviceCertificates load(List<CertificateRule> rules) {
    return load(rules, warning -> {}, Instant.EPOCH);
  }

  /**
   * Reads each rule's CA bundle and CRL at {@code now}.
   *
   * @param warnings told when a CRL is read again, or changed but cannot be used (then the previous
   *     one stays in force)
   * @throws FileException when a file is missing or unreadable
   * @throws ConfigException naming the file when it holds no certificate or CRL it can parse
   */
  public static DeviceCertificates load(
      List<CertificateRule> rules, Consumer<String> warnings, Instant now) {
    List<Loaded> out = new ArrayList<>();
    for (CertificateRule r : rules) {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (Certificate c : certificates(r.caBundle())) {
        anchors.add(new TrustAnchor((X509Certificate) c, null));
      }
      Optional<CrlFile> crl =
          r.crl().map(p -> new CrlFile(p, DeviceCertificates::crls, warnings, now));
      out.add(new Loaded(r, anchors, crl));
    }
    return new DeviceCertificates(out);
  }

  /**
   * Decides about the chain a client presented (its certificate first, then intermediates).
   *
   * @param chain the client's certificate chain, leaf first
   * @param lans the LAN prefixes the host asks to announce
   * @param now the time the certificates must be valid at
   */
  public EnrolmentDecision check(List<X509Certificate> chain, List<IpPrefix> lans, Instant now) {
    if (chain.isEmpty()) {
      return new Refused("(no certificate)", Reason.NOT_FROM_CA, "no client certificate");
    }
    X500Principal principal = chain.get(0).getSubjectX500Principal();
    String subject = principal.getName(X500Principal.RFC2253);
    // The most telling refusal seen: a CA that knows the certificate (revoked, expired, subject)
    // says more than the CAs that do not.
    Optional<Refused> refusal = Optional.empty();
    for (Loaded l : rules) {
      Optional<Refused> invalid = validate(chain, l, now, subject);
      if (invalid.isPresent()) {
        refusal = moreTelling(refusal, invalid.get());
        continue;
      }
      CertificateRule rule = l.rule();
      Optional<String> hostname = rule.subject().hostname(principal);
      if (hostname.isEmpty()) {
        Refused r =
            new Refused(
                subject,
                Reason.SUBJECT_MISMATCH,
                "rule " + rule.name() + ": subject does not match " + rule.subject());
        refusal = moreTelling(refusal, r);
        continue;
      }
      Optional<IpPrefix> bad = Lans.firstNotAllowed(lans, rule.lanPrefixes());
      if (bad.isPresent()) {
        return new Refused(
            subject,
            Reason.LAN_NOT_ALLOWED,
            "rule " + rule.name() + ": " + bad.get() + " is not within " + rule.lanPrefixes());
      }
      return new Accepted(subject, rule.name(), hostname.get(), lans, rule.admit(), rule.rejoin());
    }
    return refusal.orElseGet(
        () -> new Refused(subject, Reason.NOT_FROM_CA, "no certificate rule in the site file"));
  }

  /** The first refusal from a CA that knows the certificate, else the first of all. */
  private static Optional<Refused> moreTelling(Optional<Refused> so, Refused next) {
    if (so.isEmpty()
        || (so.get().reason() == Reason.NOT_FROM_CA && next.reason() != Reason.NOT_FROM_CA)) {
      return Optional.of(next);
    }
    return so;
  }

  /**
   * Empty when PKIX accepts the chain under this rule's CA and CRL, else the refusal. With the CRL
   * out of date, a chain of this CA is refused as such (the JDK would call it "undetermined").
   */
  private static Optional<Refused> validate(
      List<X509Certificate> chain, Loaded l, Instant now, String subject) {
    List<CRL> crls = l.crl().map(c -> c.current(now)).orElse(List.of());
    Optional<Instant> expired =
        l.crl().flatMap(CrlFile::expiry).filter(nextUpdate -> nextUpdate.isBefore(now));
    if (expired.isPresent()) {
      return validate(chain, l, List.of(), now, subject)
          .or(
              () ->
                  Optional.of(
                      new Refused(
                          subject,
                          Reason.CRL_OUT_OF_DATE,
                          "rule "
                              + l.rule().name()
                              + ": the CRL "
                              + l.crl().get().path()
                              + " was due for an update at "
                              + expired.get())));
    }
    return validate(chain, l, crls, now, subject);
  }

  private static Optional<Refused> validate(
      List<X509Certificate> chain, Loaded l, List<CRL> crls, Instant now, String subject) {
    String rule = "rule " + l.rule().name() + ": ";
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      CertPath path = cf.generateCertPath(withoutAnchors(chain, l.anchors()));
      PKIXParameters params = new PKIXParameters(l.anchors());
      params.setDate(Date.from(now));
      CertPathValidator validator = CertPathValidator.getInstance("PKIX");
      if (crls.isEmpty()) {
        params.setRevocationEnabled(false);
      } else {
        params.addCertStore(
            CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
        revocation.setOptions(
            EnumSet.of(
                PKIXRevocationChecker.Option.PREFER_CRLS,
                PKIXRevocationChecker.Option.NO_FALLBACK));
        params.addCertPathChecker(revocation);
      }
      validator.validate(path, params);
      return Optional.empty();
    } catch (CertPathValidatorException e) {
      if (e.getReason() == BasicReason.REVOKED) {
        return Optional.of(new Refused(subject, Reason.REVOKED, rule + "listed in the CRL"));
      }
      if (e.getReason() == BasicReason.EXPIRED) {
        return Optional.of(new Refused(subject, Reason.EXPIRED, rule + "certificate expired"));
      }
      if (e.getReason() == BasicReason.NOT_YET_VALID) {
        return Optional.of(
            new Refused(subject, Reason.EXPIRED, rule + "certificate not yet valid"));
      }
      return Optional.of(new Refused(subject, Reason.NOT_FROM_CA, rule + e.getMessage()));
    } catch (GeneralSecurityException e) {
      return Optional.of(new Refused(subject, Reason.NOT_FROM_CA, rule + e.getMessage()));
    }
  }

  /** The chain without a trailing CA certificate that is itself an anchor (PKIX wants it out). */
  private static List<X509Certificate> withoutAnchors(
      List<X509Certificate> chain, Set<TrustAnchor> anchors) {
    List<X509Certificate> out = new ArrayList<>(chain);
    while (out.size() > 1
        && anchors.stream().anyMatch(a -> a.getTrustedCert().equals(out.get(out.size() - 1)))) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static List<Certificate> certificates(Path file) {
    return parsed(file, CertificateFactory::generateCertificates, "certificate bundle", CA_HINT);
  }

  private static List<CRL> crls(Path file) {
    return parsed(file, CertificateFactory::generateCRLs, "CRL", CRL_HINT);
  }

  /** How a {@link CertificateFactory} reads all of one kind of object from a stream. */
  private interface Reader<T> {
    Collection<? extends T> read(CertificateFactory factory, InputStream in)
        throws GeneralSecurityException;
  }

  /** The objects {@code reader} finds in {@code file}: at least one, else a named error. */
  private static <T> List<T> parsed(Path file, Reader<T> reader, String kind, String hint) {
    List<T> out;
    try {
      out =
          new ArrayList<>(
              reader.read(
                  CertificateFactory.getInstance("X.509"), new ByteArrayInputStream(bytes(file))));
    } catch (GeneralSecurityException e) {
      throw new ConfigException(
          file.toString(), "is not a PEM or DER " + kind + ": " + e.getMessage(), hint, e);
    }
    if (out.isEmpty()) {
      throw new ConfigException(file.toString(), "holds no " + kind, hint);
    }
    return out;
  }

  private static final String CA_HINT = "give the CA certificate(s) in PEM, as openssl writes them";
  private static final String CRL_HINT = "e.g. openssl ca -gencrl -out FILE";

  private static byte[] bytes(Path file) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException(file.toString(), "is larger than 16 MiB");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new FileException(file.toString(), "does not exist", null, e);
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }
}
