package org.wgmesh.core.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.enrolment.EnrolmentDecision.Accepted;
import org.wgmesh.core.enrolment.EnrolmentDecision.Reason;
import org.wgmesh.core.enrolment.EnrolmentDecision.Refused;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.testing.TestPki;

/**
 * Device certificates against real certificates made by openssl at test time: a CA, two good
 * devices, a revoked one listed in the CRL, one from another CA, one whose subject does not match
 * and an expired one.
 */
class DeviceCertificatesTest {
  @TempDir static Path dir;
  static TestPki fleet;
  static Path good1;
  static Path good2;
  static Path revoked;
  static Path foreign;
  static Path mismatch;
  static Path expired;
  static final List<IpPrefix> RULE_LANS = List.of(IpPrefix.parse("10.20.0.0/16", "t"));

  @BeforeAll
  static void makeCertificates() throws Exception {
    assumeTrue(
        TestPki.opensslAvailable(),
        "openssl is not installed: these tests make their certificates with it");
    fleet = TestPki.ca(dir.resolve("fleet"), "Fleet CA");
    good1 = fleet.device("web-1", "/CN=web-1.fleet.example");
    good2 = fleet.device("web-2", "/CN=Web-2.fleet.example/O=Example");
    revoked = fleet.device("web-3", "/CN=web-3.fleet.example");
    mismatch = fleet.device("printer", "/CN=printer.office.example");
    expired = fleet.expiredDevice("web-5", "/CN=web-5.fleet.example");
    fleet.revoke(revoked);
    TestPki other = TestPki.ca(dir.resolve("other"), "Other CA");
    foreign = other.device("web-4", "/CN=web-4.fleet.example");
  }

  static CertificateRule rule(Optional<Path> crl, SubjectPattern subject) {
    return new CertificateRule("fleet", fleet.caPem(), crl, subject, RULE_LANS, Admit.AUTO, true);
  }

  static DeviceCertificates checker() {
    return DeviceCertificates.load(
        List.of(
            rule(Optional.of(fleet.crl()), SubjectPattern.glob("CN=*.fleet.example", "subject"))));
  }

  static EnrolmentDecision check(Path device, String... lans) throws Exception {
    return checker()
        .check(
            TestPki.chain(device),
            List.of(lans).stream().map(l -> IpPrefix.parse(l, "t")).toList(),
            Instant.now());
  }

  static Reason refusal(EnrolmentDecision d) {
    assertThat(d).isInstanceOf(Refused.class);
    return ((Refused) d).reason();
  }

  @Test
  void goodDevices_areAcceptedWithTheirHostnameAndTheRulesTerms() throws Exception {
    EnrolmentDecision d = check(good1, "10.20.1.0/24");
    assertThat(d)
        .isEqualTo(
            new Accepted(
                "CN=web-1.fleet.example",
                "fleet",
                "web-1",
                List.of(IpPrefix.parse("10.20.1.0/24", "t")),
                Admit.AUTO,
                true));
    assertThat(((Accepted) check(good2)).hostname()).isEqualTo("web-2");
  }

  @Test
  void revokedDevice_isRevoked_butOnlyBecauseOfTheCrl() throws Exception {
    Refused r = (Refused) check(revoked);
    assertThat(r.reason()).isEqualTo(Reason.REVOKED);
    assertThat(r.subject()).isEqualTo("CN=web-3.fleet.example");
    DeviceCertificates noCrl =
        DeviceCertificates.load(
            List.of(rule(Optional.empty(), SubjectPattern.glob("CN=*.fleet.example", "s"))));
    assertThat(noCrl.check(TestPki.chain(revoked), List.of(), Instant.now()))
        .isInstanceOf(Accepted.class);
  }

  @Test
  void deviceOfAnotherCa_isNotFromThisCa() throws Exception {
    assertThat(refusal(check(foreign))).isEqualTo(Reason.NOT_FROM_CA);
  }

  @Test
  void subjectOutsideThePattern_isSubjectMismatch() throws Exception {
    assertThat(refusal(check(mismatch))).isEqualTo(Reason.SUBJECT_MISMATCH);
  }

  @Test
  void expiredDevice_isExpired() throws Exception {
    assertThat(refusal(check(expired))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void goodDevice_checkedBeforeItsValidity_isRefused() throws Exception {
    EnrolmentDecision d =
        checker().check(TestPki.chain(good1), List.of(), Instant.parse("2020-01-01T00:00:00Z"));
    assertThat(refusal(d)).isEqualTo(Reason.EXPIRED);
    assertThat(((Refused) d).detail()).contains("not yet valid");
  }

  @Test
  void lanOutsideTheRule_isLanNotAllowed() throws Exception {
    assertThat(refusal(check(good1, "10.21.0.0/24"))).isEqualTo(Reason.LAN_NOT_ALLOWED);
  }

  @Test
  void regexRule_takesTheHostGroup_andAMismatchFallsToTheNextRule() throws Exception {
    CertificateRule byOrg =
        new CertificateRule(
            "org",
            fleet.caPem(),
            Optional.of(fleet.crl()),
            SubjectPattern.regex("O=Example,CN=(?<host>[a-z0-9-]+)\\.fleet\\.example", "s"),
            List.of(),
            Admit.QUEUE,
            false);
    CertificateRule printers =
        new CertificateRule(
            "printers",
            fleet.caPem(),
            Optional.of(fleet.crl()),
            SubjectPattern.glob("CN=*.office.example", "s"),
            List.of(),
            Admit.QUEUE,
            false);
    DeviceCertificates c = DeviceCertificates.load(List.of(byOrg, printers));
    // RFC 2253 reverses openssl's /CN=.../O=Example, and the regex ignores case (CN=Web-2).
    EnrolmentDecision two = c.check(TestPki.chain(good2), List.of(), Instant.now());
    assertThat(two).isInstanceOf(Accepted.class);
    assertThat(((Accepted) two).hostname()).isEqualTo("web-2");
    assertThat(((Accepted) two).rule()).isEqualTo("org");
    EnrolmentDecision printer = c.check(TestPki.chain(mismatch), List.of(), Instant.now());
    assertThat(((Accepted) printer).hostname()).isEqualTo("printer");
    assertThat(((Accepted) printer).rule()).isEqualTo("printers");
    assertThat(refusal(c.check(TestPki.chain(good1), List.of(), Instant.now())))
        .isEqualTo(Reason.SUBJECT_MISMATCH);
  }

  @Test
  void noCertificate_isNotFromThisCa() {
    assertThat(refusal(checker().check(List.of(), List.of(), Instant.now())))
        .isEqualTo(Reason.NOT_FROM_CA);
  }

  @Test
  void load_missingOrMalformedFiles_areNamed() throws Exception {
    Path missing = dir.resolve("nope.pem");
    CertificateRule r =
        new CertificateRule(
            "x",
            missing,
            Optional.empty(),
            SubjectPattern.glob("CN=*", "s"),
            List.of(),
            Admit.QUEUE,
            false);
    assertThatThrownBy(() -> DeviceCertificates.load(List.of(r)))
        .isInstanceOf(FileException.class)
        .hasMessageContaining(missing.toString());
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    CertificateRule j =
        new CertificateRule(
            "x",
            junk,
            Optional.empty(),
            SubjectPattern.glob("CN=*", "s"),
            List.of(),
            Admit.QUEUE,
            false);
    assertThatThrownBy(() -> DeviceCertificates.load(List.of(j)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(junk.toString());
    CertificateRule badCrl =
        new CertificateRule(
            "x",
            fleet.caPem(),
            Optional.of(junk),
            SubjectPattern.glob("CN=*", "s"),
            List.of(),
            Admit.QUEUE,
            false);
    assertThatThrownBy(() -> DeviceCertificates.load(List.of(badCrl)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(junk.toString());
  }
}
