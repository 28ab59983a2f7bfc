package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.ProcessCommandRunner;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.model.Topology;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;

/**
 * The client parts (issue 25) of the rendered BIRD filters of host 1 of {@link
 * Fixtures#clientView()}, run in a real BIRD without BGP, as {@link BirdFilterTest} does: routes to
 * client addresses as peers would send them go through the import filters; host 1's own client
 * routes (static routes of the protocols {@code mesh_clients_v4/v6}, as rendered) go through the
 * export filters, which prepend host 1's AS for the client whose primary is another host.
 *
 * <p>Clients: anna (198.51.100.1, fd12:3456:789a:2::1) attaches to host 1 alone; bob (.2, ::2) to
 * host 2 then host 1; carol (.3) to host 3; dave (::4) to host 2.
 */
class ClientBirdFilterTest {
  private static final Path BIRD = Path.of("/usr/sbin/bird");
  private static final Path BIRDC = Path.of("/usr/sbin/birdc");
  private static final Pattern PREFIX = Pattern.compile("^([0-9a-f.:]+/\\d+)\\s");
  private static final Pattern EXPORT_UPDATES = Pattern.compile("Export updates:\\s+(\\d+)");

  private static BirdFilterTest.Route in(String prefix, List<Long> path, boolean ok, String why) {
    return new BirdFilterTest.Route(prefix, path, ok, why);
  }

  static final List<BirdFilterTest.Route> LEARNED =
      List.of(
          in("198.51.100.2/32", List.of(64602L), true, "bob from host 2, its primary"),
          in("198.51.100.3/32", List.of(64602L, 64603L), true, "carol from host 3, relayed by 2"),
          in("198.51.100.1/32", List.of(64602L), false, "anna (host 1's alone) from host 2"),
          in("198.51.100.4/32", List.of(64602L), false, "not a client address"),
          in("198.51.100.0/24", List.of(64602L), false, "covering the client addresses"),
          in("198.51.100.2/31", List.of(64602L), false, "covering bob's address"),
          in("198.18.2.0/24", List.of(64602L), true, "host 2's LAN still passes"),
          in(
              "fd12:3456:789a:2::2/128",
              List.of(64602L, 64602L, 64602L, 64602L),
              true,
              "bob from host 2 with its AS prepended"),
          in("fd12:3456:789a:2::4/128", List.of(64603L), false, "dave (host 2's) from host 3"),
          in(
              "fd12:3456:789a:2::1/128",
              List.of(64603L, 64601L),
              false,
              "anna's address coming back with our AS last"),
          in("fd12:3456:789a:2::/64", List.of(64602L), false, "the client pool"),
          in("fd12:3456:789a:2::5/128", List.of(64605L), false, "host 5 has no client"));

  static final List<BirdFilterTest.Route> OWN =
      List.of(
          in("198.51.100.1/32", List.of(), true, "anna, ours as primary"),
          in("198.51.100.2/32", List.of(), true, "bob, ours as secondary"),
          in("198.51.100.3/32", List.of(), false, "carol does not attach here"),
          in("fd12:3456:789a:2::1/128", List.of(), true, "anna over IPv6"),
          in("fd12:3456:789a:2::2/128", List.of(), true, "bob over IPv6"));

  static boolean birdPresent() {
    return Files.isExecutable(BIRD) && Files.isExecutable(BIRDC);
  }

  @Test
  @EnabledIf("birdPresent")
  void clientRoutes_exactAddressesFromAttachedHostsOnly_secondaryPrepends(@TempDir Path dir)
      throws Exception {
    try (Bird bird = Bird.start(dir, config(dir, Fixtures.clientView(), LEARNED, OWN, "_in"))) {
      bird.awaitFed(LEARNED, OWN);
      assertThat(bird.routes("accepted4", "accepted6"))
          .as("imported")
          .containsExactlyElementsOf(passing(LEARNED));
      assertThat(bird.routes("sent4", "sent6"))
          .as("exported")
          .containsExactlyElementsOf(passing(OWN));
      assertThat(bird.path("sent4", "198.51.100.2/32"))
          .as("bob, whose primary is host 2: our AS three more times")
          .isEqualTo("64601 64601 64601");
      assertThat(bird.path("sent6", "fd12:3456:789a:2::2/128")).isEqualTo("64601 64601 64601");
      assertThat(bird.path("sent4", "198.51.100.1/32"))
          .as("anna, whose primary we are: plain")
          .isEmpty();
    }
  }

  /**
   * Host 1 as a hub of a hub-and-spoke mesh (hubs 1 and 2; hosts 3 and 5 are spokes), with erin
   * (198.51.100.5, fd12:3456:789a:2::5) attached to host 2 then spoke 3: from a spoke, a client
   * address is accepted with the spoke's AS alone, plain or prepended, never relayed.
   */
  static final List<BirdFilterTest.Route> FROM_SPOKE =
      List.of(
          in("198.51.100.3/32", List.of(64603L), true, "carol from spoke 3, her primary"),
          in(
              "198.51.100.5/32",
              List.of(64603L, 64603L, 64603L, 64603L),
              true,
              "erin from spoke 3, her secondary, prepended"),
          in(
              "fd12:3456:789a:2::5/128",
              List.of(64603L, 64602L),
              false,
              "erin relayed by spoke 3 from host 2"),
          in("198.51.100.2/32", List.of(64603L), false, "bob (hosts 2 and 1) from spoke 3"),
          in("fd00:18:3::/64", List.of(64603L), true, "spoke 3's own LAN"),
          in("198.18.2.0/24", List.of(64603L, 64602L), false, "host 2's LAN relayed by a spoke"));

  @Test
  @EnabledIf("birdPresent")
  void fromASpoke_clientAddressesWithItsAsAlone(@TempDir Path dir) throws Exception {
    List<ClientEntry> clients = new ArrayList<>(Fixtures.clients());
    clients.add(Fixtures.client(5, "erin", List.of("198.51.100.5", "fd12:3456:789a:2::5"), 2, 3));
    MeshView f = Fixtures.clientView();
    MeshSettings m = f.settings();
    MeshView hub =
        new MeshView(
            new MeshSettings(
                m.domain(),
                m.locus(),
                m.tunnelPrefix(),
                m.portbase(),
                m.allowedLanPrefixes(),
                Topology.HubAndSpoke.of(List.of(1, 2))),
            f.serial(),
            f.issued(),
            f.expires(),
            f.siteSigningKey(),
            f.siteBoxKey(),
            f.self(),
            f.peers(),
            clients);
    try (Bird bird =
        Bird.start(dir, config(dir, hub, FROM_SPOKE, List.<BirdFilterTest.Route>of(), "_in_own"))) {
      bird.awaitFed(FROM_SPOKE, List.<BirdFilterTest.Route>of());
      assertThat(bird.routes("accepted4", "accepted6"))
          .as("imported from a spoke")
          .containsExactlyElementsOf(passing(FROM_SPOKE));
    }
  }

  private static String config(
      Path dir,
      MeshView view,
      List<BirdFilterTest.Route> learned,
      List<BirdFilterTest.Route> own,
      String in) {
    String c =
        new TemplateRenderer(Optional.empty())
                .render(Planner.plan(view, Fixtures.endpoint(Path.of("/srv/h1"))), Fixtures.key(1))
                .stream()
                .filter(f -> f.component() == Component.BIRD)
                .findFirst()
                .orElseThrow()
                .content();
    StringBuilder sb = new StringBuilder();
    sb.append("log \"").append(dir.resolve("bird.log")).append("\" all;\n");
    sb.append("router id 1.0.0.1;\n");
    sb.append(c, c.indexOf("define MESH_ASN"), c.indexOf("protocol device"));
    for (String v : List.of("4", "6")) {
      boolean v6 = v.equals("6");
      for (String t : List.of("learned", "accepted", "local", "sent")) {
        sb.append("ipv").append(v).append(" table ").append(t).append(v).append(";\n");
      }
      sb.append(
          statics("learned_v" + v, "learned" + v, v, learned.stream().filter(r -> r.v6() == v6)));
      // The protocol name the export filter recognises as our client routes.
      sb.append(
          statics("mesh_clients_v" + v, "local" + v, v, own.stream().filter(r -> r.v6() == v6)));
      sb.append(pipe("in" + v, "learned" + v, "accepted" + v, "mesh_v" + v + in));
      sb.append(pipe("out" + v, "local" + v, "sent" + v, "mesh_v" + v + "_out"));
    }
    return sb.toString();
  }

  private static String statics(
      String name, String table, String v, Stream<BirdFilterTest.Route> routes) {
    StringBuilder sb =
        new StringBuilder(
            "protocol static " + name + " {\n  ipv" + v + " { table " + table + "; };\n");
    routes.forEach(r -> sb.append(r.staticLine()));
    return sb.append("}\n").toString();
  }

  private static String pipe(String name, String from, String to, String filter) {
    return "protocol pipe "
        + name
        + " { table "
        + from
        + "; peer table "
        + to
        + "; import none; export filter "
        + filter
        + "; }\n";
  }

  private static List<String> passing(List<BirdFilterTest.Route> routes) {
    return routes.stream()
        .filter(BirdFilterTest.Route::passes)
        .map(BirdFilterTest.Route::prefix)
        .sorted()
        .toList();
  }

  /** A BIRD running a test config in the foreground, stopped on close. */
  private record Bird(Process process, Path socket, ProcessCommandRunner runner)
      implements AutoCloseable {
    static Bird start(Path dir, String config) throws Exception {
      Path conf = dir.resolve("filters.conf");
      Files.writeString(conf, config);
      ProcessCommandRunner runner = new ProcessCommandRunner();
      CommandResult parse =
          runner.execute(Command.query(BIRD.toString(), "-p", "-c", conf.toString()));
      assertThat(parse.exitCode()).as(config + parse.stderr()).isZero();
      Path socket = dir.resolve("bird.ctl");
      Process p =
          new ProcessBuilder(BIRD.toString(), "-f", "-c", conf.toString(), "-s", socket.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("bird.out").toFile())
              .start();
      return new Bird(p, socket, runner);
    }

    /** Waits until every pipe has been offered every route of its table. */
    void awaitFed(List<BirdFilterTest.Route> learned, List<BirdFilterTest.Route> own)
        throws Exception {
      List<String> pending = new ArrayList<>();
      for (long end = System.nanoTime() + 10_000_000_000L;
          System.nanoTime() < end;
          Thread.sleep(100)) {
        pending.clear();
        for (String v : List.of("4", "6")) {
          boolean v6 = v.equals("6");
          fed("in" + v, learned.stream().filter(r -> r.v6() == v6).count(), pending);
          fed("out" + v, own.stream().filter(r -> r.v6() == v6).count(), pending);
        }
        if (pending.isEmpty()) {
          return;
        }
      }
      throw new AssertionError("BIRD did not feed " + pending);
    }

    private void fed(String pipe, long routes, List<String> pending) {
      if (routes == 0) {
        return;
      }
      CommandResult r = birdc("show", "protocols", "all", pipe);
      Matcher m = EXPORT_UPDATES.matcher(r.stdout());
      if (r.exitCode() != 0 || !m.find() || Long.parseLong(m.group(1)) < routes) {
        pending.add(pipe);
      }
    }

    List<String> routes(String... tables) {
      Set<String> out = new TreeSet<>();
      for (String t : tables) {
        CommandResult r = birdc("show", "route", "table", t);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        r.stdout()
            .lines()
            .map(PREFIX::matcher)
            .filter(Matcher::find)
            .forEach(m -> out.add(m.group(1)));
      }
      return List.copyOf(out);
    }

    /** The AS path BIRD shows for {@code prefix} in {@code table}; empty when it has none. */
    String path(String table, String prefix) {
      CommandResult r = birdc("show", "route", "table", table, prefix, "all");
      assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
      return r.stdout()
          .lines()
          .map(String::strip)
          .filter(l -> l.startsWith("BGP.as_path:"))
          .map(l -> l.substring("BGP.as_path:".length()).strip())
          .findFirst()
          .orElse("");
    }

    private CommandResult birdc(String... args) {
      List<String> argv = new ArrayList<>(List.of(BIRDC.toString(), "-s", socket.toString()));
      argv.addAll(List.of(args));
      return runner.execute(Command.query(argv.toArray(String[]::new)));
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      process.waitFor();
    }
  }
}
