package org.wgmesh.site.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.SafeText;
import org.wgmesh.core.error.WgmeshException;

/**
 * The read-only status page for admins: {@code GET /status} (HTML), its stylesheet and script
 * (plain files from the classpath, no build step), and {@code GET /v1/status} (the JSON the script
 * polls). Every path needs an admin ({@link AdminCheck}): a client certificate of an admin rule or
 * the admin password (HTTP Basic). No credential: 401 with a challenge; a wrong one: 401, counted
 * per address ({@link LoginFailures}: 429 once too many, before any password is checked); a
 * device's certificate: 403. The page's paths have their own rate limit, looser than the API's,
 * since the page polls. Every answer carries a strict Content-Security-Policy (same-origin script,
 * style and fetch only, no inline script) and is not cached.
 */
final class StatusPages {
  static final String PAGE = "/status";
  static final String SCRIPT = "/status/status.js";
  static final String STYLE = "/status/status.css";
  static final String ICON = "/status/favicon.svg";
  static final String DOCUMENT = "/v1/status";

  /** The policy of every answer on these paths: nothing but this origin's files and fetches. */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
          + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  static final String REALM = "wgmesh status";

  /** Failed logins an address may make per window before it must wait. */
  static final int FAILURES_ALLOWED = 5;

  static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);

  /** The page polls every 5 s; 60 requests at once and 60 a minute leave room for reloads. */
  static final int PAGE_REQUESTS = 60;

  private record Asset(String type, byte[] bytes) {}

  private static final Map<String, Asset> ASSETS =
      Map.of(
          PAGE, asset("status.html", "text/html; charset=utf-8"),
          SCRIPT, asset("status.js", "text/javascript; charset=utf-8"),
          STYLE, asset("status.css", "text/css; charset=utf-8"),
          // Named by the page, so the browser does not ask for /favicon.ico (a 404).
          ICON, asset("favicon.svg", "image/svg+xml"));

  private final StatusAccess access;
  private final RateLimiter limiter;
  private final LoginFailures failures;
  private final Reporter reporter;

  StatusPages(StatusAccess access, int maxTrackedClients, Reporter reporter, Clock clock) {
    this.access = access;
    this.limiter = new RateLimiter(PAGE_REQUESTS, Duration.ofMinutes(1), maxTrackedClients, clock);
    this.failures = new LoginFailures(FAILURES_ALLOWED, FAILURE_WINDOW, maxTrackedClients, clock);
    this.reporter = reporter;
  }

  /** Whether {@code path} is one of the page's. */
  static boolean serves(String path) {
    return ASSETS.containsKey(path) || DOCUMENT.equals(path);
  }

  boolean handle(
      Request request,
      Response response,
      Callback callback,
      InetAddress client,
      List<X509Certificate> chain) {
    secure(response);
    if (access == StatusAccess.NONE) {
      return JsonReplies.send(
          response,
          callback,
          HttpStatus.NOT_FOUND_404,
          Answers.error("not found", "this service has no status page"));
    }
    Optional<Duration> wait = limiter.acquire(client).or(() -> failures.blocked(client));
    if (wait.isPresent()) {
      reporter.detail("status page: %s rate-limited", client.getHostAddress());
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(wait.get().toSeconds()));
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      return JsonReplies.send(
          response,
          callback,
          HttpStatus.TOO_MANY_REQUESTS_429,
          Answers.error("too many requests", "retry after " + wait.get().toSeconds() + " s"));
    }
    if (!"GET".equals(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      return JsonReplies.send(
          response,
          callback,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          Answers.error("method not allowed", "the status page is read-only: GET"));
    }
    AdminVerdict verdict =
        access
            .admins()
            .check(chain, Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)));
    if (verdict instanceof AdminVerdict.Admin admin) {
      return serve(request, response, callback, client, admin);
    }
    if (verdict instanceof AdminVerdict.WrongCredential wrong) {
      failures.failed(client);
      reporter.info(
          "status page: address=%s refused: %s",
          client.getHostAddress(), SafeText.escape(wrong.why()));
      return challenge(response, callback, "wrong admin credential");
    }
    if (verdict instanceof AdminVerdict.NotAdmin not) {
      reporter.info(
          "status page: address=%s refused: %s",
          client.getHostAddress(), SafeText.escape(not.why()));
      return JsonReplies.send(
          response, callback, HttpStatus.FORBIDDEN_403, Answers.error("forbidden", not.why()));
    }
    return challenge(response, callback, "log in as an admin");
  }

  private boolean serve(
      Request request,
      Response response,
      Callback callback,
      InetAddress client,
      AdminVerdict.Admin admin) {
    String path = request.getHttpURI().getPath();
    reporter.detail(
        "status page: %s %s by %s", client.getHostAddress(), path, SafeText.escape(admin.who()));
    Asset asset = ASSETS.get(path);
    if (asset == null) {
      String json;
      try {
        json = access.document().get();
      } catch (WgmeshException e) {
        reporter.warn("status page: the status cannot be read: %s", e.getMessage());
        return JsonReplies.send(
            response,
            callback,
            HttpStatus.INTERNAL_SERVER_ERROR_500,
            Answers.error("internal error", "the status cannot be read: " + e.getMessage()));
      }
      return JsonReplies.send(response, callback, HttpStatus.OK_200, json);
    }
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.type());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(asset.bytes()), callback);
    return true;
  }

  private static boolean challenge(Response response, Callback callback, String why) {
    response
        .getHeaders()
        .put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
    return JsonReplies.send(
        response, callback, HttpStatus.UNAUTHORIZED_401, Answers.error("unauthorized", why));
  }

  /** Headers every answer on these paths carries, refusals included. */
  private static void secure(Response response) {
    response.getHeaders().put("Content-Security-Policy", CSP);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Referrer-Policy", "no-referrer");
    response.getHeaders().put("X-Frame-Options", "DENY");
    response.getHeaders().put("Strict-Transport-Security", "max-age=31536000");
  }

  private static Asset asset(String name, String type) {
    try (InputStream in = StatusPages.class.getResourceAsStream("status/" + name)) {
      if (in == null) {
        throw new IllegalStateException("status page file missing from the jar: " + name);
      }
      return new Asset(type, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
