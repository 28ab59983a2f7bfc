package org.wgmesh.endpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.site.service.Decision;
import org.wgmesh.site.service.EnrolmentServer;

/**
 * {@code wghost --enrol} against wgsite's real HTTPS {@link EnrolmentServer} on 127.0.0.1 with a
 * test decider, certificates made by openssl at test time.
 */
class WghostEnrolTest extends WghostServiceHarness {
  @Test
  void admittedByTokenFromFile_verifiesThePin_andTheTokenIsNeverShown() throws Exception {
    start(pki);
    decide =
        r -> {
          Registration reg = RegistrationBlob.open(r.body().blob(), mesh.site.box(), D);
          assertThat(reg.hostname()).isEqualTo("web-1");
          assertThat(r.body().token()).contains(TOKEN);
          return Decision.admitted("join token 3f9c0d12a4b5e6f7 is valid", mesh.site.fingerprint())
              .withSubject("token:3f9c0d12a4b5e6f7");
        };
    Files.delete(seenFile()); // written again by the enrolment that follows the admission

    Run r = enrolWithTokenFile();

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("admitted: join token 3f9c0d12a4b5e6f7 is valid\n");
    assertThat(asked).hasSize(1);
    assertThat(seenFile()).exists();
    assertThat(Files.readString(seenFile())).contains(mesh.site.signing().publicKey().toString());
    assertThat(r.err())
        .contains("site key " + mesh.site.fingerprint() + " verified")
        .contains("next: wgdeploy " + D);
    assertThat(r.out() + r.err() + serverLog).doesNotContain(TOKEN).doesNotContain("c2VjcmV0");
  }

  @Test
  void queuedWithADeviceCertificate_printsIt_andEnrolsNoFurther() throws Exception {
    start(pki);
    decide = r -> Decision.queued("device " + r.subject() + " waits for approval");
    Files.delete(seenFile());

    Run r =
        runEnrol(
            "--enrol",
            url(),
            "--ca",
            pki.cert("ca").toString(),
            "--cert",
            pki.cert("device").toString(),
            "--key",
            pki.key("device").toString());

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("queued: device ")
        .contains("CN=web-1")
        .contains("waits for approval");
    assertThat(asked.get(0).clientCertificate()).isPresent();
    assertThat(seenFile()).doesNotExist();
    assertThat(r.err()).contains("run this command again later");
  }

  @Test
  void refused_showsTheReason_exits9_andChangesNothing() throws Exception {
    start(pki);
    decide = r -> Decision.refused("used up");
    run("--config-dir", dir.toString(), D); // the host key exists, as after a first wghost
    Map<Path, String> before = endpointFiles();

    Run r = runEnrol("--enrol", url(), "--ca", pki.cert("ca").toString(), "--token", TOKEN);

    assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.DECLINED.code());
    assertThat(r.out()).isEqualTo("refused: used up\n");
    assertThat(r.err()).contains("the site refused this host: used up; nothing was changed");
    assertThat(endpointFiles()).isEqualTo(before);
    assertThat(r.out() + r.err() + serverLog).doesNotContain(TOKEN);
  }

  @Test
  void aServerCertificateNotFromTheGivenCa_isRefusedBeforeAnythingIsSent() throws Exception {
    start(pki.other());
    decide = r -> Decision.admitted("would admit", mesh.site.fingerprint());
    Files.delete(seenFile());

    Run r = enrolWithTokenFile();

    assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.INPUT.code());
    assertThat(r.err()).contains("not from the CA of --ca").doesNotContain(TOKEN);
    assertThat(r.out()).isEmpty();
    assertThat(asked).isEmpty();
    assertThat(seenFile()).doesNotExist();
  }

  @Test
  void aDeviceCertificateTheServiceDoesNotTrust_isDeclinedAtTheHandshake() throws Exception {
    start(pki);
    Run r =
        runEnrol(
            "--enrol",
            url(),
            "--ca",
            pki.cert("ca").toString(),
            "--cert",
            pki.other().cert("device").toString(),
            "--key",
            pki.other().key("device").toString());
    assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.DECLINED.code());
    assertThat(r.err()).contains("ended the TLS handshake");
    assertThat(asked).isEmpty();
  }

  @Test
  void admittedToAnotherSiteKey_isARecordError_andNothingIsWritten() throws Exception {
    start(pki);
    decide = r -> Decision.admitted("ok", SiteKeys.generate().fingerprint());
    Files.delete(seenFile());
    Run r = runEnrol("--enrol", url(), "--ca", pki.cert("ca").toString(), "--token", TOKEN);
    assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.RECORD.code());
    assertThat(r.err()).contains("but this endpoint pins " + mesh.site.fingerprint());
    assertThat(seenFile()).doesNotExist();
  }

  @Test
  void anOversizedAnswer_isRefused() throws Exception {
    start(pki);
    decide = r -> Decision.queued("x".repeat(20_000));
    Run r = runEnrol("--enrol", url(), "--ca", pki.cert("ca").toString(), "--token", TOKEN);
    assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.RECORD.code());
    assertThat(r.err()).contains("answer is larger than 16384 bytes");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void badInput_isNamed_andNothingIsSentOrWritten() throws Exception {
    start(pki);
    Map<Path, String> before = endpointFiles();
    String ca = pki.cert("ca").toString();
    String url = url();

    Run plain = runEnrol("--enrol", url.replace("https:", "http:"), "--ca", ca, "--token", TOKEN);
    assertThat(plain.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(plain.err()).contains("not https");

    Run withPath = runEnrol("--enrol", url + "/v1/enrol", "--ca", ca, "--token", TOKEN);
    assertThat(withPath.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(withPath.err()).contains("wghost adds /v1/enrol itself");

    Run noCa =
        runEnrol("--enrol", url, "--ca", dir.resolve("missing.pem").toString(), "--token", TOKEN);
    assertThat(noCa.rc()).isEqualTo(ExitCode.IO.code());
    assertThat(noCa.err()).contains("missing.pem").contains("does not exist");

    Run notPem = runEnrol("--enrol", url, "--ca", pki.key("ca").toString(), "--token", TOKEN);
    assertThat(notPem.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(notPem.err()).contains("--ca " + pki.key("ca"));

    Run wrongKey =
        runEnrol(
            "--enrol",
            url,
            "--ca",
            ca,
            "--cert",
            pki.cert("device").toString(),
            "--key",
            pki.key("device2").toString());
    assertThat(wrongKey.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(wrongKey.err())
        .contains("--key " + pki.key("device2"))
        .contains("is not the private key of the certificate in " + pki.cert("device"));

    Run noTokenFile =
        runEnrol("--enrol", url, "--ca", ca, "--token-file", dir.resolve("nope").toString());
    assertThat(noTokenFile.rc()).isEqualTo(ExitCode.IO.code());

    Path twoWords = dir.resolve("two.token");
    Files.writeString(twoWords, TOKEN + " " + TOKEN);
    Run bad = runEnrol("--enrol", url, "--ca", ca, "--token-file", twoWords.toString());
    assertThat(bad.rc()).isEqualTo(ExitCode.INPUT.code());
    assertThat(bad.err()).contains("is not one token").doesNotContain(TOKEN);
    Files.delete(twoWords);

    assertThat(runEnrol("--enrol", url, "--token", TOKEN).rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(runEnrol("--enrol", url, "--ca", ca).rc()).isEqualTo(ExitCode.USAGE.code());
    assertThat(runEnrol("--enrol", url, "--ca", ca, "--cert", ca, "--token", TOKEN).rc())
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(run("--config-dir", dir.toString(), "--token", TOKEN, D).rc())
        .isEqualTo(ExitCode.USAGE.code());

    assertThat(asked).isEmpty();
    assertThat(endpointFiles()).isEqualTo(before);
  }

  @Test
  void withoutEnrol_theBlobIsPrintedAsBefore() {
    Run r = run("--config-dir", dir.toString(), D);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.err()).contains("hand the line on stdout to the site admin");
    assertThat(Optional.of(r.out().strip())).isNotEmpty();
  }
}
