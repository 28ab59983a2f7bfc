package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.ProcessCommandRunner;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.ShorewallIncludes;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.settings.Roots;

/**
 * Golden tests: the fixture mesh rendered with roots below {@code /srv/h1} must equal the files in
 * {@code src/test/resources/golden/}. Run with {@code -Dwgmesh.updateGolden=true} to rewrite them
 * after an intended template change (then review the diff).
 */
class TemplateRendererTest {
  static final Path ROOT = Path.of("/srv/h1");
  static final Path GOLDEN = Path.of("src/test/resources/golden");

  static List<RenderedFile> render(Optional<Path> overrides) {
    EndpointConfig s = Fixtures.endpoint(ROOT);
    return new TemplateRenderer(overrides)
        .render(Planner.plan(Fixtures.view(), s), Fixtures.key(1));
  }

  @Test
  void render_fixtureMesh_equalsGoldenFiles() throws IOException {
    boolean update = Boolean.getBoolean("wgmesh.updateGolden");
    List<RenderedFile> files = render(Optional.empty());
    assertThat(files).hasSize(3 + 1 + 6 + 6 + 2);
    for (RenderedFile f : files) {
      Path golden = GOLDEN.resolve(ROOT.relativize(f.path()));
      if (update) {
        Files.createDirectories(golden.getParent());
        Files.writeString(golden, f.content());
      }
      assertThat(f.content()).as(f.path().toString()).isEqualTo(Files.readString(golden));
    }
  }

  @Test
  void render_sshFromNet_onByDefault_offLeavesTheLanSideOnly() {
    for (String rules : List.of("shorewall/rules", "shorewall6/rules")) {
      assertThat(rulesOf(render(Optional.empty()), rules))
          .contains("SSH(ACCEPT)\tnet\t$FW")
          .contains("SSH(ACCEPT)\tloc\t$FW");
      List<RenderedFile> off =
          new TemplateRenderer(Optional.empty())
              .render(
                  Planner.plan(
                      Fixtures.view(),
                      Fixtures.endpoint(ROOT).with(b -> b.allowSshFromNet = false)),
                  Fixtures.key(1));
      assertThat(rulesOf(off, rules))
          .doesNotContain("SSH(ACCEPT)\tnet")
          .contains("SSH(ACCEPT)\tloc\t$FW");
    }
  }

  /** firewall: nftables renders wgdeploy's own table instead of any Shorewall file. */
  static List<RenderedFile> renderNftables(EndpointConfig settings, List<String> sharedLan) {
    return new TemplateRenderer(Optional.empty())
        .render(
            Planner.plan(Fixtures.view(), settings.with(b -> b.firewall = Firewall.NFTABLES)),
            Fixtures.key(1),
            sharedLan);
  }

  @Test
  void render_nftables_oneTableOfItsOwnNoShorewall() throws IOException {
    List<RenderedFile> files = renderNftables(Fixtures.endpoint(ROOT), List.of());
    assertThat(files).noneMatch(f -> f.component() == Component.SHOREWALL);
    assertThat(files).noneMatch(f -> f.component() == Component.SHOREWALL6);
    RenderedFile nft =
        files.stream().filter(f -> f.component() == Component.NFTABLES).findFirst().orElseThrow();
    assertThat(nft.path()).isEqualTo(ROOT.resolve("var/lib/wgmesh/lab/wgmesh.nft"));
    Path golden = GOLDEN.resolve("var/lib/wgmesh/lab/wgmesh.nft");
    if (Boolean.getBoolean("wgmesh.updateGolden")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, nft.content());
    }
    assertThat(nft.content()).isEqualTo(Files.readString(golden));
    String t = nft.content();
    // One transaction that replaces only wgdeploy's table: no flush of the ruleset, no other table.
    assertThat(t)
        .startsWith("# Rendered by wgdeploy")
        .contains("add table inet wgmesh\ndelete table inet wgmesh\ntable inet wgmesh {")
        .doesNotContain("flush ruleset");
    assertThat(t.lines().filter(l -> l.startsWith("table ")).toList())
        .containsExactly("table inet wgmesh {");
    assertThat(t)
        .contains(
            "meta nfproto ipv4 iifname { \"pub0\" } udp dport { 51822, 51823, 51825 } dnat ip to")
        .contains("dnat ip6 to")
        .contains("masquerade")
        .contains("policy accept;")
        .doesNotContain("policy drop")
        .doesNotContain("tcp dport 22 drop");
  }

  @Test
  void render_nftables_sshOffAndSharedLanInterfaces() {
    String t =
        renderNftables(
                Fixtures.endpoint(ROOT).with(b -> b.allowSshFromNet = false), List.of("eth2"))
            .stream()
            .filter(f -> f.component() == Component.NFTABLES)
            .findFirst()
            .orElseThrow()
            .content();
    assertThat(t)
        .contains("tcp dport 22 drop")
        .contains("iifname { \"pub0\", \"eth2\" } udp dport")
        .contains("oifname { \"pub0\", \"eth2\" } ip saddr");
  }

  static String rulesOf(List<RenderedFile> files, String suffix) {
    return files.stream()
        .filter(f -> f.path().endsWith(suffix))
        .findFirst()
        .orElseThrow()
        .content();
  }

  @Test
  void render_wireguard_secretModeOneEndpointBracketedV6() {
    List<RenderedFile> files = render(Optional.empty());
    RenderedFile wg3 =
        files.stream().filter(f -> f.path().endsWith("wg3.conf")).findFirst().orElseThrow();
    assertThat(wg3.mode()).isEqualTo(AtomicFiles.SECRET);
    assertThat(wg3.secret()).isTrue();
    assertThat(wg3.content())
        .contains("PrivateKey = " + Fixtures.key(1).toBase64())
        .contains("ListenPort = 51823")
        .contains("Endpoint = [2001:db8:ff::3]:51821")
        .doesNotContain("Address");
    assertThat(wg3.content().lines().filter(l -> l.startsWith("Endpoint"))).hasSize(1);
    assertThat(wg3.toString()).doesNotContain(Fixtures.key(1).toBase64());
    RenderedFile wg5 =
        files.stream().filter(f -> f.path().endsWith("wg5.conf")).findFirst().orElseThrow();
    assertThat(wg5.content()).doesNotContain("Endpoint");
    // The private key is in the WireGuard files only.
    assertThat(files.stream().filter(f -> f.component() != Component.WIREGUARD))
        .allSatisfy(f -> assertThat(f.content()).doesNotContain(Fixtures.key(1).toBase64()));
  }

  /** Issue 21: the BFD profile of the site, or the endpoint's override, sets the timers. */
  @Test
  void render_bfdProfile_siteFastEndpointOverrides() {
    assertThat(birdOf(Fixtures.view(), Fixtures.endpoint(ROOT)))
        .contains("min rx interval 100 ms;", "min tx interval 100 ms;", "multiplier 3;");
    MeshView fast = withSiteLinks(LinkSettings.DEFAULT.withBfd(BfdProfile.FAST));
    assertThat(birdOf(fast, Fixtures.endpoint(ROOT)))
        .contains("min rx interval 20 ms;", "min tx interval 20 ms;", "multiplier 3;")
        .doesNotContain("100 ms");
    EndpointConfig normalHere =
        Fixtures.endpoint(ROOT)
            .with(b -> b.tuning = b.tuning.withBfd(Optional.of(BfdProfile.NORMAL)));
    assertThat(birdOf(fast, normalHere)).contains("min rx interval 100 ms;");
  }

  /** Issue 20: the keepalive of the site or the endpoint; 0 leaves PersistentKeepalive out. */
  @Test
  void render_keepalive_siteValueEndpointOverrideZeroOff() {
    assertThat(wgOf(Fixtures.view(), Fixtures.endpoint(ROOT), "wg2.conf"))
        .contains("PersistentKeepalive = 25");
    MeshView k40 = withSiteLinks(LinkSettings.DEFAULT.withKeepalive(40));
    assertThat(wgOf(k40, Fixtures.endpoint(ROOT), "wg2.conf")).contains("PersistentKeepalive = 40");
    EndpointConfig off =
        Fixtures.endpoint(ROOT)
            .with(b -> b.tuning = b.tuning.withKeepalive(java.util.OptionalInt.of(0)));
    assertThat(wgOf(k40, off, "wg2.conf")).doesNotContain("PersistentKeepalive");
  }

  static MeshView withSiteLinks(LinkSettings l) {
    MeshView v = Fixtures.view();
    return new MeshView(
        v.settings().withLinks(l),
        v.serial(),
        v.issued(),
        v.expires(),
        v.siteSigningKey(),
        v.siteBoxKey(),
        v.self(),
        v.peers());
  }

  static String birdOf(MeshView v, EndpointConfig c) {
    return new TemplateRenderer(Optional.empty())
        .render(Planner.plan(v, c), Fixtures.key(1)).stream()
            .filter(f -> f.component() == Component.BIRD)
            .findFirst()
            .orElseThrow()
            .content();
  }

  static String wgOf(MeshView v, EndpointConfig c, String name) {
    return new TemplateRenderer(Optional.empty())
        .render(Planner.plan(v, c), Fixtures.key(1)).stream()
            .filter(f -> f.path().endsWith(name))
            .findFirst()
            .orElseThrow()
            .content();
  }

  @Test
  void render_bird_oneSessionPerLinkWithBfdAndFilters() {
    String bird =
        render(Optional.empty()).stream()
            .filter(f -> f.component() == Component.BIRD)
            .findFirst()
            .orElseThrow()
            .content();
    assertThat(bird)
        .contains(
            "router id 1.0.0.1;",
            "define MESH_ASN = 64601;",
            "bfd on;",
            "neighbor fd12:3456:789a:1:2::2 as 64602;",
            "source address fd12:3456:789a:1:5::1;",
            "neighbor fd12:3456:789a:1:5::2 as 64605;",
            "64602: return net ~ [ 198.18.2.0/24+ ]; # host2",
            "64603: return false; # host3",
            "64603: return net ~ [ fd12:3456:789a:0:1::3/128 ] || net ~ [ fd00:18:3::/64+ ];"
                + " # host3",
            "64605: return false; # host5",
            "return net ~ [ 198.18.1.0/24+ ];",
            "return net ~ [ fd12:3456:789a:0:1::1/128 ] || net ~ [ fd00:18:1::/64+ ];",
            // The mesh address (issue 25): announced from lo, accepted from its origin only.
            "protocol direct mesh_address {",
            "ipv6 { import where net ~ [ fd12:3456:789a:0:1::1/128 ]; };",
            "import filter mesh_v4_in;",
            "export filter mesh_v6_out;",
            "interface \"lan0\";",
            "include \"/srv/h1/etc/bird/wgmesh-lab.d/*.conf\";");
    assertThat(bird.split("protocol bgp wg", -1)).hasSize(4);
  }

  @Test
  void render_overrideFile_replacesOnlyThatTemplate(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("shorewall"));
    Files.writeString(dir.resolve("shorewall/rules.ftl"), "# custom for ${namespace}\n");
    List<RenderedFile> files = render(Optional.of(dir));
    assertThat(
            files.stream()
                .filter(f -> f.path().endsWith("shorewall/rules"))
                .findFirst()
                .orElseThrow()
                .content())
        .isEqualTo("# custom for lab\n");
    assertThat(
            files.stream()
                .filter(f -> f.path().endsWith("shorewall/zones"))
                .findFirst()
                .orElseThrow()
                .content())
        .contains("loc\tipv4");
  }

  @Test
  void render_overrideWithUnknownVariable_isErrorNamingTemplateLineAndVariable(@TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("bird"));
    Files.writeString(
        dir.resolve("bird/bird.conf.ftl"), "router id ${self.routerId};\n# ${self.nosuch}\n");
    assertThatThrownBy(() -> render(Optional.of(dir)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bird/bird.conf.ftl")
        .hasMessageContaining("line 2")
        .hasMessageContaining("self.nosuch");
  }

  @Test
  void render_missingOverrideDirectory_isConfigError(@TempDir Path dir) {
    assertThatThrownBy(() -> render(Optional.of(dir.resolve("nope"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("override");
  }

  static boolean toolsPresent() {
    return Files.isExecutable(Path.of("/usr/sbin/bird"))
        && Files.isExecutable(Path.of("/usr/sbin/shorewall"))
        && "root".equals(System.getProperty("user.name"));
  }

  /** The golden BIRD config passes {@code bird -p -c} (its include directory must exist). */
  @Test
  @EnabledIf("toolsPresent")
  void golden_bird_passesBirdParse(@TempDir Path dir) throws IOException {
    List<RenderedFile> files = renderInto(dir);
    Files.createDirectories(Roots.under(dir).bird().resolve("wgmesh-lab.d"));
    Path conf =
        files.stream()
            .filter(f -> f.component() == Component.BIRD)
            .findFirst()
            .orElseThrow()
            .path();
    CommandResult r =
        new ProcessCommandRunner().execute(Command.query("bird", "-p", "-c", conf.toString()));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
  }

  /**
   * Hosts without LAN prefixes of a family (here: this host without any, peers with IPv4 only, IPv6
   * only, none) and a host without peers still give a config {@code bird -p -c} accepts: BIRD
   * refuses empty prefix sets, so those render {@code false}.
   */
  @Test
  @EnabledIf("toolsPresent")
  void bird_hostsWithoutPrefixesOfAFamily_passBirdParse(@TempDir Path dir) throws IOException {
    MeshView f = Fixtures.view();
    MeshView partial =
        new MeshView(
            f.settings(),
            f.serial(),
            f.issued(),
            f.expires(),
            f.siteSigningKey(),
            f.siteBoxKey(),
            Fixtures.withLans(f.self()),
            List.of(
                Fixtures.withLans(Fixtures.host(2), "198.18.2.0/24", "198.18.20.0/24"),
                Fixtures.withLans(Fixtures.host(3), "fd00:18:3::/64"),
                Fixtures.withLans(Fixtures.host(4))));
    MeshView alone =
        new MeshView(
            f.settings(),
            f.serial(),
            f.issued(),
            f.expires(),
            f.siteSigningKey(),
            f.siteBoxKey(),
            f.self(),
            List.of());
    for (MeshView v : List.of(partial, alone)) {
      Path root = Files.createTempDirectory(dir, "h");
      RenderedFile conf =
          new TemplateRenderer(Optional.empty())
              .render(Planner.plan(v, Fixtures.endpoint(root)), Fixtures.key(1)).stream()
                  .filter(r -> r.component() == Component.BIRD)
                  .findFirst()
                  .orElseThrow();
      Files.createDirectories(conf.path().getParent());
      Files.writeString(conf.path(), conf.content());
      Files.createDirectories(Roots.under(root).bird().resolve("wgmesh-lab.d"));
      CommandResult r =
          new ProcessCommandRunner()
              .execute(Command.query("bird", "-p", "-c", conf.path().toString()));
      assertThat(r.exitCode()).as(conf.content() + r.stderr()).isZero();
    }
  }

  /**
   * The golden Shorewall and Shorewall6 configs pass {@code shorewall check}, with the include
   * files as a deploy creates them and with the operator's own zone, interface, policy, rules (in
   * sections ending in NEW) and snat in them.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  @EnabledIf("toolsPresent")
  void golden_shorewall_passesShorewallCheck(boolean operatorRules, @TempDir Path dir)
      throws IOException {
    renderInto(dir);
    Roots roots = Roots.under(dir);
    Map<String, ShorewallIncludes.OnDisk> own = new java.util.HashMap<>();
    if (operatorRules) {
      own.put("zones", onDisk("dmz\tipv4\n"));
      own.put("interfaces", onDisk("dmz\tdummy7\ttcpflags\n"));
      own.put("policy", onDisk("dmz\tnet\tACCEPT\n"));
      own.put(
          "rules",
          onDisk(
              "?SECTION ALL\n?SECTION ESTABLISHED\n?SECTION RELATED\n?SECTION INVALID\n"
                  + "?SECTION UNTRACKED\n?SECTION NEW\nACCEPT\tnet\t$FW\ttcp\t8080\n"));
      own.put("snat", onDisk("MASQUERADE\t192.0.2.128/25\tpub0\n"));
    }
    for (Path d : List.of(roots.shorewall(), roots.shorewall6())) {
      for (RenderedFile f :
          ShorewallIncludes.files(
              d,
              d.getFileName().toString(),
              Component.SHOREWALL,
              Map.of(),
              d.equals(roots.shorewall()) ? own : Map.of())) {
        Files.writeString(f.path(), f.content());
      }
    }
    for (var c :
        List.of(
            List.of("shorewall", roots.shorewall()), List.of("shorewall6", roots.shorewall6()))) {
      CommandResult r =
          new ProcessCommandRunner()
              .execute(Command.query((String) c.get(0), "check", c.get(1).toString()));
      assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
      assertThat(r.stdout()).contains("configuration verified");
    }
  }

  private static ShorewallIncludes.OnDisk onDisk(String text) {
    return new ShorewallIncludes.OnDisk(text, AtomicFiles.PUBLIC);
  }

  private static List<RenderedFile> renderInto(Path dir) throws IOException {
    List<RenderedFile> files =
        new TemplateRenderer(Optional.empty())
            .render(Planner.plan(Fixtures.view(), Fixtures.endpoint(dir)), Fixtures.key(1));
    for (RenderedFile f : files) {
      Files.createDirectories(f.path().getParent());
      Files.write(f.path(), f.content().getBytes(StandardCharsets.UTF_8));
    }
    return files;
  }
}
