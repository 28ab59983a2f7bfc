package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.ProcessCommandRunner;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;

/**
 * Runs the route filters of the rendered BIRD config (host 1 of the fixture mesh) in a real BIRD,
 * without BGP: static routes carrying the AS path a peer would send pass through pipes whose
 * filters are the sessions' import and export filters. BIRD gets only private tables, static
 * blackhole routes and pipes (no device, kernel, direct or BGP protocol): it touches no interface,
 * route or socket of the machine but its own control socket, so no namespace or root is needed.
 * What this cannot cover is the {@code source = RTS_BGP} half of the export filter (learned routes
 * relayed to other peers); lab/e2e.sh does (failover through a third host).
 */
class BirdFilterTest {
  private static final Path BIRD = Path.of("/usr/sbin/bird");
  private static final Path BIRDC = Path.of("/usr/sbin/birdc");
  private static final Pattern PREFIX = Pattern.compile("^([0-9a-f.:]+/\\d+)\\s");
  private static final Pattern EXPORT_UPDATES = Pattern.compile("Export updates:\\s+(\\d+)");

  /**
   * A route as host 1 would receive it: the AS path peer first, origin last; empty = originated
   * here.
   */
  record Route(String prefix, List<Long> path, boolean passes, String why) {
    boolean v6() {
      return prefix.contains(":");
    }

    String staticLine() {
      StringBuilder sb = new StringBuilder("  route " + prefix + " blackhole");
      if (!path.isEmpty()) {
        sb.append(" {");
        // prepend builds the path from its end: origin first.
        for (int i = path.size() - 1; i >= 0; i--) {
          sb.append(" bgp_path.prepend(").append(path.get(i)).append(");");
        }
        sb.append(" }");
      }
      return sb.append(";\n").toString();
    }
  }

  private static Route in(String prefix, List<Long> path, boolean passes, String why) {
    return new Route(prefix, path, passes, why);
  }

  /**
   * Routes from peers. Fixture: host 1 (AS 64601) has 198.18.1.0/24 and fd00:18:1::/64; host 2 (AS
   * 64602) 198.18.2.0/24 and fd00:18:2::/64; host 3 (AS 64603) only fd00:18:3::/64; host 5 (AS
   * 64605) none.
   */
  static final List<Route> LEARNED =
      List.of(
          in("198.18.2.0/24", List.of(64602L), true, "host 2's LAN from host 2"),
          in("198.18.2.0/25", List.of(64602L), true, "a more specific of host 2's LAN from host 2"),
          in(
              "198.18.2.64/26",
              List.of(64603L, 64602L),
              true,
              "host 2's LAN relayed by host 3 (transit)"),
          in(
              "198.18.2.128/25",
              List.of(64603L),
              false,
              "host 3 hijacks a more specific of host 2's LAN"),
          in("198.18.2.192/26", List.of(64605L, 64603L), false, "the hijack relayed by host 5"),
          in("198.18.2.32/27", List.of(64605L), false, "host 5 (no LAN) hijacks host 2's LAN"),
          in("198.18.3.0/24", List.of(64603L), false, "host 3 has no IPv4 LAN"),
          in("198.18.1.0/24", List.of(64602L), false, "host 2 announces our LAN"),
          in("198.18.1.0/25", List.of(64602L, 64601L), false, "our own LAN coming back"),
          in(
              "198.18.0.0/15",
              List.of(64602L),
              false,
              "a covering prefix (the allowed list) from host 2"),
          in("198.19.0.0/16", List.of(64602L), false, "allowed, but nobody's LAN"),
          in("0.0.0.0/0", List.of(64602L), false, "a default route"),
          in("10.0.0.0/8", List.of(64602L), false, "outside the mesh"),
          in("198.18.2.16/28", List.of(64602L, 65000L), false, "origin outside the mesh"),
          in("fd00:18:2::/64", List.of(64602L), true, "host 2's IPv6 LAN"),
          in("fd00:18:3::/64", List.of(64603L), true, "host 3's IPv6 LAN"),
          in(
              "fd00:18:3:0:8000::/65",
              List.of(64602L, 64603L),
              true,
              "host 3's LAN relayed by host 2"),
          in(
              "fd00:18:3::/80",
              List.of(64602L),
              false,
              "host 2 hijacks a more specific of host 3's LAN"),
          in("fd00:18:1::/64", List.of(64603L, 64601L), false, "our own IPv6 LAN coming back"),
          in("fd00:18:5::/64", List.of(64605L), false, "host 5 has no IPv6 LAN"),
          in("fd12:3456:789a:1:2::/80", List.of(64602L), false, "the link prefix"),
          in("::/0", List.of(64602L), false, "an IPv6 default route"),
          // Issue 25: each host's mesh address P:0:1::n/128, from its own AS only.
          in("fd12:3456:789a:0:1::2/128", List.of(64602L), true, "host 2's mesh address"),
          in(
              "fd12:3456:789a:0:1::5/128",
              List.of(64602L, 64605L),
              true,
              "host 5's mesh address relayed by host 2 (host 5 has no LAN)"),
          in(
              "fd12:3456:789a:0:1::3/128",
              List.of(64602L),
              false,
              "host 2 announces host 3's mesh address"),
          in("fd12:3456:789a:0:1::/80", List.of(64602L), false, "the row of mesh addresses"),
          in("fd12:3456:789a:0:1::1/128", List.of(64602L, 64601L), false, "our mesh address back"));

  /** Routes originated on host 1 (connected or static), as the export filters see them. */
  static final List<Route> LOCAL =
      List.of(
          in("198.18.1.0/24", List.of(), true, "our LAN"),
          in("198.18.1.128/25", List.of(), true, "a subnet of our LAN"),
          in("198.18.2.0/24", List.of(), false, "host 2's LAN, routed here statically"),
          in("198.18.0.0/15", List.of(), false, "the allowed list"),
          in("0.0.0.0/0", List.of(), false, "our default route"),
          in("fd00:18:1::/64", List.of(), true, "our IPv6 LAN"),
          in("fd12:3456:789a:0:1::1/128", List.of(), true, "our mesh address (issue 25)"),
          in("fd12:3456:789a:0:1::2/128", List.of(), false, "host 2's mesh address, static here"),
          in("fd12:3456:789a:1:2::/80", List.of(), false, "a link prefix"),
          in("fdff:a9fe::/64", List.of(), false, "the veth"));

  static boolean birdPresent() {
    return Files.isExecutable(BIRD) && Files.isExecutable(BIRDC);
  }

  @Test
  @EnabledIf("birdPresent")
  void filters_acceptOnlyEachOriginsOwnPrefixes(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("filters.conf");
    Files.writeString(conf, config(dir, filterSection()));
    Path socket = dir.resolve("bird.ctl");
    ProcessCommandRunner runner = new ProcessCommandRunner();
    CommandResult parse =
        runner.execute(Command.query(BIRD.toString(), "-p", "-c", conf.toString()));
    assertThat(parse.exitCode()).as(parse.stderr()).isZero();
    Process bird =
        new ProcessBuilder(BIRD.toString(), "-f", "-c", conf.toString(), "-s", socket.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("bird.out").toFile())
            .start();
    try {
      awaitFed(runner, socket, dir);
      List<String> accepted = routes(runner, socket, "accepted4", "accepted6");
      assertThat(accepted)
          .as(wrong("imported over a mesh link", LEARNED, accepted))
          .containsExactlyElementsOf(passing(LEARNED));
      List<String> sent = routes(runner, socket, "sent4", "sent6");
      assertThat(sent)
          .as(wrong("exported from here", LOCAL, sent))
          .containsExactlyElementsOf(passing(LOCAL));
    } finally {
      bird.destroy();
      bird.waitFor();
    }
  }

  /** The rendered config from {@code define MESH_ASN} up to the first protocol: the filters. */
  static String filterSection() {
    String c =
        new TemplateRenderer(Optional.empty())
                .render(
                    Planner.plan(Fixtures.view(), Fixtures.endpoint(Path.of("/srv/h1"))),
                    Fixtures.key(1))
                .stream()
                .filter(f -> f.component() == Component.BIRD)
                .findFirst()
                .orElseThrow()
                .content();
    return c.substring(c.indexOf("define MESH_ASN"), c.indexOf("protocol device"));
  }

  private static String config(Path dir, String filters) {
    StringBuilder sb = new StringBuilder();
    sb.append("log \"").append(dir.resolve("bird.log")).append("\" all;\n");
    sb.append("router id 1.0.0.1;\n").append(filters);
    for (String v : List.of("4", "6")) {
      boolean v6 = v.equals("6");
      for (String t : List.of("learned", "accepted", "local", "sent")) {
        sb.append("ipv").append(v).append(" table ").append(t).append(v).append(";\n");
      }
      sb.append(statics("learned", v, LEARNED.stream().filter(r -> r.v6() == v6).toList()));
      sb.append(statics("local", v, LOCAL.stream().filter(r -> r.v6() == v6).toList()));
      sb.append("protocol pipe in")
          .append(v)
          .append(" { table learned")
          .append(v)
          .append("; peer table accepted")
          .append(v)
          .append("; import none; export filter mesh_v")
          .append(v)
          .append("_in; }\n");
      sb.append("protocol pipe out")
          .append(v)
          .append(" { table local")
          .append(v)
          .append("; peer table sent")
          .append(v)
          .append("; import none; export filter mesh_v")
          .append(v)
          .append("_out; }\n");
    }
    return sb.toString();
  }

  private static String statics(String table, String v, List<Route> routes) {
    StringBuilder sb =
        new StringBuilder(
            "protocol static "
                + table
                + "_v"
                + v
                + " {\n  ipv"
                + v
                + " { table "
                + table
                + v
                + "; };\n");
    routes.forEach(r -> sb.append(r.staticLine()));
    return sb.append("}\n").toString();
  }

  private static List<String> passing(List<Route> routes) {
    return routes.stream().filter(Route::passes).map(Route::prefix).sorted().toList();
  }

  private static String wrong(String what, List<Route> routes, List<String> passed) {
    StringBuilder sb = new StringBuilder(what + "; wrong:");
    routes.stream()
        .filter(r -> r.passes() != passed.contains(r.prefix()))
        .forEach(
            r ->
                sb.append("\n  ")
                    .append(r.prefix())
                    .append(" path ")
                    .append(r.path())
                    .append(r.passes() ? " rejected: " : " passed: ")
                    .append(r.why()));
    return sb.toString();
  }

  /**
   * Waits until every pipe has been offered every route of its table (then its filter has run on
   * each).
   */
  private static void awaitFed(ProcessCommandRunner runner, Path socket, Path dir)
      throws Exception {
    List<String> pending = new ArrayList<>();
    for (long end = System.nanoTime() + 10_000_000_000L;
        System.nanoTime() < end;
        Thread.sleep(100)) {
      pending.clear();
      for (String v : List.of("4", "6")) {
        boolean v6 = v.equals("6");
        check(
            runner, socket, "in" + v, LEARNED.stream().filter(r -> r.v6() == v6).count(), pending);
        check(runner, socket, "out" + v, LOCAL.stream().filter(r -> r.v6() == v6).count(), pending);
      }
      if (pending.isEmpty()) {
        return;
      }
    }
    throw new AssertionError("BIRD did not feed " + pending + "; log: " + log(dir));
  }

  private static void check(
      ProcessCommandRunner runner, Path socket, String pipe, long routes, List<String> pending) {
    CommandResult r =
        runner.execute(
            Command.query(
                BIRDC.toString(), "-s", socket.toString(), "show", "protocols", "all", pipe));
    Matcher m = EXPORT_UPDATES.matcher(r.stdout());
    if (r.exitCode() != 0 || !m.find() || Long.parseLong(m.group(1)) < routes) {
      pending.add(pipe);
    }
  }

  private static List<String> routes(ProcessCommandRunner runner, Path socket, String... tables) {
    Set<String> out = new TreeSet<>();
    for (String t : tables) {
      CommandResult r =
          runner.execute(
              Command.query(
                  BIRDC.toString(), "-s", socket.toString(), "show", "route", "table", t));
      assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
      r.stdout()
          .lines()
          .map(PREFIX::matcher)
          .filter(Matcher::find)
          .forEach(m -> out.add(m.group(1)));
    }
    return List.copyOf(out);
  }

  private static String log(Path dir) {
    try {
      return Files.exists(dir.resolve("bird.log"))
          ? Files.readString(dir.resolve("bird.log"))
          : "(none)";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
