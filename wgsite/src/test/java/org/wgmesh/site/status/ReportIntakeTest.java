package org.wgmesh.site.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.enrolment.Admit;
import org.wgmesh.core.enrolment.CertificateRule;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.SubjectPattern;
import org.wgmesh.core.io.ChangedFile;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.site.service.NotAuthenticatedException;

/**
 * The intake with device certificates openssl makes now, a site file read by a stand-in reader (its
 * hostnames, space-separated) and the store written only at flush and close.
 */
class ReportIntakeTest {
  @TempDir Path dir;
  Path site;
  Path status;
  List<X509Certificate> web1;
  List<X509Certificate> web2;
  ReportIntake intake;
  static final Instant T = Instant.parse("2026-12-05T02:00:00Z");
  static final byte[] BODY = Reports.body(7, true).getBytes(StandardCharsets.UTF_8);

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(TestPki.opensslAvailable(), "openssl is not installed");
    TestPki fleet = TestPki.ca(Files.createDirectory(dir.resolve("fleet")), "fleet CA");
    web1 = TestPki.chain(fleet.device("web-1", "/CN=web-1.fleet.example"));
    web2 = TestPki.chain(fleet.device("web-2", "/CN=web-2.fleet.example"));
    fleet.writeCrl();
    DeviceCertificates certificates =
        DeviceCertificates.load(
            List.of(
                new CertificateRule(
                    "fleet",
                    fleet.caPem(),
                    Optional.of(fleet.crl()),
                    SubjectPattern.glob("CN=*.fleet.example", "test"),
                    List.of(),
                    Admit.AUTO,
                    false)));
    site = dir.resolve("wgmesh.yaml");
    siteHas("web-1 web-2", 0);
    status = StatusFile.beside(site);
    intake =
        new ReportIntake(
            new ChangedFile<>(site, ReportIntakeTest::hostnames),
            StatusStore.open(status),
            ReportCredentials.beside(site),
            certificates,
            Clock.fixed(Instant.now(), ZoneOffset.UTC),
            Executors.newSingleThreadScheduledExecutor());
  }

  void siteHas(String hostnames, int second) throws IOException {
    Files.writeString(site, hostnames);
    Files.setLastModifiedTime(site, FileTime.from(T.plusSeconds(second)));
  }

  static Set<String> hostnames(Path file) {
    try {
      return Set.of(Files.readString(file).split(" "));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void reports_areWrittenByFlushOrClose_notPerReport() throws Exception {
    assertThat(intake.receive(web1, Optional.empty(), InetAddress.getLoopbackAddress(), BODY))
        .isEqualTo("web-1");
    assertThat(status).doesNotExist();
    assertThat(intake.flush()).isTrue();
    assertThat(StatusFile.read(status).keySet()).containsExactly("web-1");
    intake.receive(web2, Optional.empty(), InetAddress.getLoopbackAddress(), BODY);
    intake.close();
    assertThat(StatusFile.read(status).keySet()).containsExactly("web-1", "web-2");
  }

  @Test
  void hostRemovedFromTheSiteFile_isDroppedFromTheStatus_andRefused() throws Exception {
    intake.receive(web1, Optional.empty(), InetAddress.getLoopbackAddress(), BODY);
    intake.receive(web2, Optional.empty(), InetAddress.getLoopbackAddress(), BODY);
    intake.flush();
    siteHas("web-1", 1);
    intake.receive(web1, Optional.empty(), InetAddress.getLoopbackAddress(), BODY);
    intake.flush();
    assertThat(StatusFile.read(status).keySet()).containsExactly("web-1");
    assertThatThrownBy(
            () -> intake.receive(web2, Optional.empty(), InetAddress.getLoopbackAddress(), BODY))
        .isInstanceOf(NotAuthenticatedException.class)
        .hasMessageContaining("no host web-2 in the site");
    intake.close();
  }
}
