package org.wgmesh.site.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.wgmesh.site.service.PemKeys;

/**
 * The load of {@code lab/bench-enrol.sh}: N simulated endpoints, each with its own device
 * certificate ({@code DIR/bench-I.pem} and {@code .key}, I from 1) and its own {@link HttpClient},
 * each POSTing a health report every INTERVAL seconds, spread evenly over the interval, for
 * DURATION seconds. Open loop: a request is sent at its time whether or not earlier ones were
 * answered, so a slow service shows as latency, not as a slower load. Each report is a new TLS
 * connection with a full handshake, as an endpoint's timer run is (sessions expire after a second,
 * connections are not kept). The first interval is the warm-up (every endpoint's first report, the
 * service's JIT); it is counted apart. Prints one {@code key value} line per figure.
 *
 * <pre>ReportLoad URL CA_PEM CERT_DIR ENDPOINTS INTERVAL_S DURATION_S PEERS</pre>
 */
public final class ReportLoad {
  private final LatencyStats warmup = new LatencyStats();
  private final LatencyStats measured = new LatencyStats();
  private final Map<String, Integer> errors = new TreeMap<>();
  private final AtomicLong maxLagMicros = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();

  private ReportLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println(
          "usage: ReportLoad URL CA_PEM CERT_DIR ENDPOINTS INTERVAL_S DURATION_S PEERS");
      System.exit(2);
    }
    // A report is one connection: the client keeps none open between reports.
    System.setProperty("jdk.httpclient.keepalive.timeout", "1");
    URI url = URI.create(args[0]);
    Path ca = Path.of(args[1]);
    Path dir = Path.of(args[2]);
    int endpoints = Integer.parseInt(args[3]);
    Duration interval = Duration.ofSeconds(Long.parseLong(args[4]));
    Duration duration = Duration.ofSeconds(Long.parseLong(args[5]));
    int peers = Integer.parseInt(args[6]);
    new ReportLoad().run(url, ca, dir, endpoints, interval, duration, peers);
  }

  private void run(
      URI url, Path ca, Path dir, int endpoints, Duration interval, Duration duration, int peers)
      throws Exception {
    ExecutorService responses = Executors.newFixedThreadPool(4);
    List<HttpClient> clients = new ArrayList<>(endpoints);
    for (int i = 1; i <= endpoints; i++) {
      clients.add(
          HttpClient.newBuilder()
              .sslContext(
                  context(
                      ca, dir.resolve("bench-" + i + ".pem"), dir.resolve("bench-" + i + ".key")))
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .executor(responses)
              .build());
    }
    System.out.printf(
        "endpoints %d%ninterval_s %d%nduration_s %d%npeers %d%nbody_bytes %d%n",
        endpoints, interval.toSeconds(), duration.toSeconds(), peers, body(1, peers).length());
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    long intervalNanos = interval.toNanos();
    long end = start + duration.toNanos();
    for (int i = 0; i < endpoints; i++) {
      HttpClient client = clients.get(i);
      int host = i + 1;
      long offset = intervalNanos * i / endpoints;
      long first = start + offset;
      AtomicLong round = new AtomicLong();
      timer.scheduleAtFixedRate(
          () -> {
            long now = System.nanoTime();
            long due = first + round.getAndIncrement() * intervalNanos;
            maxLagMicros.accumulateAndGet(TimeUnit.NANOSECONDS.toMicros(now - due), Math::max);
            if (due >= end) {
              return;
            }
            send(client, url, body(host, peers), due - start < intervalNanos);
          },
          first - System.nanoTime(),
          intervalNanos,
          TimeUnit.NANOSECONDS);
    }
    long waitMillis = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
    Thread.sleep(Math.max(0, waitMillis));
    timer.shutdownNow();
    // Let the requests in flight finish (their timeout is 30 s).
    for (int i = 0; i < 350 && inFlight.get() > 0; i++) {
      Thread.sleep(100);
    }
    System.out.printf("warmup %s%n", warmup.summary());
    System.out.printf("measured %s%n", measured.summary());
    if (measured.count() > 0) {
      System.out.printf(
          "requests %d%np50_ms %.1f%np90_ms %.1f%np99_ms %.1f%nmax_ms %.1f%n",
          measured.count(),
          measured.percentile(50) / 1000.0,
          measured.percentile(90) / 1000.0,
          measured.percentile(99) / 1000.0,
          measured.max() / 1000.0);
    }
    synchronized (errors) {
      int total = errors.values().stream().mapToInt(Integer::intValue).sum();
      System.out.printf("errors %d%n", total);
      errors.forEach((k, v) -> System.out.printf("error %s %d%n", k, v));
    }
    System.out.printf("unfinished %d%n", inFlight.get());
    System.out.printf("max_schedule_lag_ms %.1f%n", maxLagMicros.get() / 1000.0);
    System.exit(0);
  }

  private void send(HttpClient client, URI url, String body, boolean inWarmup) {
    long sent = System.nanoTime();
    inFlight.incrementAndGet();
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    client
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, failure) -> {
              long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent);
              inFlight.decrementAndGet();
              if (failure != null) {
                error(failure.getClass().getSimpleName());
              } else if (response.statusCode() != 200) {
                error("http-" + response.statusCode());
              }
              (inWarmup ? warmup : measured).add(micros);
            });
  }

  private void error(String kind) {
    synchronized (errors) {
      errors.merge(kind, 1, Integer::sum);
    }
  }

  /** A report as an endpoint sends it: its check and what wg show sees of PEERS peers. */
  static String body(int host, int peers) {
    StringBuilder p = new StringBuilder();
    for (int i = 1; i <= peers; i++) {
      int peer = (host + i * 37) % 1000 + 1;
      p.append(i > 1 ? "," : "")
          .append("{\"peer\":\"bench-")
          .append(peer)
          .append("\",\"handshake-age\":")
          .append(20 + (host + i) % 100)
          .append(",\"rx-bytes\":")
          .append(1_000_000L * i + host)
          .append(",\"tx-bytes\":")
          .append(2_000_000L * i + host)
          .append(",\"endpoint\":\"198.51.100.")
          .append(1 + peer % 250)
          .append(":51820\"}");
    }
    return "{\"serial\":42,\"check\":{\"status\":\"healthy\",\"domain\":\"mesh.example.com\","
        + "\"namespace\":\"mesh\",\"time\":\"2026-12-05T02:00:00Z\",\"healthy\":true,"
        + "\"checks\":[{\"name\":\"links\",\"status\":\"ok\",\"subject\":\"wg2\",\"value\":\"up\","
        + "\"hint\":\"\"},{\"name\":\"bird\",\"status\":\"ok\",\"subject\":\"bird\","
        + "\"value\":\"running\",\"hint\":\"\"},{\"name\":\"records\",\"status\":\"ok\","
        + "\"subject\":\"serial\",\"value\":\"42\",\"hint\":\"\"}]},\"peers\":["
        + p
        + "]}";
  }

  static SSLContext context(Path ca, Path cert, Path key) throws GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(PemKeys.serverKeyStore(cert, key), PemKeys.STORE_PASSWORD.toCharArray());
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(PemKeys.trustStore(List.of(ca)));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    // No resumption: an endpoint's timer run is a new process with no session to resume.
    context.getClientSessionContext().setSessionTimeout(1);
    return context;
  }
}
