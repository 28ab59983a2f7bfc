package org.wgmesh.site.service;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.site.nudge.NudgeHub;
import org.wgmesh.site.nudge.Nudges;

/**
 * The site's enrolment service: Jetty 12 (core, no servlets) serving the API of {@link
 * EnrolmentHandler} over HTTPS only, on exactly the configured addresses. TLS 1.3 or 1.2 with the
 * server key from PEM files; when client CAs are configured it asks for a client certificate
 * (wants, does not need one: token enrolments come without) and the TLS layer refuses any chain
 * those CAs did not issue. Limits: the head and body sizes, the idle timeout, a deadline per
 * connection, a rate limit per client address (per device certificate for reports), a bounded
 * thread pool and queue, a connection cap. {@link #close} stops it, waits for its threads and
 * closes the report receiver (which writes what it holds): nothing is left listening or running.
 */
public final class EnrolmentServer implements AutoCloseable {
  /** The prefix of every thread the service starts (tests check none outlives {@link #close}). */
  public static final String THREAD_NAME = "wgsite-enrol";

  private final Server server;
  private final List<ServerConnector> connectors;
  private final ReportReceiver receiver;
  private final Optional<Nudges> nudges;
  private final List<AutoCloseable> companions = new CopyOnWriteArrayList<>();

  private EnrolmentServer(
      Server server,
      List<ServerConnector> connectors,
      ReportReceiver receiver,
      Optional<Nudges> nudges) {
    this.server = server;
    this.connectors = connectors;
    this.receiver = receiver;
    this.nudges = nudges;
  }

  /**
   * Starts the service.
   *
   * @throws ConfigException when the TLS files are unusable or an address cannot be bound (in use,
   *     not this host's); nothing is left running
   */
  public static EnrolmentServer start(
      ServiceSettings settings, EnrolmentDecider decider, Reporter reporter, Clock clock) {
    return start(settings, decider, ReportReceiver.NONE, reporter, clock);
  }

  /**
   * Starts the service, taking health reports with {@code receiver}.
   *
   * @throws ConfigException as {@link #start(ServiceSettings, EnrolmentDecider, Reporter, Clock)}
   */
  public static EnrolmentServer start(
      ServiceSettings settings,
      EnrolmentDecider decider,
      ReportReceiver receiver,
      Reporter reporter,
      Clock clock) {
    return start(settings, decider, receiver, StatusAccess.NONE, reporter, clock);
  }

  /**
   * Starts the service, taking health reports with {@code receiver} and serving the status page to
   * the admins of {@code status}.
   *
   * @throws ConfigException as {@link #start(ServiceSettings, EnrolmentDecider, Reporter, Clock)}
   */
  public static EnrolmentServer start(
      ServiceSettings settings,
      EnrolmentDecider decider,
      ReportReceiver receiver,
      StatusAccess status,
      Reporter reporter,
      Clock clock) {
    return start(settings, decider, receiver, status, Optional.empty(), reporter, clock);
  }

  /**
   * Starts the service, taking health reports with {@code receiver}, serving the status page to the
   * admins of {@code status} and, with {@code nudges}, answering {@code GET /v1/nudge} from its hub
   * (without: 404). The service owns {@code nudges} from here: {@link #close} closes it, as it does
   * when the start fails.
   *
   * @throws ConfigException as {@link #start(ServiceSettings, EnrolmentDecider, Reporter, Clock)}
   */
  public static EnrolmentServer start(
      ServiceSettings settings,
      EnrolmentDecider decider,
      ReportReceiver receiver,
      StatusAccess status,
      Optional<Nudges> nudges,
      Reporter reporter,
      Clock clock) {
    SslContextFactory.Server tls;
    try {
      tls = tls(settings);
    } catch (RuntimeException e) {
      nudges.ifPresent(Nudges::close);
      receiver.close();
      throw e;
    }
    QueuedThreadPool pool =
        new QueuedThreadPool(
            settings.maxThreads(),
            Math.min(4, settings.maxThreads()),
            60_000,
            new BlockingArrayQueue<>(settings.maxQueuedJobs()));
    pool.setName(THREAD_NAME);
    pool.setReservedThreads(0);
    pool.setStopTimeout(5_000);
    Server server = new Server(pool);
    server.addBean(new ScheduledExecutorScheduler(THREAD_NAME + "-timer", false));
    server.setErrorHandler(EnrolmentServer::jettyError);

    HttpConfiguration http = new HttpConfiguration();
    http.setSecureScheme("https");
    http.setRequestHeaderSize(settings.maxHeaderBytes());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setIdleTimeout(settings.idleTimeout().toMillis());
    // Clients connect by address and pin the site themselves: no SNI host check.
    http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));

    List<ServerConnector> connectors =
        settings.listen().stream()
            .map(
                address -> {
                  ServerConnector c =
                      new ServerConnector(
                          server,
                          1,
                          1,
                          new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                          new HttpConnectionFactory(http));
                  c.setHost(address.getAddress().getHostAddress());
                  c.setPort(address.getPort());
                  c.setIdleTimeout(settings.idleTimeout().toMillis());
                  c.addBean(new TlsRefusals(reporter));
                  c.addBean(
                      new ConnectionDeadline(
                          c.getScheduler(), settings.connectionDeadline(), reporter));
                  server.addConnector(c);
                  return c;
                })
            .toList();
    // Followers hold a connection each while they wait: they get a budget of their own on top.
    server.addBean(
        new NetworkConnectionLimit(
            settings.maxConnections() + (nudges.isPresent() ? settings.maxFollowers() : 0),
            connectors.toArray(ServerConnector[]::new)));
    RateLimiter<InetAddress> limiter =
        new RateLimiter<>(
            settings.rateRequests(), settings.ratePeriod(), settings.maxTrackedClients(), clock);
    RateLimiter<String> reportLimiter =
        new RateLimiter<>(
            settings.reportRequests(),
            settings.reportPeriod(),
            settings.maxTrackedClients(),
            clock);
    server.setHandler(
        new EnrolmentHandler(
            decider,
            receiver,
            new StatusPages(status, settings.maxTrackedClients(), reporter, clock),
            limiter,
            reportLimiter,
            new FollowerDoor(
                nudges.map(Nudges::hub),
                new RateLimiter<>(
                    FollowerDoor.NUDGES_PER_MINUTE,
                    Duration.ofMinutes(1),
                    settings.maxTrackedClients(),
                    clock),
                settings.nudgeWait()),
            settings.maxBodyBytes(),
            reporter));

    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      nudges.ifPresent(Nudges::close);
      receiver.close();
      throw new ConfigException(
          "enrolment service on " + settings.listen(),
          "cannot start: " + e,
          "is the address this host's and the port free?",
          e);
    }
    // The caller logs where it listens, with what it serves (EnrolmentService names the site).
    return new EnrolmentServer(server, connectors, receiver, nudges);
  }

  /**
   * Something that runs beside the service and ends with it (the site's republication of observed
   * addresses): closed by {@link #close} after the last request, before the report receiver.
   */
  public void closeAlso(AutoCloseable companion) {
    companions.add(companion);
  }

  /** The push's hub, if the service nudges (tests look at who waits). */
  public Optional<NudgeHub> nudgeHub() {
    return nudges.map(Nudges::hub);
  }

  /** The addresses listened on, with the ports actually bound (port 0 in the settings). */
  public List<InetSocketAddress> addresses() {
    return connectors.stream()
        .map(c -> new InetSocketAddress(c.getHost(), c.getLocalPort()))
        .toList();
  }

  /**
   * Stops listening, ends every connection, waits for the service's threads to end, then closes the
   * report receiver (after the last request, so the reports it holds are all written).
   */
  @Override
  public void close() {
    // Waiting followers are answered first, so that they ask the next service at once.
    nudges.ifPresent(n -> n.hub().releaseAll());
    try {
      server.stop();
      server.join();
    } catch (Exception e) {
      throw new WgmeshException(ExitCode.INTERNAL, "enrolment service", "did not stop: " + e);
    } finally {
      nudges.ifPresent(Nudges::close);
      for (AutoCloseable c : companions) {
        try {
          c.close();
        } catch (Exception e) {
          // one that fails to stop must not keep the others (and the receiver's last write) from it
        }
      }
      receiver.close();
    }
  }

  private static SslContextFactory.Server tls(ServiceSettings settings) {
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStore(PemKeys.serverKeyStore(settings.serverCertificate(), settings.serverKey()));
    tls.setKeyStorePassword(PemKeys.STORE_PASSWORD);
    tls.setKeyManagerPassword(PemKeys.STORE_PASSWORD);
    tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    tls.setRenegotiationAllowed(false);
    if (!settings.clientCas().isEmpty()) {
      tls.setTrustStore(PemKeys.trustStore(settings.clientCas()));
      // Want, not need: a token enrolment comes without a certificate. A certificate that does
      // not chain to these CAs still fails the handshake. Revocation is the decider's (per rule
      // CRL), so the TLS layer checks none.
      tls.setWantClientAuth(true);
    }
    return tls;
  }

  /** Jetty's own errors (a head too large, a malformed request line) as JSON like the API's. */
  private static boolean jettyError(Request request, Response response, Callback callback) {
    int status =
        request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s
            ? s
            : HttpStatus.INTERNAL_SERVER_ERROR_500;
    return EnrolmentHandler.answer(
        response,
        callback,
        status,
        Answers.error(HttpStatus.getMessage(status).toLowerCase(Locale.ROOT), "HTTP " + status));
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      // already failing to start: the start failure is the one to report
    }
  }
}
