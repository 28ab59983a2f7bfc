package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wgmesh.core.enrolment.Admit;
import org.wgmesh.core.enrolment.CertificateRule;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.enrolment.ObservedPolicy;
import org.wgmesh.core.enrolment.ServiceLimits;
import org.wgmesh.core.enrolment.TokenDefaults;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.net.IpPrefix;

/** The site file's {@code enrolment:} section (issue 23): read, checked, written back. */
class SiteEnrolmentTest {
  static final String SECTION =
      """
      enrolment:
        listen:
        - 192.0.2.10:8443
        - '[2001:db8::10]:8443'
        tls-certificate: /etc/wgmesh/enrol.crt
        tls-key: /etc/wgmesh/enrol.key
        certificates:
        - name: fleet
          ca: /etc/wgmesh/fleet-ca.pem
          crl: /etc/wgmesh/fleet.crl
          subject: CN=*.fleet.example
          lan-prefixes:
          - 10.20.0.0/16
          admit: auto
          rejoin: true
        - name: lab
          ca: /etc/wgmesh/lab-ca.pem
          subject-regex: CN=(?<host>lab-[0-9]+),O=Example
          lan-prefixes: []
          admit: queue
          rejoin: false
        tokens:
          expires: 2d
          uses: 5
          admit: auto
          rejoin: false
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
  void absentSection_isNoEnrolment_andTheFileStaysByteIdentical() {
    Site s = SiteFile.load(yaml);
    assertThat(s.enrolment()).isEmpty();
    assertThat(good).doesNotContain("enrolment");
    assertThat(SiteCodec.render(s)).isEqualTo(good);
  }

  @Test
  void section_isReadAndWrittenBackByteForByte() throws Exception {
    Files.writeString(yaml, good + SECTION);
    Site s = SiteFile.load(yaml);
    EnrolmentPolicy p = s.enrolment().orElseThrow();
    assertThat(p.listen())
        .extracting(Object::toString)
        .containsExactly("192.0.2.10:8443", "[2001:db8::10]:8443");
    assertThat(p.tlsCertificate()).isEqualTo(Path.of("/etc/wgmesh/enrol.crt"));
    assertThat(p.tlsKey()).isEqualTo(Path.of("/etc/wgmesh/enrol.key"));
    CertificateRule fleet = p.certificateRule("fleet").orElseThrow();
    assertThat(fleet.crl()).contains(Path.of("/etc/wgmesh/fleet.crl"));
    assertThat(fleet.subject().regex()).isFalse();
    assertThat(fleet.lanPrefixes()).containsExactly(IpPrefix.parse("10.20.0.0/16", "t"));
    assertThat(fleet.admit()).isEqualTo(Admit.AUTO);
    assertThat(fleet.rejoin()).isTrue();
    CertificateRule lab = p.certificateRule("lab").orElseThrow();
    assertThat(lab.crl()).isEmpty();
    assertThat(lab.subject().regex()).isTrue();
    assertThat(lab.admit()).isEqualTo(Admit.QUEUE);
    assertThat(p.tokens()).isEqualTo(new TokenDefaults(Duration.ofDays(2), 5, Admit.AUTO, false));
    assertThat(SiteCodec.render(s)).isEqualTo(good + SECTION);
    // Saved with a host change (what wgsite -i does), the section stays.
    SiteFile.save(s.withHost(SiteFixtures.host(4, "10.4.0.0/24")), yaml);
    assertThat(SiteFile.load(yaml).enrolment()).contains(p);
    // Removed again: byte for byte the file of before.
    assertThat(SiteCodec.render(s.withEnrolment(Optional.empty()))).isEqualTo(good);
  }

  @Test
  void minimalSection_getsTheCautiousDefaults_andWritesNoDefaults() throws Exception {
    String minimal =
        """
        enrolment:
          listen:
          - 192.0.2.10:8443
          tls-certificate: /etc/wgmesh/enrol.crt
          tls-key: /etc/wgmesh/enrol.key
        """;
    Files.writeString(yaml, good + minimal);
    Site s = SiteFile.load(yaml);
    EnrolmentPolicy p = s.enrolment().orElseThrow();
    assertThat(p.certificates()).isEmpty();
    assertThat(p.tokens()).isEqualTo(TokenDefaults.DEFAULT);
    assertThat(p.tokens().admit()).isEqualTo(Admit.QUEUE);
    assertThat(p.tokens().uses()).isEqualTo(1);
    assertThat(SiteCodec.render(s)).isEqualTo(good + minimal);
  }

  static Stream<Arguments> badSections() {
    return Stream.of(
        Arguments.of(
            "wildcard listen",
            "- 192.0.2.10:8443",
            "- 0.0.0.0:8443",
            "Property 'enrolment.listen[0]' at line L+2: '0.0.0.0:8443' listens on every address"),
        Arguments.of(
            "port out of range",
            "- 192.0.2.10:8443",
            "- 192.0.2.10:70000",
            "Property 'enrolment.listen[0]' at line L+2: port 70000 is out of range"),
        Arguments.of(
            "v6 without brackets",
            "- '[2001:db8::10]:8443'",
            "- 2001:db8::10:8443",
            "Property 'enrolment.listen[1]' at line L+3: '2001:db8::10:8443': an IPv6 address goes"),
        Arguments.of(
            "listen twice",
            "- '[2001:db8::10]:8443'",
            "- 192.0.2.10:8443",
            "Property 'enrolment.listen[1]' at line L+3: 192.0.2.10:8443 is listed twice (also line"),
        Arguments.of(
            "no listen address",
            "  listen:\n  - 192.0.2.10:8443\n  - '[2001:db8::10]:8443'\n",
            "  listen: []\n",
            "Property 'enrolment.listen' at line L+1: the service needs an address"),
        Arguments.of(
            "missing tls-key",
            "  tls-key: /etc/wgmesh/enrol.key\n",
            "",
            "Property 'enrolment' at line L+1: missing required key 'tls-key'"),
        Arguments.of(
            "relative path",
            "tls-certificate: /etc/wgmesh/enrol.crt",
            "tls-certificate: enrol.crt",
            "Property 'enrolment.tls-certificate' at line L+4: 'enrol.crt' is not absolute"),
        Arguments.of(
            "unknown key",
            "  tls-key: /etc/wgmesh/enrol.key\n",
            "  tls-key: /etc/wgmesh/enrol.key\n  port: 443\n",
            "Property 'enrolment.port' at line L+6: unknown key"),
        Arguments.of(
            "both subject forms",
            "subject: CN=*.fleet.example",
            "subject: CN=*.fleet.example\n    subject-regex: CN=(?<host>.*)",
            "Property 'enrolment.certificates[0].subject' at line L+10: a rule has either subject or"),
        Arguments.of(
            "glob without star",
            "subject: CN=*.fleet.example",
            "subject: CN=web.fleet.example",
            "Property 'enrolment.certificates[0].subject' at line L+10: 'CN=web.fleet.example' needs"
                + " exactly one *"),
        Arguments.of(
            "glob without CN",
            "subject: CN=*.fleet.example",
            "subject: O=*",
            "Property 'enrolment.certificates[0].subject' at line L+10: 'O=*' does not start with"),
        Arguments.of(
            "regex without host group",
            "subject-regex: CN=(?<host>lab-[0-9]+),O=Example",
            "subject-regex: CN=(lab-[0-9]+),O=Example",
            "Property 'enrolment.certificates[1].subject-regex' at line L+17: 'CN=(lab-[0-9]+),"
                + "O=Example' has no group named host"),
        Arguments.of(
            "regex that does not compile",
            "subject-regex: CN=(?<host>lab-[0-9]+),O=Example",
            "subject-regex: CN=(?<host>lab-[0-9+,O=Example",
            "Property 'enrolment.certificates[1].subject-regex' at line L+17: 'CN=(?<host>lab-[0-9+,"
                + "O=Example' is not a regular expression"),
        Arguments.of(
            "LAN outside the site's allowed prefixes",
            "- 10.20.0.0/16",
            "- 203.0.113.0/24",
            "Property 'enrolment.certificates[0].lan-prefixes[0]' at line L+12: 203.0.113.0/24 is"
                + " not within the site's allowed-lan-prefixes"),
        Arguments.of(
            "bad admit",
            "admit: auto\n    rejoin: true",
            "admit: sometimes\n    rejoin: true",
            "Property 'enrolment.certificates[0].admit' at line L+13: 'sometimes' is not auto or"
                + " queue"),
        Arguments.of(
            "bad rejoin",
            "rejoin: true",
            "rejoin: yes please",
            "Property 'enrolment.certificates[0].rejoin' at line L+14: 'yes please' is not true or"
                + " false"),
        Arguments.of(
            "rule name twice",
            "- name: lab",
            "- name: fleet",
            "Property 'enrolment.certificates[1]' at line L+15: rule name 'fleet' is used twice"),
        Arguments.of(
            "missing ca",
            "    ca: /etc/wgmesh/lab-ca.pem\n",
            "",
            "Property 'enrolment.certificates[1]' at line L+15: missing required key 'ca'"),
        Arguments.of(
            "token expiry too long",
            "expires: 2d",
            "expires: 400d",
            "Property 'enrolment.tokens.expires' at line L+22: 400d is out of range 1m..366d"),
        Arguments.of(
            "token uses zero",
            "uses: 5",
            "uses: 0",
            "Property 'enrolment.tokens.uses' at line L+23: 0 is out of range 1..100000"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSections")
  void badSection_namesKeyAndLine_exitsConfig_andChangesNothing(
      String name, String from, String to, String message) throws Exception {
    assertThat(SECTION).contains(from);
    assertRefused(good + SECTION.replace(from, to), message);
  }

  /** The site file {@code bad} exits 3 with {@code message} (line L+n: the section's n-th line). */
  void assertRefused(String bad, String message) throws Exception {
    Files.writeString(yaml, bad);
    int sectionLine = (int) good.lines().count() + 1; // the line of enrolment: is L+0
    Matcher m = Pattern.compile("line L\\+(\\d+)").matcher(message);
    String expected =
        m.find() ? m.replaceFirst("line " + (sectionLine + Integer.parseInt(m.group(1)))) : message;
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).exitCode()).isEqualTo(ExitCode.CONFIG))
        .hasMessageContaining(yaml.toString())
        .hasMessageContaining(expected);
    assertThat(Files.readString(yaml)).isEqualTo(bad);
  }

  @Test
  void policy_refusesAWildcardThroughTheRecordToo() {
    assertThatThrownBy(
            () ->
                new EnrolmentPolicy(
                    List.of(),
                    Path.of("/a"),
                    Path.of("/b"),
                    List.of(),
                    TokenDefaults.DEFAULT,
                    ServiceLimits.NONE,
                    List.of(),
                    ObservedPolicy.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static final String ADMINS =
      """
      enrolment:
        listen:
        - 192.0.2.10:8443
        tls-certificate: /etc/wgmesh/enrol.crt
        tls-key: /etc/wgmesh/enrol.key
        admins:
        - name: ops
          ca: /etc/wgmesh/admin-ca.pem
          crl: /etc/wgmesh/admin.crl
          subject: CN=*.admins.example
        - name: lab
          ca: /etc/wgmesh/fleet-ca.pem
          subject-regex: CN=(?<host>admin-[a-z]+),O=Example
      """;

  @Test
  void admins_areReadAsCertificateRules_theirCasTrusted_andWrittenBack() throws Exception {
    Files.writeString(yaml, good + ADMINS);
    Site s = SiteFile.load(yaml);
    EnrolmentPolicy p = s.enrolment().orElseThrow();
    assertThat(p.certificates()).isEmpty();
    assertThat(p.admins()).extracting(CertificateRule::name).containsExactly("ops", "lab");
    assertThat(p.admins().get(0).crl()).contains(Path.of("/etc/wgmesh/admin.crl"));
    assertThat(p.admins().get(1).subject().regex()).isTrue();
    assertThat(p.clientCas())
        .containsExactly(Path.of("/etc/wgmesh/admin-ca.pem"), Path.of("/etc/wgmesh/fleet-ca.pem"));
    assertThat(SiteCodec.render(s)).isEqualTo(good + ADMINS);
  }

  static Stream<Arguments> badAdmins() {
    return Stream.of(
        Arguments.of(
            "enrolment key in an admin rule",
            "    subject: CN=*.admins.example\n",
            "    subject: CN=*.admins.example\n    admit: auto\n",
            "Property 'enrolment.admins[0].admit' at line L+10: unknown key"),
        Arguments.of(
            "admin without ca",
            "    ca: /etc/wgmesh/admin-ca.pem\n",
            "",
            "Property 'enrolment.admins[0]' at line L+6: missing required key 'ca'"),
        Arguments.of(
            "admin name twice",
            "- name: lab",
            "- name: ops",
            "Property 'enrolment.admins[1]' at line L+10: admin rule name 'ops' is used twice"),
        Arguments.of(
            "relative admin ca",
            "ca: /etc/wgmesh/admin-ca.pem",
            "ca: admin-ca.pem",
            "Property 'enrolment.admins[0].ca' at line L+7: 'admin-ca.pem' is not absolute"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badAdmins")
  void badAdmins_nameKeyAndLine_exitConfig(String name, String from, String to, String message)
      throws Exception {
    assertThat(ADMINS).contains(from);
    assertRefused(good + ADMINS.replace(from, to), message);
  }
}
