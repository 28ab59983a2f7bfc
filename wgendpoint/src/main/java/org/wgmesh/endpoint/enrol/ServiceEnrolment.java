package org.wgmesh.endpoint.enrol;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.record.SeenSerials;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.EnrolOptions;
import org.wgmesh.endpoint.config.Enrolment;
import org.wgmesh.endpoint.config.HostRegistration;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * {@code wghost --enrol}: sends this host's registration blob to the site's enrolment service
 * instead of handing it to an admin, and on admission goes on as {@code wgconfig
 * --site-fingerprint} does: the mesh record is read again and verified against the fingerprint the
 * service answered, which must be the site key this endpoint already pinned (the blob is sealed to
 * that site).
 *
 * <p>Every input (the URL, the PEM files, the token) is checked before the blob is made, so bad
 * input changes nothing; a refused or queued host changes nothing on this host either (beyond the
 * host key {@code wghost} creates on first use).
 */
public final class ServiceEnrolment {
  private final Reporter reporter;
  private final HostRegistration registration;
  private final Enrolment enrolment;
  private final Function<SSLContext, EnrolClient> clients;

  /**
   * @param clients the HTTP client over a TLS context (tests: shorter timeouts)
   */
  public ServiceEnrolment(
      Reporter reporter,
      HostRegistration registration,
      Enrolment enrolment,
      Function<SSLContext, EnrolClient> clients) {
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.registration = Objects.requireNonNull(registration, "registration");
    this.enrolment = Objects.requireNonNull(enrolment, "enrolment");
    this.clients = Objects.requireNonNull(clients, "clients");
  }

  /** With the system clock, DNS as the endpoint file says, and the default timeouts. */
  public ServiceEnrolment(Reporter reporter) {
    this(reporter, new HostRegistration(reporter), new Enrolment(reporter), EnrolClient::new);
  }

  /**
   * What the endpoint asks the service with.
   *
   * @param service the service's address
   * @param serverCa the only CA trusted for the service's certificate
   * @param device the device certificate and key, if any
   * @param token the join token, if any
   */
  public record Request(
      ServiceAddress service,
      Path serverCa,
      Optional<DeviceIdentity> device,
      Optional<JoinTokenText> token) {
    public Request {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(serverCa, "serverCa");
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(token, "token");
    }
  }

  /**
   * What one run did.
   *
   * @param answer the service's decision
   * @param enrolled after an admission, the endpoint's enrolment run with the answered pin
   */
  public record Result(ServiceAnswer answer, Optional<Enrolment.Result> enrolled) {
    public Result {
      Objects.requireNonNull(answer, "answer");
      Objects.requireNonNull(enrolled, "enrolled");
    }
  }

  /**
   * Enrols through the service.
   *
   * @param sharedLans as {@code wghost --shared-lan}
   * @throws RecordException when the service admitted the host under another site key than the
   *     pinned one, or the mesh record then fails verification
   * @throws org.wgmesh.core.error.WgmeshException from the inputs and the exchange: see {@link
   *     ClientTls}, {@link EnrolClient}, {@link HostRegistration}, {@link Enrolment}
   */
  public Result enrol(Path configDir, DomainName domain, List<String> sharedLans, Request request) {
    SSLContext tls = ClientTls.context(request.serverCa(), request.device());
    String pinned = pinnedFingerprint(configDir, domain);
    HostRegistration.Result made = registration.register(configDir, domain, sharedLans);
    reporter.info("sending the registration to %s (%s)", request.service(), credentials(request));
    ServiceAnswer answer =
        clients.apply(tls).enrol(request.service(), made.blob(), request.token());
    reporter.info("the site %s this host: %s", answer.decision().wire(), answer.reason());
    return switch (answer.decision()) {
      case REFUSED -> new Result(answer, Optional.empty());
      case QUEUED -> {
        reporter.info("an admin approves it on the site controller; run this command again later");
        yield new Result(answer, Optional.empty());
      }
      case ADMITTED -> {
        Enrolment.Result enrolled = afterAdmission(configDir, domain, pinned, answer);
        recordReporting(configDir, domain, request, answer);
        yield new Result(answer, Optional.of(enrolled));
      }
    };
  }

  private Enrolment.Result afterAdmission(
      Path configDir, DomainName domain, String pinned, ServiceAnswer answer) {
    String answered = answer.siteFingerprint().orElseThrow();
    if (!answered.equals(pinned)) {
      throw new RecordException(
          domain.toString(),
          "the enrolment service admitted this host to a site with key "
              + answered
              + ", but this endpoint pins "
              + pinned,
          "nothing was changed here; is --enrol the service of this mesh's site? if the site key"
              + " really changed, confirm it with: wgconfig --site-fingerprint "
              + answered
              + " "
              + domain);
    }
    EnrolOptions options =
        new EnrolOptions(
            domain,
            configDir,
            Optional.of(answered),
            Optional.empty(),
            Optional.empty(),
            List.of());
    Enrolment.Result r = enrolment.enrol(options);
    reporter.info("site key %s verified on the mesh record; next: wgdeploy %s", answered, domain);
    return r;
  }

  /**
   * Records in the endpoint file where and how {@code wgdeploy --check --report} reports: this
   * service, its CA, and the device certificate or the report credential the admission answered
   * (saved 0600 beside the endpoint file; a new admission replaces it).
   */
  private void recordReporting(
      Path configDir, DomainName domain, Request request, ServiceAnswer answer) {
    Path file = EndpointPaths.path(configDir, domain);
    EndpointConfig before = EndpointFile.load(file, domain);
    Optional<Path> credential = Optional.empty();
    if (answer.reportCredential().isPresent()) {
      Path saved = configDir.resolve(domain + ".report").toAbsolutePath();
      ReportSender.saveCredential(saved, answer.reportCredential().get());
      credential = Optional.of(saved);
    }
    Optional<Path> reportCredential = credential;
    Optional<DeviceIdentity> device =
        reportCredential.isPresent() ? Optional.empty() : request.device();
    EndpointConfig after =
        before.with(
            b -> {
              b.reportUrl = Optional.of(request.service().toString());
              b.reportCa = Optional.of(request.serverCa().toAbsolutePath());
              b.reportCert = device.map(d -> d.certificate().toAbsolutePath());
              b.reportKey = device.map(d -> d.key().toAbsolutePath());
              b.reportCredential = reportCredential;
            });
    EndpointFile.save(after, file);
    reporter.info(
        "health reports (wgdeploy --check --report %s) go to %s with %s",
        domain,
        request.service(),
        reportCredential.isPresent()
            ? "the report credential in " + reportCredential.get()
            : device.map(d -> "device certificate " + d.certificate()).orElse("nothing"));
  }

  /** The site key this endpoint trusts now (after a site-key roll: the one it last verified). */
  private static String pinnedFingerprint(Path configDir, DomainName domain) {
    EndpointConfig config = EndpointFile.load(EndpointPaths.path(configDir, domain), domain);
    return SeenSerials.read(config.roots().seenFile(domain.toString()))
        .trustedSiteKeys(config.siteSigningKey())
        .get(0)
        .fingerprint();
  }

  private static String credentials(Request r) {
    if (r.device().isPresent() && r.token().isPresent()) {
      return "device certificate " + r.device().get().certificate() + " and a join token";
    }
    return r.device().map(d -> "device certificate " + d.certificate()).orElse("a join token");
  }
}
