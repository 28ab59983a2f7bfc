package org.wgmesh.site.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.enrolment.Listen;
import org.wgmesh.core.enrolment.ObservedPolicy;
import org.wgmesh.core.enrolment.ServiceLimits;
import org.wgmesh.core.enrolment.TokenDefaults;
import org.wgmesh.site.service.ServiceSettings;

/** The section's {@code limits} become the server's settings; those it leaves out keep defaults. */
class EnrolmentSettingsTest {
  static EnrolmentPolicy policy(ServiceLimits limits) {
    return new EnrolmentPolicy(
        List.of(Listen.parse("127.0.0.1:8443", "listen")),
        Path.of("/etc/wgmesh/enrol.crt"),
        Path.of("/etc/wgmesh/enrol.key"),
        List.of(),
        TokenDefaults.DEFAULT,
        limits,
        List.of(),
        ObservedPolicy.DEFAULT);
  }

  @Test
  void noLimits_areTheServiceDefaults() {
    ServiceSettings s = EnrolmentService.settings(policy(ServiceLimits.NONE));
    ServiceSettings defaults =
        ServiceSettings.builder()
            .listen(List.of(new InetSocketAddress("127.0.0.1", 8443)))
            .serverCertificate(Path.of("/etc/wgmesh/enrol.crt"))
            .serverKey(Path.of("/etc/wgmesh/enrol.key"))
            .build();
    assertThat(s).isEqualTo(defaults);
  }

  @Test
  void everyLimit_reachesTheSettings_andOnlyThose() {
    ServiceSettings s =
        EnrolmentService.settings(
            policy(
                new ServiceLimits(
                    OptionalInt.of(30),
                    OptionalInt.of(1000),
                    OptionalInt.of(40),
                    OptionalInt.of(65536),
                    Optional.of(Duration.ofSeconds(20)),
                    Optional.of(Duration.ofMinutes(2)),
                    OptionalInt.of(5000))));
    assertThat(s.rateRequests()).isEqualTo(30);
    assertThat(s.ratePeriod()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.maxConnections()).isEqualTo(1000);
    assertThat(s.maxThreads()).isEqualTo(40);
    assertThat(s.maxBodyBytes()).isEqualTo(65536);
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.connectionDeadline()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.maxFollowers()).isEqualTo(5000);
    // The nudge wait follows the deadline: 25 s, well within 2 min.
    assertThat(s.nudgeWait()).isEqualTo(Duration.ofSeconds(25));
    ServiceSettings one =
        EnrolmentService.settings(
            policy(
                new ServiceLimits(
                    OptionalInt.empty(),
                    OptionalInt.of(1000),
                    OptionalInt.empty(),
                    OptionalInt.empty(),
                    Optional.empty(),
                    Optional.of(Duration.ofSeconds(8)),
                    OptionalInt.empty())));
    assertThat(one.maxConnections()).isEqualTo(1000);
    assertThat(one.maxFollowers()).isEqualTo(1024);
    // A short deadline shortens the nudge wait, so that the answer leaves before the cut.
    assertThat(one.nudgeWait()).isEqualTo(Duration.ofSeconds(3));
    assertThat(one.rateRequests()).isEqualTo(10);
    assertThat(one.maxThreads()).isEqualTo(16);
  }
}
