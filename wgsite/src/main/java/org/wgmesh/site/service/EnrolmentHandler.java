package org.wgmesh.site.service;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.Fingerprint;
import org.wgmesh.core.error.SafeText;

/**
 * The API over HTTP: {@code POST /v1/enrol}, {@code POST /v1/report}, {@code GET /v1/nudge} ({@link
 * FollowerDoor}) and {@code GET /v1/health}, every answer JSON. Per request: the client address's
 * rate limit, or for a report with a device certificate that certificate's (429 with {@code
 * Retry-After}), the route (404, 405 with {@code Allow}), the content type (415), the body within
 * its limit (413), strict parsing (400 naming the field), then the {@link EnrolmentDecider} with
 * the TLS-verified client chain; the decision is logged and answered. The body is read without
 * blocking ({@link BoundedBody}); the decider runs on the server's bounded pool and may block (it
 * publishes).
 */
final class EnrolmentHandler extends Handler.Abstract {
  static final String ENROL = "/v1/enrol";
  static final String HEALTH = "/v1/health";
  static final String REPORT = "/v1/report";

  private final EnrolmentDecider decider;
  private final ReportReceiver receiver;
  private final StatusPages statusPages;
  private final RateLimiter<InetAddress> limiter;
  private final RateLimiter<String> reportLimiter;
  private final FollowerDoor followers;
  private final int maxBodyBytes;
  private final Reporter reporter;

  EnrolmentHandler(
      EnrolmentDecider decider,
      ReportReceiver receiver,
      StatusPages statusPages,
      RateLimiter<InetAddress> limiter,
      RateLimiter<String> reportLimiter,
      FollowerDoor followers,
      int maxBodyBytes,
      Reporter reporter) {
    this.decider = decider;
    this.receiver = receiver;
    this.statusPages = statusPages;
    this.limiter = limiter;
    this.reportLimiter = reportLimiter;
    this.followers = followers;
    this.maxBodyBytes = maxBodyBytes;
    this.reporter = reporter;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    InetAddress client = clientAddress(request);
    String path = request.getHttpURI().getPath();
    // The status page has its own limits (it polls; failed logins count), so it goes first.
    if (StatusPages.serves(path)) {
      return statusPages.handle(request, response, callback, client, clientChain(request));
    }
    Optional<Duration> wait = admit(path, request, client);
    if (wait.isPresent()) {
      // Not logged at the default level: a flood would flood the log too.
      reporter.detail("enrolment service: %s rate-limited", client.getHostAddress());
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(wait.get().toSeconds()));
      return close(
          response,
          callback,
          HttpStatus.TOO_MANY_REQUESTS_429,
          Answers.error("too many requests", "retry after " + wait.get().toSeconds() + " s"));
    }
    String method = request.getMethod();
    if (ENROL.equals(path)) {
      return "POST".equals(method)
          ? readJson(
              request,
              response,
              callback,
              client,
              body -> decide(body, request, response, callback, client))
          : notAllowed(response, callback, "POST");
    }
    if (REPORT.equals(path)) {
      return "POST".equals(method)
          ? readJson(
              request,
              response,
              callback,
              client,
              body -> report(body, request, response, callback, client))
          : notAllowed(response, callback, "POST");
    }
    if (FollowerDoor.PATH.equals(path)) {
      return "GET".equals(method)
          ? nudge(request, response, callback, client)
          : notAllowed(response, callback, "GET");
    }
    if (HEALTH.equals(path)) {
      return "GET".equals(method)
          ? answer(response, callback, HttpStatus.OK_200, Answers.health())
          : notAllowed(response, callback, "GET");
    }
    return answer(
        response,
        callback,
        HttpStatus.NOT_FOUND_404,
        Answers.error(
            "not found",
            "the API is POST "
                + ENROL
                + ", POST "
                + REPORT
                + ", GET "
                + FollowerDoor.PATH
                + " and GET "
                + HEALTH));
  }

  /** Checks the content type and size, reads the body without blocking and hands it on. */
  private boolean readJson(
      Request request,
      Response response,
      Callback callback,
      InetAddress client,
      Consumer<byte[]> then) {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return close(
          response,
          callback,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE_415,
          Answers.error("unsupported media type", "the body must be application/json"));
    }
    long declared = request.getLength();
    if (declared > maxBodyBytes) {
      return tooLarge(response, callback, declared + " bytes");
    }
    BoundedBody.read(
        request,
        maxBodyBytes,
        new BoundedBody.Outcome() {
          @Override
          public void complete(byte[] body) {
            then.accept(body);
          }

          @Override
          public void tooLarge() {
            EnrolmentHandler.this.tooLarge(
                response, callback, "more than " + maxBodyBytes + " bytes");
          }

          @Override
          public void failed(Throwable failure) {
            // The client went away or a timeout cut it: nobody to answer.
            reporter.detail(
                "enrolment service: %s: body not read: %s", client.getHostAddress(), failure);
            callback.failed(failure);
          }
        });
    return true;
  }

  private void decide(
      byte[] raw, Request request, Response response, Callback callback, InetAddress client) {
    EnrolmentBody body;
    try {
      body = EnrolmentBody.parse(raw);
    } catch (BadRequestException e) {
      // The message may quote the body (and so a token): the log names the field only.
      reporter.info(
          "enrolment: address=%s refused: bad request (field %s)",
          client.getHostAddress(), e.field());
      answer(response, callback, HttpStatus.BAD_REQUEST_400, Answers.badRequest(e));
      return;
    }
    EnrolmentRequest enrolment = new EnrolmentRequest(body, clientChain(request), client);
    Decision decision;
    try {
      decision = decider.decide(enrolment);
    } catch (NotPublishedException e) {
      reporter.warn(
          "enrolment: subject=%s address=%s admitted but not published: %s",
          SafeText.escape(enrolment.subject()),
          client.getHostAddress(),
          SafeText.escape(e.getMessage()));
      answer(
          response,
          callback,
          HttpStatus.INTERNAL_SERVER_ERROR_500,
          Answers.error(
              "not published",
              "admitted into the site file, but publishing failed; the next wgpub publishes it"));
      return;
    } catch (RuntimeException e) {
      reporter.warn(
          "enrolment: subject=%s address=%s failed: %s",
          SafeText.escape(enrolment.subject()), client.getHostAddress(), SafeText.escape("" + e));
      answer(
          response,
          callback,
          HttpStatus.INTERNAL_SERVER_ERROR_500,
          Answers.error("internal error", "the site could not decide; nothing was changed"));
      return;
    }
    reporter.info(
        "enrolment: subject=%s address=%s token=%s decision=%s reason=%s",
        SafeText.escape(decision.subject().orElse(enrolment.subject())),
        client.getHostAddress(),
        body.token().isPresent() ? "yes" : "no",
        decision.outcome().wire(),
        SafeText.escape(decision.reason()));
    answer(response, callback, HttpStatus.OK_200, Answers.decision(decision));
  }

  /** A health report: the receiver authenticates, parses and stores it; logged at -v only. */
  private void report(
      byte[] raw, Request request, Response response, Callback callback, InetAddress client) {
    String host;
    try {
      host = receiver.receive(clientChain(request), bearer(request), client, raw);
    } catch (NotAuthenticatedException e) {
      if (clientChain(request).isEmpty()) {
        limiter.acquire(client); // a credential that failed counts against its address (admit)
      }
      reporter.info(
          "report: address=%s refused: %s",
          client.getHostAddress(), SafeText.escape(e.getMessage()));
      answer(
          response, callback, HttpStatus.FORBIDDEN_403, Answers.error("forbidden", e.getMessage()));
      return;
    } catch (BadRequestException e) {
      reporter.info(
          "report: address=%s refused: bad request (field %s)", client.getHostAddress(), e.field());
      answer(response, callback, HttpStatus.BAD_REQUEST_400, Answers.badRequest(e));
      return;
    } catch (RuntimeException e) {
      reporter.warn(
          "report: address=%s failed: %s", client.getHostAddress(), SafeText.escape("" + e));
      answer(
          response,
          callback,
          HttpStatus.INTERNAL_SERVER_ERROR_500,
          Answers.error("internal error", "the report was not stored"));
      return;
    }
    // Every host reports from its timer: one line each at the default level would drown the log.
    reporter.detail("report: host=%s address=%s stored", host, client.getHostAddress());
    answer(response, callback, HttpStatus.OK_200, Answers.stored(host));
  }

  /** A follower's wait for the next publication; logged at -v only (every ~25 s per host). */
  private boolean nudge(Request request, Response response, Callback callback, InetAddress client) {
    List<X509Certificate> chain = clientChain(request);
    try {
      return followers.handle(request, response, callback, receiver, chain, bearer(request));
    } catch (NotAuthenticatedException e) {
      if (chain.isEmpty()) {
        limiter.acquire(client); // as for reports: a made-up credential costs its address
      }
      reporter.info(
          "nudge: address=%s refused: %s",
          client.getHostAddress(), SafeText.escape(e.getMessage()));
      return answer(
          response, callback, HttpStatus.FORBIDDEN_403, Answers.error("forbidden", e.getMessage()));
    } catch (BadRequestException e) {
      reporter.detail(
          "nudge: address=%s refused: bad request (field %s)", client.getHostAddress(), e.field());
      return answer(response, callback, HttpStatus.BAD_REQUEST_400, Answers.badRequest(e));
    }
  }

  /**
   * The credential of an {@code Authorization: Bearer} header; empty without the header. Another
   * scheme is passed on as it is, so the receiver refuses it as not valid rather than falling back
   * to the certificate.
   */
  private static Optional<String> bearer(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null) {
      return Optional.empty();
    }
    String h = header.strip();
    return Optional.of(h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : h);
  }

  private boolean tooLarge(Response response, Callback callback, String size) {
    return close(
        response,
        callback,
        HttpStatus.PAYLOAD_TOO_LARGE_413,
        Answers.error(
            "payload too large", "the body is " + size + ", at most " + maxBodyBytes + " bytes"));
  }

  private static boolean notAllowed(Response response, Callback callback, String allowed) {
    response.getHeaders().put(HttpHeader.ALLOW, allowed);
    return answer(
        response,
        callback,
        HttpStatus.METHOD_NOT_ALLOWED_405,
        Answers.error("method not allowed", "this path takes " + allowed));
  }

  /** Answers and closes the connection: the body was not read, or the client is too eager. */
  private static boolean close(Response response, Callback callback, int status, String json) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    return answer(response, callback, status, json);
  }

  static boolean answer(Response response, Callback callback, int status, String json) {
    return JsonReplies.send(response, callback, status, json);
  }

  private static InetAddress clientAddress(Request request) {
    SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress();
    }
    // Only TCP connectors are configured, so this is a bug, not a client's doing.
    throw new IllegalStateException("no client IP address: " + remote);
  }

  /**
   * The rate limit a request passes, or how long it must wait. Enrolments and everything else are
   * limited per client address. A report, and a nudge request (a limit of their own), is limited
   * per host, so that hosts sharing an address (a NAT, a benchmark on one machine) do not share a
   * bucket: by the issuer and subject of its device certificate, which the TLS layer verified (the
   * client holds its key; revocation is checked later by the receiver), or by its report
   * credential. A credential is not verified yet here, so a made-up one would escape the address
   * limit: a credential report goes ahead only while its address has requests left, and a refused
   * one is charged to the address ({@link #report}).
   */
  private Optional<Duration> admit(String path, Request request, InetAddress client) {
    RateLimiter<String> perHost;
    if (REPORT.equals(path)) {
      perHost = reportLimiter;
    } else if (FollowerDoor.PATH.equals(path)) {
      perHost = followers.limiter();
    } else {
      return limiter.acquire(client);
    }
    Optional<X509Certificate> leaf = clientChain(request).stream().findFirst();
    if (leaf.isPresent()) {
      return perHost.acquire(
          "certificate:"
              + leaf.get().getIssuerX500Principal().getName()
              + "\n"
              + leaf.get().getSubjectX500Principal().getName());
    }
    Optional<String> credential = bearer(request);
    if (credential.isPresent()) {
      Optional<Duration> addressWait = limiter.waiting(client);
      return addressWait.isPresent()
          ? addressWait
          : perHost.acquire(
              "credential:" + Fingerprint.of(credential.get().getBytes(StandardCharsets.UTF_8)));
    }
    return limiter.acquire(client);
  }

  /** The chain the TLS layer verified, leaf first; empty when the client sent no certificate. */
  private static List<X509Certificate> clientChain(Request request) {
    if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE)
        instanceof EndPoint.SslSessionData tls) {
      X509Certificate[] chain = tls.peerCertificates();
      return chain == null ? List.of() : List.of(chain);
    }
    return List.of();
  }
}
