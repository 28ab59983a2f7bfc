package org.wgmesh.site.publish.route53;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.site.cli.WgpubCommand;
import org.wgmesh.site.publish.Publishers;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.publish.TestSites;

/**
 * {@code wgpub} against a Route53 endpoint that fails: one that accepts connections and never
 * answers ends the run within the target URI's bounds, and one that drops the connection half-way
 * through the change batches leaves a state the next run completes.
 */
class Route53FailuresTest {
  static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

  @TempDir Path dir;
  Path yaml;
  private String savedKey;
  private String savedSecret;

  @BeforeEach
  void createSite() {
    yaml = dir.resolve("wgmesh.yaml");
    TestSites.create(yaml, "zonefile:mesh.zone", 3);
    savedKey = System.getProperty("aws.accessKeyId");
    savedSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", "AKIDFAKE");
    System.setProperty("aws.secretAccessKey", "fake-secret");
  }

  @AfterEach
  void restore() {
    restore("aws.accessKeyId", savedKey);
    restore("aws.secretAccessKey", savedSecret);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  Result wgpub(String... args) {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    return CliRun.run(
        i ->
            new WgpubCommand(
                i,
                r ->
                    new SitePublication(
                        r, (uri, d) -> Publishers.fromUri(uri, d, Map.of()), clock)),
        args);
  }

  /** Accepts TCP connections on 127.0.0.1 and never reads or answers. */
  static final class SilentListener implements AutoCloseable {
    final ServerSocket server;
    final List<Socket> held = new ArrayList<>();
    final Thread acceptor;

    SilentListener() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Socket s = server.accept();
                    synchronized (held) {
                      held.add(s);
                    }
                  }
                } catch (IOException closed) {
                  // close() ends the loop
                }
              },
              "silent-listener");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String endpoint() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    int accepted() {
      synchronized (held) {
        return held.size();
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (held) {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void endpointThatNeverAnswers_endsWithinTheConfiguredTimeout() throws Exception {
    try (SilentListener silent = new SilentListener()) {
      long start = System.nanoTime();

      Result r =
          wgpub(
              "--publish",
              "route53:ZFAKE123?wait=false&timeout=2&attempt-timeout=1&retries=1&endpoint="
                  + silent.endpoint(),
              yaml.toString());

      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.PUBLISH.code());
      assertThat(r.err())
          .startsWith("error: route53:ZFAKE123: ")
          .contains("the Route53 endpoint " + silent.endpoint() + " did not answer in time")
          .contains("attempt-timeout=")
          .doesNotContain("\tat ");
      assertThat(silent.accepted()).isPositive();
      // Sanity bound only: well under the default call timeout of 60 s.
      assertThat(took).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void connectionClosedHalfWayThroughTheBatches_nextRunCompletesThePublication() throws Exception {
    try (Route53Fake fake = new Route53Fake("ZFAKE123")) {
      String target = "route53:ZFAKE123?wait=false&retries=1&endpoint=" + fake.endpoint();
      // The host and key records go in the first batch; the mesh record's batch is dropped.
      fake.closeChangesAfter = 1;

      Result first = wgpub("--publish", target, yaml.toString());

      assertThat(first.rc()).as(first.err()).isEqualTo(ExitCode.PUBLISH.code());
      assertThat(first.err()).startsWith("error: route53:ZFAKE123: ");
      assertThat(fake.batches).hasSize(1);
      assertThat(fake.zone).hasSize(6).doesNotContainKey(TestSites.DOMAIN + ". TXT");

      fake.closeChangesAfter = -1;
      Result second = wgpub("--publish", target, yaml.toString());

      assertThat(second.rc()).as(second.err()).isZero();
      assertThat(fake.zone).hasSize(7).containsKey(TestSites.DOMAIN + ". TXT");
      Result third = wgpub("--publish", target, yaml.toString());
      assertThat(third.rc()).as(third.err()).isZero();
      assertThat(third.out()).contains("up to date, nothing to write");
    }
  }

  @Test
  void malformedEndpoint_exitsWithTheConfigurationCodeNamingIt() {
    Result r = wgpub("--publish", "route53:ZFAKE123?endpoint=http://[bad", yaml.toString());

    assertThat(r.rc()).as(r.err()).isEqualTo(ExitCode.CONFIG.code());
    assertThat(r.err())
        .startsWith("error: publish target 'route53:ZFAKE123?endpoint=http://[bad'")
        .contains("endpoint 'http://[bad' is not a URL")
        .doesNotContain("internal", "\tat ");
  }
}
