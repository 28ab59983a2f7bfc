package org.wgmesh.core.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real Knot DNS server for tests: authoritative for one zone on 127.0.0.1 at a free port,
 * accepting RFC 2136 updates signed with a fresh TSIG key ({@code hmac-sha256}). Runs as {@code
 * nobody} when the test runs as root (as {@code ../shared/tools/knot-demo.sh} does), is ready when
 * it answers the zone's SOA, and is stopped by its PID in {@link #close()}, which also removes its
 * working directory.
 *
 * <pre>{@code
 * try (KnotServer knot = KnotServer.start("example.test")) {
 *   // rfc2136://127.0.0.1:knot.port()?zone=example.test&tsig=knot.keyName(), secret knot.tsigSecret()
 * }
 * }</pre>
 */
public final class KnotServer implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

  private final Path dir;
  private final Process process;
  private final int port;
  private final String zone;
  private final String secret;

  private KnotServer(Path dir, Process process, int port, String zone, String secret) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.zone = zone;
    this.secret = secret;
  }

  /** Starts a server for {@code zone} holding only SOA, NS and the NS's A record. */
  public static KnotServer start(String zone) throws IOException, InterruptedException {
    return start(zone, List.of());
  }

  /**
   * Starts a server for {@code zone} with extra records, given as zone-file lines relative to the
   * zone origin (for example {@code "_t 60 TXT \"v=1\""}).
   *
   * @throws IOException when knotd cannot be started or does not answer within 15 seconds (the
   *     message holds its log)
   */
  public static KnotServer start(String zone, List<String> zoneLines)
      throws IOException, InterruptedException {
    return start(zone, zoneLines, Map.of());
  }

  /**
   * Starts a server for {@code zone} and for each of {@code moreZones} (issue 25: the reverse zones
   * of name records), each with its extra lines and the same update ACL.
   */
  public static KnotServer start(
      String zone, List<String> zoneLines, Map<String, List<String>> moreZones)
      throws IOException, InterruptedException {
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    String secret = Base64.getEncoder().encodeToString(raw);
    IOException last = null;
    // A free port found by binding port 0 can be taken by someone else before knotd binds it:
    // retry.
    for (int attempt = 0; attempt < 3; attempt++) {
      Path dir = Files.createTempDirectory("wgmesh-knot-");
      try {
        return launch(dir, zone, zoneLines, moreZones, secret, freePort());
      } catch (IOException e) {
        last = e;
        deleteTree(dir);
      }
    }
    throw last;
  }

  /**
   * Whether knotd is installed here; tests use it with
   * {@code @EnabledIf("org.wgmesh.core.testing.KnotServer#isAvailable")} so that a machine without
   * Knot skips them (scripts/setup-debian.sh installs it).
   */
  public static boolean isAvailable() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "knotd"))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin/knotd"));
  }

  /** The UDP and TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The zone, without trailing dot. */
  public String zone() {
    return zone;
  }

  /** The name of the TSIG key allowed to update the zone. */
  public String keyName() {
    return "upd.key";
  }

  /** The TSIG key's algorithm. */
  public String algorithm() {
    return "hmac-sha256";
  }

  /** The TSIG secret, base64. */
  public String tsigSecret() {
    return secret;
  }

  /** knotd's stderr so far, for failure messages. */
  public String log() {
    try {
      return Files.readString(dir.resolve("knotd.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Whether knotd is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops knotd by its PID (TERM, then KILL after 5 s) and removes its directory. Idempotent. */
  @Override
  public void close() {
    stopProcess(process);
    deleteTree(dir);
  }

  private static KnotServer launch(
      Path dir,
      String zone,
      List<String> zoneLines,
      Map<String, List<String>> moreZones,
      String secret,
      int port)
      throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("run"));
    Files.createDirectories(dir.resolve("db"));
    Files.createDirectories(dir.resolve("zones"));
    String conf =
        String.join(
            "\n",
            "server:",
            "    rundir: \"" + dir.resolve("run") + "\"",
            "    listen: 127.0.0.1@" + port,
            "database:",
            "    storage: \"" + dir.resolve("db") + "\"",
            "log:",
            "  - target: stderr",
            "    any: info",
            "key:",
            "  - id: upd.key",
            "    algorithm: hmac-sha256",
            "    secret: " + secret,
            "acl:",
            "  - id: upd",
            "    key: upd.key",
            "    action: update",
            "zone:",
            "  - domain: " + zone,
            "    storage: \"" + dir.resolve("zones") + "\"",
            "    file: \"" + zone + ".zone\"",
            "    acl: upd",
            "");
    for (String more : moreZones.keySet()) {
      conf +=
          String.join(
              "\n",
              "  - domain: " + more,
              "    storage: \"" + dir.resolve("zones") + "\"",
              "    file: \"" + more + ".zone\"",
              "    acl: upd",
              "");
      writeZone(dir, more, moreZones.get(more));
    }
    Files.writeString(dir.resolve("knot.conf"), conf);
    writeZone(dir, zone, zoneLines);

    List<String> argv = new ArrayList<>();
    if (isRoot()) {
      // knotd need not run as root; nobody is what a careful operator would use.
      run(List.of("chown", "-R", "65534:65534", dir.toString()));
      argv.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    }
    argv.addAll(List.of("knotd", "-c", dir.resolve("knot.conf").toString()));
    Process process =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("knotd.log").toFile())
            .start();
    KnotServer server = new KnotServer(dir, process, port, zone, secret);
    try {
      server.awaitSoa();
      return server;
    } catch (IOException | RuntimeException e) {
      String log = server.log();
      stopProcess(process);
      throw new IOException(
          "knotd did not become ready on 127.0.0.1:" + port + ": " + e.getMessage() + "\n" + log,
          e);
    }
  }

  private static void writeZone(Path dir, String zone, List<String> zoneLines) throws IOException {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "$ORIGIN " + zone + ".",
                "$TTL 300",
                "@ SOA ns1 hostmaster 1 3600 900 604800 300",
                "@ NS ns1",
                "ns1 A 127.0.0.1"));
    lines.addAll(zoneLines);
    Files.writeString(
        dir.resolve("zones").resolve(zone + ".zone"), String.join("\n", lines) + "\n");
  }

  private void awaitSoa() throws IOException, InterruptedException {
    SimpleResolver resolver =
        new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    resolver.setTCP(true);
    resolver.setTimeout(Duration.ofMillis(500));
    Message query =
        Message.newQuery(Record.newRecord(Name.fromString(zone + "."), Type.SOA, DClass.IN));
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("knotd exited with status " + process.exitValue());
      }
      try {
        Message answer = resolver.send(query);
        if (answer.getRcode() == Rcode.NOERROR && answer.getSection(Section.ANSWER).size() > 0) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IOException("no SOA answer within " + READY_TIMEOUT.toSeconds() + " s");
  }

  private static int freePort() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    while (true) {
      try (ServerSocket tcp = new ServerSocket(0, 1, lo)) {
        int port = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, port))) {
          return port;
        } catch (IOException udpTaken) {
          // the UDP side of this port is in use: try another
        }
      }
    }
  }

  private static void stopProcess(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static boolean isRoot() {
    try {
      return "root".equals(Files.getOwner(Path.of("/proc/self")).getName());
    } catch (IOException e) {
      return false;
    }
  }

  private static void run(List<String> argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", argv) + " failed: " + out);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temp directory
    }
  }
}
