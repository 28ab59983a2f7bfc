package org.wgmesh.core.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.enrolment.EnrolmentDecision.Accepted;
import org.wgmesh.core.enrolment.EnrolmentDecision.Reason;
import org.wgmesh.core.enrolment.EnrolmentDecision.Refused;
import org.wgmesh.core.testing.TestPki;

/**
 * A CRL changed while the checker runs is used from the next look at the file on (at most {@link
 * CrlFile#RECHECK} later), one that does not parse keeps the previous one with a warning, and an
 * out-of-date one refuses its CA's certificates. Time is stepped through the checks' {@code now}.
 */
class CrlReloadTest {
  @TempDir Path dir;
  TestPki ca;
  Path device;
  Path other;
  final List<String> warnings = new ArrayList<>();
  Instant t0;
  DeviceCertificates checker;

  @BeforeEach
  void pki() throws Exception {
    assumeTrue(TestPki.opensslAvailable(), "openssl is not installed");
    ca = TestPki.ca(dir.resolve("ca"), "Fleet CA");
    device = ca.device("web-1", "/CN=web-1.fleet.example");
    other = ca.device("web-2", "/CN=web-2.fleet.example");
    ca.writeCrl();
    // After openssl: a certificate is valid from the second it was made, so a time taken before
    // could fall before it ("not yet valid", seen once).
    t0 = Instant.now();
    CertificateRule rule =
        new CertificateRule(
            "fleet",
            ca.caPem(),
            Optional.of(ca.crl()),
            SubjectPattern.glob("CN=*.fleet.example", "subject"),
            List.of(),
            Admit.AUTO,
            false);
    checker = DeviceCertificates.load(List.of(rule), warnings::add, t0);
  }

  EnrolmentDecision check(Path cert, Duration after) throws Exception {
    return checker.check(TestPki.chain(cert), List.of(), t0.plus(after));
  }

  static Optional<Reason> refusal(EnrolmentDecision d) {
    return d instanceof Refused r ? Optional.of(r.reason()) : Optional.empty();
  }

  @Test
  void revocationWhileRunning_refusesFromTheNextLookAtTheFile() throws Exception {
    assertThat(check(device, Duration.ZERO)).isInstanceOf(Accepted.class);
    ca.revoke(device);
    // within the recheck interval the CRL read before is still in force
    assertThat(check(device, Duration.ofSeconds(1))).isInstanceOf(Accepted.class);
    assertThat(refusal(check(device, CrlFile.RECHECK))).contains(Reason.REVOKED);
    assertThat(check(other, CrlFile.RECHECK.plusSeconds(1))).isInstanceOf(Accepted.class);
    assertThat(warnings).singleElement().asString().contains("read again", "1 revoked");
  }

  @Test
  void brokenCrl_keepsThePreviousOne_andSaysSoOnce() throws Exception {
    ca.revoke(device);
    Path good = dir.resolve("good.crl");
    Files.copy(ca.crl(), good);
    assertThat(refusal(check(device, CrlFile.RECHECK))).contains(Reason.REVOKED);
    Files.writeString(ca.crl(), "-----BEGIN X509 CRL-----\nhalf written");
    assertThat(refusal(check(device, CrlFile.RECHECK.multipliedBy(2)))).contains(Reason.REVOKED);
    assertThat(refusal(check(device, CrlFile.RECHECK.multipliedBy(3)))).contains(Reason.REVOKED);
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(1))
        .contains(ca.crl().toString(), "cannot be used", "keeping the one read before");
    // the file gone: the same, and said once
    Files.delete(ca.crl());
    assertThat(refusal(check(device, CrlFile.RECHECK.multipliedBy(4)))).contains(Reason.REVOKED);
    assertThat(refusal(check(device, CrlFile.RECHECK.multipliedBy(5)))).contains(Reason.REVOKED);
    assertThat(warnings).hasSize(3);
    assertThat(warnings.get(2)).contains("cannot be read any more");
    // a good file again is used
    Files.copy(good, ca.crl());
    assertThat(refusal(check(device, CrlFile.RECHECK.multipliedBy(6)))).contains(Reason.REVOKED);
    assertThat(warnings).hasSize(4);
  }

  @Test
  void crlPastItsNextUpdate_refusesItsCasCertificates_withTheReason() throws Exception {
    ca.writeCrl(1);
    assertThat(check(device, CrlFile.RECHECK)).isInstanceOf(Accepted.class);
    EnrolmentDecision late = check(device, Duration.ofHours(2));
    assertThat(refusal(late)).contains(Reason.CRL_OUT_OF_DATE);
    assertThat(((Refused) late).detail()).contains("rule fleet", ca.crl().toString(), "update");
    // a fresh CRL put in place ends it
    ca.writeCrl();
    assertThat(check(device, Duration.ofHours(2).plus(CrlFile.RECHECK)))
        .isInstanceOf(Accepted.class);
  }

  @Test
  void crlPastItsNextUpdate_stillNamesAnotherCasCertificateAsNotFromThisCa() throws Exception {
    ca.writeCrl(1);
    TestPki foreign = TestPki.ca(dir.resolve("foreign"), "Other CA");
    Path stranger = foreign.device("web-9", "/CN=web-9.fleet.example");
    assertThat(refusal(check(stranger, Duration.ofHours(2)))).contains(Reason.NOT_FROM_CA);
  }
}
