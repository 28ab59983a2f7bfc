package org.wgmesh.endpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.crypto.KeyFiles;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.testing.FileSnapshot;
import org.wgmesh.core.testing.RecordingCommandRunner;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.deploy.DeployService;
import org.wgmesh.endpoint.deploy.Fixtures;
import org.wgmesh.endpoint.deploy.HealthyHost;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;
import org.wgmesh.endpoint.source.MeshSource;

class WgdeployCommandTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  RecordingCommandRunner runner =
      new RecordingCommandRunner()
          .respond(new CommandResult(1, "", "no such device"), "ip", "-j", "addr", "show", "dev")
          .respond(
              CommandResult.success("[{\"ifname\":\"lan0\",\"flags\":[\"UP\"],\"addr_info\":[]}]"),
              "ip",
              "-j",
              "addr",
              "show",
              "dev",
              "lan0")
          .respond(new CommandResult(1, "", ""), "birdc");
  final AtomicReference<String> askedDomain = new AtomicReference<>();
  final AtomicReference<Optional<String>> askedResolver = new AtomicReference<>();
  Map<String, String> env;

  /** The views a test's DNS serves, by domain. */
  interface Views {
    MeshView fetch(String domain);
  }

  /** Host 1's endpoint file and key in {@code dir/etc/wgmesh}, which WGMESH_CONFIG_DIR names. */
  @BeforeEach
  void enrolled() {
    EndpointConfig c = Fixtures.endpoint(dir);
    Path configDir = dir.resolve("etc/wgmesh");
    EndpointFile.save(c, EndpointPaths.path(configDir, c.domain()));
    KeyFiles.createSecret(c.hostKey(), Fixtures.key(1).toBase64());
    try {
      // node_exporter's textfile directory exists, so every run that may write metrics does.
      Files.createDirectories(c.roots().metrics());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    env = Map.of("WGMESH_CONFIG_DIR", configDir.toString());
  }

  int run(Views views, String... args) {
    Function<Optional<String>, MeshSource> sources =
        resolver -> {
          askedResolver.set(resolver);
          return (c, key) -> {
            askedDomain.set(c.domain().toString());
            assertThat(key.publicKey()).isEqualTo(Fixtures.key(1).publicKey());
            return Fixtures.read(views.fetch(c.domain().toString()), c);
          };
        };
    Io io = new Io(new ByteArrayInputStream(new byte[0]), out, err, false);
    return Cli.run(i -> new WgdeployCommand(i, env, runner, sources), io, args);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void dryRun_printsDiffAndCommandsChangesNothing() {
    int rc =
        run(
            d -> Fixtures.view(),
            "--dry-run",
            "--backend",
            "kernel",
            "--resolver",
            "127.0.0.1:5353",
            Fixtures.DOMAIN);
    assertThat(rc).isEqualTo(ExitCode.OK.code());
    assertThat(askedDomain.get()).isEqualTo(Fixtures.DOMAIN);
    assertThat(askedResolver.get()).contains("127.0.0.1:5353");
    assertThat(out())
        .contains("added " + dir.resolve("etc/bird/wgmesh-lab.conf"))
        .contains("would run: ip netns add lab")
        .contains("would run: ip -n lab link add wg2 type wireguard")
        .doesNotContain(Fixtures.key(1).toBase64());
    assertThat(runner.mutations()).isEmpty();
    assertThat(dir.resolve("etc/bird")).doesNotExist();
    assertThat(dir.resolve("var/lib/wgmesh")).doesNotExist(); // no lock, no serials, no state
    assertThat(dir.resolve("var/lib/prometheus/node-exporter")).isEmptyDirectory(); // no metrics
  }

  /** The recording host answers BIRD's status once wgdeploy has started it. */
  void birdStartsWhenAsked() {
    AtomicBoolean up = new AtomicBoolean();
    runner
        .respond(
            c -> RecordingCommandRunner.startsWith(c, "ip", "netns", "exec", "lab", "bird"),
            c -> {
              up.set(true);
              return CommandResult.success("");
            })
        .respond(
            c -> RecordingCommandRunner.startsWith(c, "birdc"),
            c ->
                up.get()
                    ? CommandResult.success("BIRD 2.0.12 ready.\nDaemon is up and running\n")
                    : new CommandResult(1, "", "Unable to connect"));
  }

  @Test
  void dryRun_leavesEveryFileOfConfigStateAndRootsByteIdentical() throws Exception {
    // Fresh host: the dry run plans a whole deploy and writes nothing (no lock, no serials, no
    // state).
    FileSnapshot before = FileSnapshot.of(dir);
    assertThat(run(d -> Fixtures.view(), "--dry-run", "--backend", "kernel", Fixtures.DOMAIN))
        .isZero();
    assertThat(out()).contains("would run: ip netns add lab");
    assertThat(FileSnapshot.of(dir)).isEqualTo(before);

    // Deployed for real, then a newer record with a peer joining is pending: the dry run shows the
    // change and still moves nothing, not even the accepted serials.
    birdStartsWhenAsked();
    assertThat(run(d -> Fixtures.view(), "--backend", "kernel", Fixtures.DOMAIN))
        .as(err())
        .isZero();
    Path seen = dir.resolve("var/lib/wgmesh/" + Fixtures.DOMAIN + ".seen");
    assertThat(seen).hasContent("mesh 7");
    assertThat(dir.resolve("var/lib/wgmesh/lab/manifest.properties")).exists();
    MeshView joined =
        new MeshView(
            Fixtures.settings(),
            8,
            Instant.parse("2029-12-25T00:00:00Z"),
            Instant.parse("2030-01-01T00:00:00Z"),
            Fixtures.view().siteSigningKey(),
            Fixtures.view().siteBoxKey(),
            Fixtures.view().self(),
            List.of(Fixtures.host(2, "203.0.113.2"), Fixtures.host(4, "203.0.113.4")));
    out.reset();
    runner.clear();
    before = FileSnapshot.of(dir);
    assertThat(run(d -> joined, "--dry-run", "--backend", "kernel", Fixtures.DOMAIN)).isZero();
    assertThat(out())
        .contains("added " + dir.resolve("etc/wireguard/lab/wg4.conf"))
        .contains("would run: ip -n lab link add wg4 type wireguard");
    assertThat(runner.mutations()).isEmpty();
    assertThat(FileSnapshot.of(dir)).isEqualTo(before);

    // --down --dry-run: the same.
    out.reset();
    assertThat(run(d -> joined, "--down", "--dry-run", Fixtures.DOMAIN)).isZero();
    assertThat(out())
        .contains("step: remove the managed files")
        .contains("step: remove wgdeploy state");
    assertThat(runner.mutations()).isEmpty();
    assertThat(FileSnapshot.of(dir)).isEqualTo(before);
  }

  @Test
  void configDir_optionThenEnvironmentThenDefault() {
    env = Map.of("WGMESH_CONFIG_DIR", dir.resolve("env").toString());
    assertThat(
            run(
                d -> Fixtures.view(),
                "--dry-run",
                "--config-dir",
                dir.resolve("opt").toString(),
                Fixtures.DOMAIN))
        .isEqualTo(ExitCode.IO.code());
    assertThat(err())
        .contains(
            "error: "
                + dir.resolve("opt/" + Fixtures.DOMAIN + ".yaml")
                + ": no endpoint configuration");
    assertThat(run(d -> Fixtures.view(), "--dry-run", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.IO.code());
    assertThat(err()).contains("error: " + dir.resolve("env/" + Fixtures.DOMAIN + ".yaml"));
    env = Map.of();
    assertThat(run(d -> Fixtures.view(), "--dry-run", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.IO.code());
    assertThat(err()).contains("error: /etc/wgmesh/" + Fixtures.DOMAIN + ".yaml");
    assertThat(askedDomain.get()).isNull();
  }

  @Test
  void dryRun_rendersTheDaemonUnitsOnly_thePackageShipsTheWgdeployTimer() {
    assertThat(run(d -> Fixtures.view(), "--dry-run", "--backend", "kernel", Fixtures.DOMAIN))
        .isZero();
    assertThat(out())
        .contains("added " + dir.resolve("etc/systemd/system/wgmesh-lab-bird.service"))
        .contains("added " + dir.resolve("etc/systemd/system/wgmesh-lab-wg@.service"))
        .doesNotContain("wgdeploy-lab")
        .doesNotContain("ExecStart=/usr/local/bin/wgdeploy");
  }

  @Test
  void fetchFails_exitCodeOfTheErrorAndMessageOnStderr() {
    int rc =
        run(
            d -> {
              throw new DnsException(d + " TXT", "timed out", "check --resolver");
            },
            Fixtures.DOMAIN);
    assertThat(rc).isEqualTo(ExitCode.DNS.code());
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("error: mesh.example.com TXT: timed out");
    assertThat(runner.mutations()).isEmpty();
  }

  @Test
  void unknownBackend_isABadOptionValue() {
    assertThat(run(d -> Fixtures.view(), "--backend", "magic", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.INPUT.code());
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("magic");
  }

  @Test
  void follow_withoutAServiceToFollow_isAConfigError_namingReportUrl_andAsksNoDns() {
    assertThat(run(d -> Fixtures.view(), "--follow", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.CONFIG.code());
    assertThat(err()).contains("has no report-url").contains("wghost --enrol");
    assertThat(askedDomain.get()).isNull();
  }

  @Test
  void follow_withDownOrDryRun_isAUsageError() {
    assertThat(run(d -> Fixtures.view(), "--follow", "--down", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(err()).contains("--follow cannot be used with --down");
    assertThat(run(d -> Fixtures.view(), "--follow", "--dry-run", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.USAGE.code());
  }

  @Test
  void downWithoutState_isDeployError() {
    assertThat(run(d -> Fixtures.view(), "--down", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.DEPLOY.code());
    assertThat(askedDomain.get()).isNull(); // --down needs no DNS
  }

  @Test
  void anotherRunHoldsTheLock_isConflictForDeployAndDown_andTouchesNothing() {
    Path lockFile = dir.resolve("var/lib/wgmesh/" + Fixtures.DOMAIN + ".lock");
    try (LockFile held = hold()) {
      assertThat(held.path()).isEqualTo(lockFile);
      assertThat(run(d -> Fixtures.view(), "--backend", "kernel", Fixtures.DOMAIN))
          .isEqualTo(ExitCode.CONFLICT.code());
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains(
              "error: " + lockFile + ": another wgdeploy for " + Fixtures.DOMAIN + " is running")
          .contains("hint: wait for it to finish");
      assertThat(askedDomain.get()).isNull(); // not even the serials were read
      assertThat(run(d -> Fixtures.view(), "--down", Fixtures.DOMAIN))
          .isEqualTo(ExitCode.CONFLICT.code());
      assertThat(runner.commands()).isEmpty();
    }
    // Released: the next run gets past the lock (and finds nothing to take down).
    assertThat(run(d -> Fixtures.view(), "--down", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.DEPLOY.code());
  }

  /** Holds the mesh's lock as another wgdeploy would. */
  LockFile hold() {
    return LockFile.acquire(
        DeployService.lockPath(Fixtures.endpoint(dir)),
        Duration.ZERO,
        () -> new org.wgmesh.core.error.ConflictException("test", "lock already held"));
  }

  /** Host 1 deployed and healthy; the check's clock is the real one. */
  void deployedHealthyHost() {
    HealthyHost.deploy(dir);
    runner = HealthyHost.runner(dir, Instant.now().getEpochSecond());
  }

  @Test
  void check_healthy_exit0_withoutDnsLockOrChange() {
    deployedHealthyHost();
    // No lock: a check must not fail (or block a deploy) while the timer's wgdeploy runs.
    try (LockFile held = hold()) {
      assertThat(run(d -> Fixtures.view(), "--check", Fixtures.DOMAIN))
          .isEqualTo(ExitCode.OK.code());
    }
    assertThat(out())
        .startsWith("ok   namespace lab: exists\n")
        .containsPattern(
            "ok   wg2 \\(host2\\): link up, handshake 1[23] s ago, BGP Established, BFD Up")
        .endsWith("mesh.example.com: healthy (namespace lab, 13 checks passed)\n");
    assertThat(askedDomain.get()).isNull();
    assertThat(runner.mutations()).isEmpty();

    out.reset();
    assertThat(run(d -> Fixtures.view(), "--check", "-q", Fixtures.DOMAIN)).isZero();
    assertThat(out()).isEmpty();
  }

  @Test
  void checkReport_withoutReportUrl_checksNothing_andExits0() {
    deployedHealthyHost();
    runner.clear();
    // the packaged unit's ExecStartPost on a host not enrolled through the service
    assertThat(run(d -> Fixtures.view(), "--check", "--report", "-q", Fixtures.DOMAIN)).isZero();
    assertThat(out()).isEmpty();
    assertThat(runner.commands()).isEmpty();
    assertThat(run(d -> Fixtures.view(), "--check", "--report", Fixtures.DOMAIN)).isZero();
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void check_failure_exit12_quietPrintsOnlyTheFailures() {
    deployedHealthyHost();
    runner.respond(
        CommandResult.success(
            HealthyHost.protocols(
                Map.of("wg2", "Active", "wg3", "Established", "wg5", "Established"))),
        "birdc",
        "-s",
        HealthyHost.layout(dir).birdSocket().toString(),
        "show",
        "protocols");
    assertThat(run(d -> Fixtures.view(), "--check", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.UNHEALTHY.code());
    assertThat(out())
        .contains("FAIL wg2 (host2): BGP Active\n", "ok   wg3 (host3)")
        .endsWith("mesh.example.com: UNHEALTHY: 1 of 13 checks failed: wg2 (host2)\n");

    out.reset();
    assertThat(run(d -> Fixtures.view(), "--check", "-q", Fixtures.DOMAIN)).isEqualTo(12);
    assertThat(out()).isEqualTo("FAIL wg2 (host2): BGP Active\n");
    assertThat(runner.mutations()).isEmpty();
  }

  @Test
  void check_notDeployed_exit12_errorAndHint() {
    assertThat(run(d -> Fixtures.view(), "--check", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.UNHEALTHY.code());
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("error: mesh.example.com: this mesh is not deployed on this host")
        .contains("hint: deploy it first: wgdeploy mesh.example.com");
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void check_withDownOrDryRun_orThresholdAlone_isUsageError() {
    deployedHealthyHost();
    assertThat(run(d -> Fixtures.view(), "--check", "--down", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(run(d -> Fixtures.view(), "--check", "--dry-run", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(run(d -> Fixtures.view(), "--max-handshake-age", "60", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("error: wgdeploy: --check cannot be used with --down")
        .contains("error: wgdeploy: --check cannot be used with --dry-run")
        .contains("error: wgdeploy: --max-handshake-age goes with --check");
    assertThat(run(d -> Fixtures.view(), "--check", "--max-handshake-age", "0", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.INPUT.code());
    assertThat(runner.commands()).isEmpty();
    assertThat(askedDomain.get()).isNull();
  }

  @Test
  void keySwitchWait_withCheckOrDown_isUsageError_andNegativeIsInputError() {
    deployedHealthyHost();
    assertThat(run(d -> Fixtures.view(), "--check", "--key-switch-wait", "5", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(run(d -> Fixtures.view(), "--down", "--key-switch-wait", "5", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(run(d -> Fixtures.view(), "--key-switch-wait", "-1", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.INPUT.code());
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("error: wgdeploy: --check cannot be used with --key-switch-wait")
        .contains("error: wgdeploy: --key-switch-wait cannot be used with --down")
        .contains("--key-switch-wait -1");
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void backendValues_listedInHelp() {
    assertThat(run(d -> Fixtures.view(), "--help")).isZero();
    assertThat(out())
        .contains("--dry-run")
        .contains("--down")
        .contains("--supervisor")
        .contains("--check")
        .contains("--max-handshake-age");
    assertThat(WireGuardBackendChoice.values()).hasSize(3);
  }

  @Test
  void deploy_writesItsMetrics_successAndFailure() throws Exception {
    Path metrics =
        dir.resolve("var/lib/prometheus/node-exporter/wgmesh-" + Fixtures.DOMAIN + "-deploy.prom");
    birdStartsWhenAsked();
    assertThat(run(d -> Fixtures.view(), "--backend", "kernel", Fixtures.DOMAIN))
        .as(err())
        .isZero();
    assertThat(Files.readString(metrics))
        .contains("wgmesh_deploy_last_success{domain=\"mesh.example.com\"} 1\n")
        .contains("wgmesh_deploy_last_serial{domain=\"mesh.example.com\"} 7\n")
        .contains("# TYPE wgmesh_deploy_last_duration_seconds gauge");
    assertThat(
            run(
                d -> {
                  throw new DnsException(d + " TXT", "timed out", "check --resolver");
                },
                Fixtures.DOMAIN))
        .isEqualTo(ExitCode.DNS.code());
    assertThat(Files.readString(metrics))
        .contains("wgmesh_deploy_last_success{domain=\"mesh.example.com\"} 0\n")
        .doesNotContain("wgmesh_deploy_last_serial");
  }

  @Test
  void check_writesItsMetrics_andJsonOnRequest() throws Exception {
    deployedHealthyHost();
    assertThat(run(d -> Fixtures.view(), "--check", "--json", Fixtures.DOMAIN)).isZero();
    JsonNode j = org.wgmesh.core.json.Json.readTree(out(), "stdout");
    assertThat(j.get("healthy").asBoolean()).isTrue();
    assertThat(j.get("status").asText()).isEqualTo("healthy");
    assertThat(j.get("checks").get(0).get("name").asText()).isEqualTo("namespace");
    Path metrics =
        dir.resolve("var/lib/prometheus/node-exporter/wgmesh-" + Fixtures.DOMAIN + "-check.prom");
    assertThat(Files.readString(metrics))
        .contains("wgmesh_check_ok{domain=\"mesh.example.com\",check=\"namespace\"} 1\n");
    assertThat(run(d -> Fixtures.view(), "--json", Fixtures.DOMAIN))
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(err()).contains("--json goes with --check");
    assertThat(runner.mutations()).isEmpty();
  }

  @Test
  void checkJson_meshNotDeployed_stillPrintsOneJsonDocumentWithTheError() throws Exception {
    int rc = run(d -> Fixtures.view(), "--check", "--json", Fixtures.DOMAIN);
    assertThat(rc).as(err()).isEqualTo(ExitCode.UNHEALTHY.code());
    JsonNode j = org.wgmesh.core.json.Json.readTree(out(), "stdout");
    assertThat(j.get("status").asText()).isEqualTo("error");
    assertThat(j.get("healthy").asBoolean()).isFalse();
    assertThat(j.get("domain").asText()).isEqualTo(Fixtures.DOMAIN);
    assertThat(j.get("checks")).isEmpty();
    assertThat(j.get("error").get("why").asText()).contains("not deployed on this host");
    assertThat(j.get("error").get("exit-code").asInt()).isEqualTo(ExitCode.UNHEALTHY.code());
    assertThat(err()).contains("not deployed on this host");
  }

  @Test
  void checkNames_areAllInTheTableOfDeployMd() throws Exception {
    deployedHealthyHost();
    run(d -> Fixtures.view(), "--check", "--json", Fixtures.DOMAIN);
    JsonNode j = org.wgmesh.core.json.Json.readTree(out(), "stdout");
    Path deployMd = Path.of(System.getProperty("wgmesh.root", "..")).resolve("docs/deploy.md");
    String table =
        Files.readString(deployMd)
            .lines()
            .dropWhile(l -> !l.startsWith("| check (`name` in `--json`)"))
            .takeWhile(l -> l.startsWith("|"))
            .reduce("", (a, b) -> a + b + "\n");
    assertThat(j.get("checks")).hasSizeGreaterThan(5);
    for (JsonNode c : j.get("checks")) {
      String name = c.get("name").asText().replaceFirst("^link\\.wg\\d+$", "link.wg<N>");
      assertThat(table).as("check %s in docs/deploy.md", name).contains("`" + name + "`");
    }
  }
}
