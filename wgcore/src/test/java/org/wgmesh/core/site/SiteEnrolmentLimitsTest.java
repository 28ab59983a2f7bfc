package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wgmesh.core.enrolment.ObservedPolicy;
import org.wgmesh.core.enrolment.ServiceLimits;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;

/**
 * {@code enrolment.limits}: read, written back as given, and each bad value named with its line.
 */
class SiteEnrolmentLimitsTest {
  static final String SECTION =
      """
      enrolment:
        listen:
        - 192.0.2.10:8443
        tls-certificate: /etc/wgmesh/enrol.crt
        tls-key: /etc/wgmesh/enrol.key
        limits:
          requests-per-minute: 30
          max-connections: 1000
          max-threads: 32
          max-body-bytes: 65536
          idle-timeout: 20s
          connection-deadline: 2m
          max-followers: 5000
      """;

  @TempDir Path dir;
  Path yaml;
  String good;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    SiteFixtures.twoHosts(yaml);
    good = Files.readString(yaml);
  }

  @Test
  void limits_areRead_andWrittenBackAsGiven() throws Exception {
    Files.writeString(yaml, good + SECTION);
    Site s = SiteFile.load(yaml);
    ServiceLimits l = s.enrolment().orElseThrow().limits();
    assertThat(l.requestsPerMinute()).isEqualTo(OptionalInt.of(30));
    assertThat(l.maxConnections()).isEqualTo(OptionalInt.of(1000));
    assertThat(l.maxThreads()).isEqualTo(OptionalInt.of(32));
    assertThat(l.maxBodyBytes()).isEqualTo(OptionalInt.of(65536));
    assertThat(l.idleTimeout()).contains(Duration.ofSeconds(20));
    assertThat(l.connectionDeadline()).contains(Duration.ofMinutes(2));
    assertThat(l.maxFollowers()).isEqualTo(OptionalInt.of(5000));
    assertThat(SiteCodec.render(s)).isEqualTo(good + SECTION);
  }

  @Test
  void someLimits_leaveTheOthersUnset_andNoLimitsWritesNone() throws Exception {
    String some = SECTION.replaceAll("(?m)^    (max-|idle|connection).*\n", "");
    Files.writeString(yaml, good + some);
    Site s = SiteFile.load(yaml);
    ServiceLimits l = s.enrolment().orElseThrow().limits();
    assertThat(l.requestsPerMinute()).isEqualTo(OptionalInt.of(30));
    assertThat(l.maxConnections()).isEmpty();
    assertThat(l.idleTimeout()).isEqualTo(Optional.empty());
    assertThat(SiteCodec.render(s)).isEqualTo(good + some);
    String none = SECTION.substring(0, SECTION.indexOf("  limits:"));
    Files.writeString(yaml, good + none);
    assertThat(SiteFile.load(yaml).enrolment().orElseThrow().limits())
        .isEqualTo(ServiceLimits.NONE);
  }

  static Stream<Arguments> badLimits() {
    return Stream.of(
        Arguments.of(
            "max-followers: 5000",
            "max-followers: 0",
            "Property 'enrolment.limits.max-followers' at line L+12: 0 is out of range 1..100000"),
        Arguments.of(
            "requests-per-minute: 30",
            "requests-per-minute: 0",
            "Property 'enrolment.limits.requests-per-minute' at line L+6: 0 is out of range"),
        Arguments.of(
            "max-connections: 1000",
            "max-connections: lots",
            "Property 'enrolment.limits.max-connections' at line L+7: 'lots' is not a whole number"),
        Arguments.of(
            "max-threads: 32",
            "max-threads: 3",
            "Property 'enrolment.limits.max-threads' at line L+8: 3 is out of range 4..1000"),
        Arguments.of(
            "max-body-bytes: 65536",
            "max-body-bytes: 100",
            "Property 'enrolment.limits.max-body-bytes' at line L+9: 100 is out of range 16384.."),
        Arguments.of(
            "idle-timeout: 20s",
            "idle-timeout: 0s",
            "Property 'enrolment.limits.idle-timeout' at line L+10: '0s' is out of range 1s..10m"),
        Arguments.of(
            "connection-deadline: 2m",
            "connection-deadline: soon",
            "Property 'enrolment.limits.connection-deadline' at line L+11: 'soon' is not a"),
        Arguments.of(
            "max-threads: 32",
            "max-thread: 32",
            "Property 'enrolment.limits.max-thread' at line L+8: unknown key"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badLimits")
  void badLimit_namesKeyAndLine_exitsConfig_andChangesNothing(
      String from, String to, String message) throws Exception {
    assertThat(SECTION).contains(from);
    String bad = good + SECTION.replace(from, to);
    Files.writeString(yaml, bad);
    int sectionLine = (int) good.lines().count() + 1;
    String expected =
        message.replaceFirst(
            "line L\\+(\\d+)",
            "line "
                + (sectionLine
                    + Integer.parseInt(message.replaceAll(".*line L\\+(\\d+).*", "$1"))));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).exitCode()).isEqualTo(ExitCode.CONFIG))
        .hasMessageContaining(expected);
    assertThat(Files.readString(yaml)).isEqualTo(bad);
  }

  @Test
  void observed_isRead_writtenBackAsGiven_defaultsOn_andABadValueNamed() throws Exception {
    String none = SECTION.substring(0, SECTION.indexOf("  limits:"));
    Files.writeString(yaml, good + none);
    ObservedPolicy d = SiteFile.load(yaml).enrolment().orElseThrow().observed();
    assertThat(d).isEqualTo(ObservedPolicy.DEFAULT);
    assertThat(d.roamingOn()).isTrue();
    assertThat(d.natTraversalOn()).isTrue();

    String off = none + "  observed:\n    nat-traversal: false\n";
    Files.writeString(yaml, good + off);
    Site s = SiteFile.load(yaml);
    ObservedPolicy o = s.enrolment().orElseThrow().observed();
    assertThat(o.natTraversalOn()).isFalse();
    assertThat(o.roamingOn()).isTrue();
    assertThat(SiteCodec.render(s)).isEqualTo(good + off);

    Files.writeString(yaml, good + none + "  observed:\n    roaming: maybe\n");
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .hasMessageContaining("enrolment.observed.roaming")
        .hasMessageContaining("'maybe' is not true or false");
    Files.writeString(yaml, good + none + "  observed:\n    follow: true\n");
    assertThatThrownBy(() -> SiteFile.load(yaml)).hasMessageContaining("follow");
  }
}
