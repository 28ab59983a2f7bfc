package org.wgmesh.site.service;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.stream.Stream;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.enrolment.HostnamePattern;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.site.TokenAdmin;
import org.wgmesh.site.enrolment.EnrolmentService;
import org.wgmesh.site.enrolment.PolicyDecider;
import org.wgmesh.site.enrolment.SitePublisher;
import org.wgmesh.site.nudge.Nudges;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.publish.TestSites;
import org.wgmesh.site.status.ReportIntake;

/**
 * The enrolment service of a test site, end to end: a site file with an {@code enrolment:} section,
 * the service's TLS certificates made by openssl now, the service on an ephemeral port of 127.0.0.1
 * and curl against it. One per test; {@link #close()} stops the service. The tests of the service
 * (enrolment, reports, the status page) differ only in the section's rules and in what they ask.
 */
public final class ServiceFixture implements AutoCloseable {
  public final Path dir;
  public final Path yaml;
  public final TestPki tls;
  public final StringWriter log = new StringWriter();
  public final Reporter reporter;
  public EnrolmentServer server;

  private ServiceFixture(Path dir, Reporter.Verbosity verbosity) throws Exception {
    this.dir = dir;
    this.yaml = dir.resolve("wgmesh.yaml");
    this.tls = TestPki.service(Files.createDirectory(dir.resolve("tls")));
    this.reporter = new Reporter(new PrintWriter(log, true), verbosity);
  }

  /** The fixture in {@code dir}; skips the test without openssl or curl. */
  public static ServiceFixture in(Path dir, Reporter.Verbosity verbosity) throws Exception {
    assumeTrue(TestPki.opensslAvailable(), "openssl is not installed");
    assumeTrue(TestPki.onPath("curl"), "curl is not installed");
    return new ServiceFixture(dir, verbosity);
  }

  /**
   * Writes the test site publishing to the zone file {@code zone}, with an {@code enrolment:}
   * section listening on 127.0.0.1:8443 with this fixture's TLS certificate, then {@code rules}
   * (lines of the section, indented as in the file).
   */
  public void writeSite(Path zone, String... rules) throws Exception {
    TestSites.create(yaml, "zonefile:" + zone, 0);
    List<String> section =
        new ArrayList<>(
            List.of(
                "enrolment:",
                "  listen:",
                "  - 127.0.0.1:8443",
                "  tls-certificate: " + tls.cert("server"),
                "  tls-key: " + tls.key("server")));
    section.addAll(Arrays.asList(rules));
    section.add("");
    Files.writeString(yaml, Files.readString(yaml) + String.join("\n", section));
  }

  /**
   * The section's lines of one certificate rule {@code fleet}: {@code fleet}'s CA and CRL, subjects
   * {@code CN=*.fleet.example}, admitted at once; then {@code more} lines of the section.
   */
  public static String[] fleetRule(TestPki fleet, String... more) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "  certificates:",
                "  - name: fleet",
                "    ca: " + fleet.caPem(),
                "    crl: " + fleet.crl(),
                "    subject: CN=*.fleet.example",
                "    admit: auto"));
    lines.addAll(Arrays.asList(more));
    return lines.toArray(String[]::new);
  }

  public EnrolmentPolicy policy() {
    return EnrolmentService.policy(SiteFile.load(yaml), yaml);
  }

  /** The settings {@code --serve} builds from {@code policy}, on an ephemeral port instead. */
  public static ServiceSettings.Builder settings(EnrolmentPolicy policy) {
    return EnrolmentService.settings(policy).toBuilder()
        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)));
  }

  /**
   * Starts the service as {@code --serve} does: the policy decider publishing with wgpub, a report
   * intake, {@code status} and the push (nudges on each publication); returns the intake (it writes
   * the status file about once a second).
   */
  public ReportIntake startWithReports(ServiceSettings settings, StatusAccess status) {
    EnrolmentPolicy policy = policy();
    DeviceCertificates certificates = DeviceCertificates.load(policy.certificates());
    Clock clock = Clock.systemUTC();
    ReportIntake intake = ReportIntake.start(yaml, certificates, clock);
    server =
        EnrolmentServer.start(
            settings,
            new PolicyDecider(yaml, certificates, SitePublisher.wgpub(reporter), clock),
            intake,
            status,
            Optional.of(
                Nudges.watch(
                    SitePublication.statePath(yaml),
                    settings.maxFollowers(),
                    EnrolmentServer.THREAD_NAME + "-nudge",
                    message -> reporter.warn("%s", message))),
            reporter,
            clock);
    return intake;
  }

  /** A registration blob of a new host {@code hostname} with the LAN prefixes {@code lans}. */
  public String blob(String hostname, String... lans) {
    return blob(yaml, hostname, lans);
  }

  /**
   * A registration blob for the site of {@code siteFile}: a new host (fresh key and uuid) {@code
   * hostname} with the LAN prefixes {@code lans}.
   */
  public static String blob(Path siteFile, String hostname, String... lans) {
    Site site = SiteFile.load(siteFile);
    X25519PrivateKey key = X25519PrivateKey.generate();
    Registration r =
        Registration.builder()
            .uuid(UUID.randomUUID())
            .hostname(hostname)
            .publicKey(key.publicKey())
            .endpoints(List.of(IpAddress.parse("198.51.100.7", "test")))
            .lanPrefixes(Arrays.stream(lans).map(l -> IpPrefix.parse(l, "test")).toList())
            .created(Instant.now())
            .build();
    return RegistrationBlob.seal(r, key, site.keys().box().publicKey(), site.settings().domain());
  }

  /** A join token for hosts {@code db-*}, made at {@code made}, as {@code wgsite --token} does. */
  public String token(Instant made, Duration expires, int uses) {
    return new TokenAdmin()
        .create(
            yaml,
            new TokenAdmin.Request(
                Optional.of(expires),
                OptionalInt.of(uses),
                HostnamePattern.parse("db-*", "test"),
                List.of()),
            made)
        .text();
  }

  public String url(String path) {
    return "https://127.0.0.1:" + server.addresses().get(0).getPort() + path;
  }

  /** curl's arguments for the device certificate {@code cert} (its key beside it), if any. */
  public static List<String> certArgs(Optional<Path> cert) {
    if (cert.isEmpty()) {
      return List.of();
    }
    Path key =
        cert.get().resolveSibling(cert.get().getFileName().toString().replace(".pem", ".key"));
    return List.of("--cert", cert.get().toString(), "--key", key.toString());
  }

  /** curl's arguments for a report credential sent as {@code Authorization: Bearer}, if any. */
  public static List<String> bearerArgs(Optional<String> bearer) {
    return bearer.map(b -> List.of("-H", "Authorization: Bearer " + b)).orElse(List.of());
  }

  /** POSTs the JSON {@code body} to {@code path}, trusting the service's CA. */
  public Curl.Result post(List<String> credential, String path, String body) throws Exception {
    Path file = Files.createTempFile(dir, "body", ".json");
    Files.writeString(file, body);
    return get(
        Stream.concat(
                Stream.of("-H", "Content-Type: application/json", "--data-binary", "@" + file),
                credential.stream())
            .toList(),
        path);
  }

  /** Asks {@code path} with curl's {@code more} arguments (GET unless they say otherwise). */
  public Curl.Result get(List<String> more, String path) throws Exception {
    List<String> args = new ArrayList<>(List.of("--cacert", tls.caPem().toString()));
    args.addAll(more);
    args.add(url(path));
    return Curl.run(dir, args);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
