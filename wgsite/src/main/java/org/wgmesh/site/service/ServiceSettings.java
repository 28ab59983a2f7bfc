package org.wgmesh.site.service;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.wgmesh.core.enrolment.ServiceLimits;

/**
 * How the enrolment service runs: where it listens, its TLS material and its limits. Built with
 * {@link #builder()}, which holds the defaults; every limit is checked once here.
 *
 * @param listen the addresses to bind, and only these (port 0: any free port, for tests)
 * @param serverCertificate PEM: the server certificate, then its intermediates
 * @param serverKey PEM: the server's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param clientCas PEM files: the CAs whose device certificates the TLS layer accepts (the site
 *     file's {@code certificates[].ca}, all rules together); none: the service asks for no client
 *     certificate (tokens only)
 * @param maxBodyBytes the largest request body (413 beyond)
 * @param maxHeaderBytes the largest request head, request line and headers (431 beyond)
 * @param idleTimeout how long a connection may send nothing before it is closed
 * @param connectionDeadline how long a connection may live at all, however busy: cuts a client that
 *     trickles a byte now and then, which the idle timeout alone would let stay
 * @param rateRequests requests one client address may make at once ...
 * @param ratePeriod ... and gets back over this period (429 with {@code Retry-After} beyond)
 * @param maxTrackedClients how many client addresses the rate limit remembers
 * @param maxThreads the thread pool's size (acceptor and selector threads included)
 * @param maxQueuedJobs how many jobs wait for a thread before the server refuses more
 * @param maxConnections open connections across all addresses; accepting pauses beyond
 * @param reportRequests health reports one device certificate (issuer and subject) may send at once
 *     ... (reports with a certificate are limited per certificate, not per address, so a fleet
 *     behind one NAT address can report; enrolments and the rest stay limited per address)
 * @param reportPeriod ... and gets back over this period (429 with {@code Retry-After} beyond)
 * @param maxFollowers how many endpoints may wait for a nudge at once ({@code GET /v1/nudge}, each
 *     holding a connection); the connection cap is {@code maxConnections} plus this, so that
 *     followers never crowd out enrolments and reports
 * @param nudgeWait how long a nudge request waits for a publication before it is answered with the
 *     serial as it stands (the endpoint asks again): below {@code connectionDeadline}, which would
 *     cut it
 */
public record ServiceSettings(
    List<InetSocketAddress> listen,
    Path serverCertificate,
    Path serverKey,
    List<Path> clientCas,
    int maxBodyBytes,
    int maxHeaderBytes,
    Duration idleTimeout,
    Duration connectionDeadline,
    int rateRequests,
    Duration ratePeriod,
    int maxTrackedClients,
    int maxThreads,
    int maxQueuedJobs,
    int maxConnections,
    int reportRequests,
    Duration reportPeriod,
    int maxFollowers,
    Duration nudgeWait) {
  public ServiceSettings {
    listen = List.copyOf(listen);
    if (listen.isEmpty()) {
      throw new IllegalArgumentException("the service needs at least one address to listen on");
    }
    Objects.requireNonNull(serverCertificate, "serverCertificate");
    Objects.requireNonNull(serverKey, "serverKey");
    clientCas = List.copyOf(clientCas);
    positive("maxBodyBytes", maxBodyBytes);
    positive("maxHeaderBytes", maxHeaderBytes);
    positive("idleTimeout", idleTimeout.toMillis());
    positive("connectionDeadline", connectionDeadline.toMillis());
    positive("rateRequests", rateRequests);
    positive("ratePeriod", ratePeriod.toMillis());
    positive("maxTrackedClients", maxTrackedClients);
    positive("maxQueuedJobs", maxQueuedJobs);
    positive("maxConnections", maxConnections);
    positive("reportRequests", reportRequests);
    positive("reportPeriod", reportPeriod.toMillis());
    positive("maxFollowers", maxFollowers);
    positive("nudgeWait", nudgeWait.toMillis());
    if (nudgeWait.compareTo(connectionDeadline) >= 0) {
      throw new IllegalArgumentException(
          "nudgeWait "
              + nudgeWait
              + " must be below the connection deadline "
              + connectionDeadline);
    }
    // Jetty leases an acceptor and a selector thread per address; requests need the rest.
    if (maxThreads < ServiceLimits.minThreads(listen.size())) {
      throw new IllegalArgumentException(
          "maxThreads " + maxThreads + " is too few for " + listen.size() + " addresses");
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, is " + value);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .listen(listen)
        .serverCertificate(serverCertificate)
        .serverKey(serverKey)
        .clientCas(clientCas)
        .maxBodyBytes(maxBodyBytes)
        .maxHeaderBytes(maxHeaderBytes)
        .idleTimeout(idleTimeout)
        .connectionDeadline(connectionDeadline)
        .rateLimit(rateRequests, ratePeriod)
        .maxTrackedClients(maxTrackedClients)
        .maxThreads(maxThreads)
        .maxQueuedJobs(maxQueuedJobs)
        .maxConnections(maxConnections)
        .reportRateLimit(reportRequests, reportPeriod)
        .maxFollowers(maxFollowers)
        .nudgeWait(nudgeWait);
  }

  /**
   * The nudge wait that fits {@code connectionDeadline}: 25 s, or 5 s less than the deadline when
   * that is shorter (at least 1 s), so that the answer leaves before the deadline cuts the
   * connection.
   */
  public static Duration nudgeWaitFor(Duration connectionDeadline) {
    Duration wait = connectionDeadline.minusSeconds(5);
    if (wait.compareTo(DEFAULT_NUDGE_WAIT) > 0) {
      return DEFAULT_NUDGE_WAIT;
    }
    return wait.compareTo(Duration.ofSeconds(1)) < 0 ? connectionDeadline.dividedBy(2) : wait;
  }

  /** The longest a nudge request waits by default. */
  public static final Duration DEFAULT_NUDGE_WAIT = Duration.ofSeconds(25);

  /** The defaults suit a site of a few thousand hosts on a small controller. */
  public static final class Builder {
    private List<InetSocketAddress> listen = List.of();
    private Path serverCertificate;
    private Path serverKey;
    private List<Path> clientCas = List.of();
    // A blob is at most 8192 characters, a token 256; the rest is JSON around them.
    private int maxBodyBytes = 16 * 1024;
    private int maxHeaderBytes = 8 * 1024;
    private Duration idleTimeout = Duration.ofSeconds(10);
    private Duration connectionDeadline = Duration.ofSeconds(30);
    private int rateRequests = 10;
    private Duration ratePeriod = Duration.ofMinutes(1);
    private int maxTrackedClients = 10_000;
    private int maxThreads = 16;
    private int maxQueuedJobs = 64;
    private int maxConnections = 256;
    // A host reports from its timer every 30 s or more: 6 a minute leaves room for retries.
    private int reportRequests = 6;
    private Duration reportPeriod = Duration.ofMinutes(1);
    // A nudge connection is idle TLS: a few tens of KiB each (docs/enrolment.md, "Push").
    private int maxFollowers = 1024;
    // Unset: derived from the connection deadline at build (nudgeWaitFor).
    private Duration nudgeWait;

    private Builder() {}

    public Builder listen(List<InetSocketAddress> listen) {
      this.listen = listen;
      return this;
    }

    public Builder serverCertificate(Path serverCertificate) {
      this.serverCertificate = serverCertificate;
      return this;
    }

    public Builder serverKey(Path serverKey) {
      this.serverKey = serverKey;
      return this;
    }

    public Builder clientCas(List<Path> clientCas) {
      this.clientCas = clientCas;
      return this;
    }

    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    public Builder maxHeaderBytes(int maxHeaderBytes) {
      this.maxHeaderBytes = maxHeaderBytes;
      return this;
    }

    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    public Builder connectionDeadline(Duration connectionDeadline) {
      this.connectionDeadline = connectionDeadline;
      return this;
    }

    public Builder rateLimit(int requests, Duration period) {
      this.rateRequests = requests;
      this.ratePeriod = period;
      return this;
    }

    public Builder maxTrackedClients(int maxTrackedClients) {
      this.maxTrackedClients = maxTrackedClients;
      return this;
    }

    public Builder maxThreads(int maxThreads) {
      this.maxThreads = maxThreads;
      return this;
    }

    public Builder maxQueuedJobs(int maxQueuedJobs) {
      this.maxQueuedJobs = maxQueuedJobs;
      return this;
    }

    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    public Builder reportRateLimit(int requests, Duration period) {
      this.reportRequests = requests;
      this.reportPeriod = period;
      return this;
    }

    public Builder maxFollowers(int maxFollowers) {
      this.maxFollowers = maxFollowers;
      return this;
    }

    public Builder nudgeWait(Duration nudgeWait) {
      this.nudgeWait = nudgeWait;
      return this;
    }

    public ServiceSettings build() {
      return new ServiceSettings(
          listen,
          serverCertificate,
          serverKey,
          clientCas,
          maxBodyBytes,
          maxHeaderBytes,
          idleTimeout,
          connectionDeadline,
          rateRequests,
          ratePeriod,
          maxTrackedClients,
          maxThreads,
          maxQueuedJobs,
          maxConnections,
          reportRequests,
          reportPeriod,
          maxFollowers,
          nudgeWait != null ? nudgeWait : nudgeWaitFor(connectionDeadline));
    }
  }
}
