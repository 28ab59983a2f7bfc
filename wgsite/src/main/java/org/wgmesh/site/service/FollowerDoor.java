package org.wgmesh.site.service;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.wgmesh.site.nudge.NudgeHub;

/**
 * {@code GET /v1/nudge?after=SERIAL}, the push (issue 24): an endpoint that acted on {@code after}
 * waits here until the site publishes a higher serial, or until {@code wait} is up; either way it
 * is answered {@code {"serial": N}} and asks again. Only hosts of the site may wait (certificate or
 * report credential, as for reports), each limited per host, and only {@code maxFollowers} at once
 * ({@link NudgeHub}; 503 beyond). A waiting request holds no thread: the handler returns at once
 * and the hub or the timer answers.
 */
final class FollowerDoor {
  static final String PATH = "/v1/nudge";

  /**
   * Nudge requests one host may make per minute: a follower asks about every 25 s, and again at
   * once after each publication; this leaves room for a burst of publications (a fleet enrolling).
   */
  static final int NUDGES_PER_MINUTE = 30;

  /** The longest {@code after}: more digits than any serial a site reaches, and fits a long. */
  private static final int MAX_SERIAL_DIGITS = 18;

  private final Optional<NudgeHub> hub;
  private final RateLimiter<String> limiter;
  private final Duration wait;

  FollowerDoor(Optional<NudgeHub> hub, RateLimiter<String> limiter, Duration wait) {
    this.hub = hub;
    this.limiter = limiter;
    this.wait = wait;
  }

  /** The per-host rate limit of nudge requests (keyed as reports are, see EnrolmentHandler). */
  RateLimiter<String> limiter() {
    return limiter;
  }

  /**
   * Handles one request to {@link #PATH}; true as Jetty's {@code handle} (the request is taken).
   *
   * @throws NotAuthenticatedException from {@code receiver} when the client is no host of the site
   * @throws BadRequestException when {@code after} is missing or not a serial
   */
  boolean handle(
      Request request,
      Response response,
      Callback callback,
      ReportReceiver receiver,
      List<X509Certificate> chain,
      Optional<String> bearer) {
    if (hub.isEmpty()) {
      return JsonReplies.send(
          response,
          callback,
          HttpStatus.NOT_FOUND_404,
          Answers.error("not found", "this service sends no nudges"));
    }
    long after = after(request);
    receiver.host(chain, bearer);
    NudgeHub.Waiting waiting =
        hub.get()
            .await(
                after,
                serial ->
                    JsonReplies.send(response, callback, HttpStatus.OK_200, Answers.nudge(serial)));
    if (waiting instanceof NudgeHub.Waiting.Waits w) {
      // Idle while waiting is the point: the timer below ends the wait, not the idle timeout.
      request.addIdleTimeoutListener(timeout -> false);
      request.addFailureListener(failure -> hub.get().expire(w.id()));
      request
          .getComponents()
          .getScheduler()
          .schedule(() -> hub.get().expire(w.id()), wait.toMillis(), TimeUnit.MILLISECONDS);
    } else if (waiting instanceof NudgeHub.Waiting.Full) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(wait.toSeconds()));
      return JsonReplies.send(
          response,
          callback,
          HttpStatus.SERVICE_UNAVAILABLE_503,
          Answers.error(
              "service unavailable",
              "too many endpoints wait for nudges; the timer deploys meanwhile"));
    }
    return true;
  }

  /** The {@code after} query parameter: the serial the endpoint acted on, 0 for none. */
  private static long after(Request request) {
    Fields query = Request.extractQueryParameters(request);
    Fields.Field field = query.get("after");
    if (field == null || field.getValues().size() != 1) {
      throw new BadRequestException("after", "give the serial acted on once, as ?after=N");
    }
    String text = field.getValue();
    if (text.isEmpty()
        || text.length() > MAX_SERIAL_DIGITS
        || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new BadRequestException(
          "after", "is not a serial (0 to " + MAX_SERIAL_DIGITS + " decimal digits)");
    }
    return Long.parseLong(text);
  }
}
