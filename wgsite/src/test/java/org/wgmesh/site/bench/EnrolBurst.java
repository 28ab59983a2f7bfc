package org.wgmesh.site.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;

/**
 * The enrolment burst of {@code lab/bench-enrol.sh}: COUNT hosts (bench-FIRST ...) enrol at the
 * same moment, each with its own device certificate ({@code DIR/bench-I.pem}) and a registration
 * blob made as {@code wghost} makes it, against a site whose rule admits them at once (so each is
 * admitted into the site file and published). Prints the decisions, the latencies and the time
 * until the last answer.
 *
 * <pre>EnrolBurst URL CA_PEM CERT_DIR SITE_FILE FIRST COUNT</pre>
 */
public final class EnrolBurst {
  private EnrolBurst() {}

  /** The decision of an answer, and its reason (per host, so the host's name is cut out). */
  static String decision(String body) {
    Matcher m = Pattern.compile("\"decision\":\"(\\w+)\",\"reason\":\"([^\"]*)\"").matcher(body);
    return m.find()
        ? m.group(1) + " (" + m.group(2).replaceAll("bench-\\d+", "HOST") + ")"
        : body.strip();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: EnrolBurst URL CA_PEM CERT_DIR SITE_FILE FIRST COUNT");
      System.exit(2);
    }
    URI url = URI.create(args[0]);
    Path ca = Path.of(args[1]);
    Path dir = Path.of(args[2]);
    Site site = SiteFile.load(Path.of(args[3]));
    int first = Integer.parseInt(args[4]);
    int count = Integer.parseInt(args[5]);
    List<String> blobs =
        BlobGenerator.blobs(site.keys().box().publicKey(), site.settings().domain(), first, count);
    List<HttpClient> clients = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      clients.add(
          HttpClient.newBuilder()
              .sslContext(
                  ReportLoad.context(
                      ca, dir.resolve("bench-" + i + ".pem"), dir.resolve("bench-" + i + ".key")))
              .version(HttpClient.Version.HTTP_1_1)
              .build());
    }
    LatencyStats latencies = new LatencyStats();
    Map<String, Integer> outcomes = new TreeMap<>();
    List<CompletableFuture<?>> all = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long sent = System.nanoTime();
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .timeout(Duration.ofSeconds(60))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"blob\":\"" + blobs.get(i) + "\"}"))
              .build();
      all.add(
          clients
              .get(i)
              .sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (response, failure) -> {
                    latencies.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent));
                    String outcome =
                        failure != null
                            ? failure.getClass().getSimpleName()
                            : response.statusCode() + " " + decision(response.body());
                    synchronized (outcomes) {
                      outcomes.merge(outcome, 1, Integer::sum);
                    }
                  }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(t -> null).join();
    System.out.printf(
        "burst %d enrolments: all answered after %.2f s; %s%n",
        count, (System.nanoTime() - start) / 1e9, latencies.summary());
    outcomes.forEach((k, v) -> System.out.printf("outcome %s: %d%n", k, v));
    System.exit(0);
  }
}
