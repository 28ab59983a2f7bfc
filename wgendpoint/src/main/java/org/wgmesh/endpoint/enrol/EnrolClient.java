package org.wgmesh.endpoint.enrol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.wgmesh.core.error.DeclinedException;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.json.Json;

/**
 * One {@code POST /v1/enrol} or {@code POST /v1/report} with the JDK's HTTP client: TLS through the
 * given context only (no proxy, no redirect), bounded in time (connect, whole exchange) and in the
 * answer's size.
 */
public final class EnrolClient {
  /** The service's answers are one short line; anything longer is not the service. */
  static final int MAX_ANSWER_BYTES = 16 * 1024;

  private final SSLContext tls;
  private final Duration connectTimeout;
  private final Duration timeout;

  /**
   * @param connectTimeout for the TCP connection
   * @param timeout for the whole exchange after it (the site decides and publishes meanwhile)
   */
  public EnrolClient(SSLContext tls, Duration connectTimeout, Duration timeout) {
    this.tls = Objects.requireNonNull(tls, "tls");
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** With 10 s to connect and 60 s for the answer. */
  public EnrolClient(SSLContext tls) {
    this(tls, Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  /**
   * Sends the blob (and the token) and returns the decision.
   *
   * @throws InputException when the server's certificate is not from {@code --ca} or not for the
   *     URL's host, or the service refused the request as malformed (4xx)
   * @throws DeclinedException when the service ended the handshake over the device certificate
   * @throws DnsException when the service cannot be reached, does not answer in time, or answers
   *     that it is busy or failed (429, 5xx): try again later
   * @throws RecordException when the answer is over the size limit or malformed
   */
  public ServiceAnswer enrol(ServiceAddress service, String blob, Optional<JoinTokenText> token) {
    ObjectNode body = Json.object();
    body.put("blob", blob);
    token.ifPresent(t -> body.put("token", t.secret()));
    String from = service.toString();
    HttpResponse<byte[]> response =
        exchange(
            HttpRequest.newBuilder(service.enrol())
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))),
            from);
    byte[] answer = response.body();
    int status = response.statusCode();
    if (status == 200) {
      return ServiceAnswer.parse(answer, from);
    }
    String said =
        "HTTP " + status + ServiceAnswer.errorMessage(answer).map(m -> ": " + m).orElse("");
    if (status == 429 || status >= 500) {
      throw new DnsException(
          from,
          "the enrolment service could not take the request now (" + said + ")",
          "nothing was changed on the site; run again later"
              + response
                  .headers()
                  .firstValue("Retry-After")
                  .map(s -> " (after " + s + " s)")
                  .orElse(""));
    }
    throw new InputException(
        from,
        "the enrolment service refused the request (" + said + ")",
        "is this URL the site's enrolment service? a malformed token is refused so too");
  }

  /**
   * Sends one health report ({@code POST /v1/report}) and returns the hostname the site stored it
   * for. The bearer credential goes in the {@code Authorization} header only, never in a message.
   *
   * @throws DeclinedException when the site does not take reports from this host (403: unknown
   *     certificate or credential, a host no longer in the site)
   * @throws InputException when the server's certificate is not from the CA, or the site refused
   *     the report as malformed (4xx)
   * @throws DnsException when the service cannot be reached, does not answer in time, or is busy or
   *     failed (429, 5xx)
   * @throws RecordException when the answer is over the size limit or not {@code {"stored": HOST}}
   */
  public String report(ServiceAddress service, String report, Optional<String> bearer) {
    String from = service.report().toString();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(service.report()).POST(HttpRequest.BodyPublishers.ofString(report));
    bearer.ifPresent(b -> request.header("Authorization", "Bearer " + b));
    HttpResponse<byte[]> response = exchange(request, from);
    if (response.statusCode() == 200) {
      return ServiceAnswer.stored(response.body(), from);
    }
    throw refusal(
        from,
        response,
        "the site does not take reports from this host",
        "the enrolment service could not take the report now",
        "the next run of the timer sends a new one",
        "the enrolment service refused the report",
        "is report-url the site's enrolment service, of a matching version?");
  }

  /**
   * Waits for the site's next publication after serial {@code after} ({@code GET /v1/nudge}): the
   * answer is the site's serial, higher than {@code after} when it published meanwhile, else as it
   * stands when the service's wait (25 s) ended. This client's timeout must be longer than that.
   *
   * @throws DeclinedException when the site does not know this host (403)
   * @throws InputException when the server's certificate is not from the CA, or the service refused
   *     the request as malformed (4xx; 404: a service without the push)
   * @throws DnsException when the service cannot be reached, does not answer in time, or is busy or
   *     failed (429, 503: too many followers, 5xx)
   * @throws RecordException when the answer is over the size limit or not {@code {"serial": N}}
   */
  public long nudge(ServiceAddress service, long after, Optional<String> bearer) {
    String from = service.nudge(after).toString();
    HttpRequest.Builder request = HttpRequest.newBuilder(service.nudge(after)).GET();
    bearer.ifPresent(b -> request.header("Authorization", "Bearer " + b));
    HttpResponse<byte[]> response = exchange(request, from);
    if (response.statusCode() == 200) {
      return ServiceAnswer.serial(response.body(), from);
    }
    throw refusal(
        from,
        response,
        "the site does not send nudges to this host",
        "the enrolment service could not take the nudge request now",
        "the follower asks again later; the timer deploys meanwhile",
        "the enrolment service refused the nudge request",
        response.statusCode() == 404
            ? "this site's service has no push (an older wgsite?): the timer deploys"
            : "is report-url the site's enrolment service, of a matching version?");
  }

  /**
   * The error of a host's request ({@code POST /v1/report}, {@code GET /v1/nudge}) the service did
   * not answer 200, each message ending with the status and the service's own message: 401 or 403
   * declined (the site does not know this host), 429 or 5xx a {@link DnsException} (try later),
   * anything else refused as malformed.
   */
  private static RuntimeException refusal(
      String from,
      HttpResponse<byte[]> response,
      String declined,
      String busy,
      String busyHint,
      String refused,
      String refusedHint) {
    int status = response.statusCode();
    String said =
        " (HTTP "
            + status
            + ServiceAnswer.errorMessage(response.body()).map(m -> ": " + m).orElse("")
            + ")";
    if (status == 401 || status == 403) {
      return new DeclinedException(from, declined + said);
    }
    if (status == 429 || status >= 500) {
      return new DnsException(from, busy + said, busyHint);
    }
    return new InputException(from, refused + said, refusedHint);
  }

  /** Sends {@code request} as JSON within the deadlines; the answer is capped in size. */
  private HttpResponse<byte[]> exchange(HttpRequest.Builder builder, String from) {
    HttpRequest request =
        builder
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .build();
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tls)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout)
            .build();
    CompletableFuture<HttpResponse<byte[]>> exchange =
        client.sendAsync(request, info -> new CappedBody(MAX_ANSWER_BYTES));
    HttpResponse<byte[]> response;
    try {
      // The request's timeout ends at the answer's head; this one covers the body too.
      response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new DnsException(from, "interrupted while waiting for the enrolment service");
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw failed(from, new HttpTimeoutException("no complete answer within " + timeout));
    } catch (ExecutionException e) {
      throw failed(
          from,
          e.getCause() instanceof IOException io
              ? io
              : new IOException(String.valueOf(e.getCause()), e.getCause()));
    }
    if (response.body().length > MAX_ANSWER_BYTES) {
      throw new RecordException(
          from,
          "the enrolment service's answer is larger than " + MAX_ANSWER_BYTES + " bytes",
          "is this URL the site's enrolment service?");
    }
    return response;
  }

  private static RuntimeException failed(String from, IOException e) {
    if (e instanceof HttpTimeoutException) {
      return new DnsException(
          from,
          "the enrolment service did not answer in time (" + e.getMessage() + ")",
          "check the URL and that wgsite --serve runs there; the site may still decide: run again",
          e);
    }
    if (e instanceof ConnectException) {
      return new DnsException(
          from,
          "cannot connect to the enrolment service: " + e.getMessage(),
          "check the URL and that wgsite --serve runs there",
          e);
    }
    if (causedBy(e, CertPathValidatorException.class)
        || causedBy(e, CertPathBuilderException.class)) {
      return new InputException(
          from,
          "the server's certificate is not from the CA of --ca: this may not be the site's service",
          "give the CA that signed the enrolment service's certificate (the site admin has it)",
          e);
    }
    if (e instanceof SSLHandshakeException && String.valueOf(e.getMessage()).contains("alert")) {
      return new DeclinedException(
          from,
          "the enrolment service ended the TLS handshake ("
              + e.getMessage()
              + "): it does not accept the device certificate (not from a CA the site trusts?)");
    }
    if (e instanceof SSLException) {
      return new InputException(
          from,
          "TLS with the enrolment service failed: " + e.getMessage(),
          "the server's certificate must be from the CA of --ca and name the URL's host or address",
          e);
    }
    return new DnsException(
        from, "the exchange with the enrolment service failed: " + e.getMessage(), null, e);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
