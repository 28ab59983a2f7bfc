package org.wgmesh.endpoint.deploy;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.ProcessCommandRunner;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.model.Topology;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.ShorewallIncludes;
import org.wgmesh.endpoint.deploy.render.TemplateRenderer;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.settings.Roots;

/**
 * Golden tests of clients (issue 25): host 1 of {@link Fixtures#clientView()} rendered with roots
 * below {@code /srv/h1} must equal the files in {@code src/test/resources/golden-clients/}: the
 * client interfaces' WireGuard configs, BIRD (static routes, origin filters, prepending) and both
 * firewalls (the client ports). {@code -Dwgmesh.updateGolden=true} rewrites them.
 */
class ClientRenderTest {
  static final Path ROOT = Path.of("/srv/h1");
  static final Path GOLDEN = Path.of("src/test/resources/golden-clients");

  private static List<RenderedFile> render(MeshView view, EndpointConfig c) {
    return new TemplateRenderer(Optional.empty()).render(Planner.plan(view, c), Fixtures.key(1));
  }

  @Test
  void render_clients_equalsGoldenFiles() throws IOException {
    List<RenderedFile> files = render(Fixtures.clientView(), Fixtures.endpoint(ROOT));
    List<RenderedFile> nft =
        render(
            Fixtures.clientView(),
            Fixtures.endpoint(ROOT).with(b -> b.firewall = Firewall.NFTABLES));
    assertThat(files).hasSize(3 + 2 + 1 + 6 + 6 + 2);
    List<String> checked =
        List.of(
            "etc/wireguard/lab/wgc1.conf",
            "etc/wireguard/lab/wgc2.conf",
            "etc/bird/wgmesh-lab.conf",
            "etc/shorewall/rules",
            "etc/shorewall6/rules",
            "var/lib/wgmesh/lab/wgmesh.nft");
    for (String name : checked) {
      RenderedFile f =
          (name.endsWith(".nft") ? nft : files)
              .stream().filter(r -> r.path().equals(ROOT.resolve(name))).findFirst().orElseThrow();
      Path golden = GOLDEN.resolve(name);
      if (Boolean.getBoolean("wgmesh.updateGolden")) {
        Files.createDirectories(golden.getParent());
        Files.writeString(golden, f.content());
      }
      assertThat(f.content()).as(name).isEqualTo(Files.readString(golden));
    }
  }

  @Test
  void clientConfig_secretMode_noEndpoint_exactAllowedIps() {
    RenderedFile f =
        render(Fixtures.clientView(), Fixtures.endpoint(ROOT)).stream()
            .filter(r -> r.path().endsWith("wgc1.conf"))
            .findFirst()
            .orElseThrow();
    assertThat(f.mode()).isEqualTo(AtomicFiles.SECRET);
    assertThat(f.secret()).isTrue();
    assertThat(f.component()).isEqualTo(Component.WIREGUARD);
    assertThat(f.content())
        .contains("ListenPort = 61001")
        .contains("PublicKey = " + Fixtures.key(101).publicKey().toBase64())
        .contains("AllowedIPs = 198.51.100.1/32, fd12:3456:789a:2::1/128")
        .contains("PersistentKeepalive = 25")
        .doesNotContain("Endpoint =");
  }

  @Test
  void keepaliveZero_leavesItOut() {
    ClientEntry anna = Fixtures.clients().get(0);
    ClientEntry quiet =
        new ClientEntry(
            anna.name(), 1, anna.publicKey(), anna.addresses(), anna.attachedTo(), anna.port(), 0);
    String conf =
        render(Fixtures.withClients(Fixtures.view(), List.of(quiet)), Fixtures.endpoint(ROOT))
            .stream()
            .filter(r -> r.path().endsWith("wgc1.conf"))
            .findFirst()
            .orElseThrow()
            .content();
    assertThat(conf).doesNotContain("PersistentKeepalive");
  }

  @Test
  void meshWithoutClients_bird_rendersAsBefore() {
    String bird =
        render(Fixtures.view(), Fixtures.endpoint(ROOT)).stream()
            .filter(r -> r.component() == Component.BIRD)
            .findFirst()
            .orElseThrow()
            .content();
    assertThat(bird).doesNotContain("client").doesNotContain("prepend");
  }

  /**
   * The rendered BIRD config with clients passes {@code bird -p -c}, on a host with and without.
   */
  @Test
  @EnabledIf("org.wgmesh.endpoint.deploy.TemplateRendererTest#toolsPresent")
  void bird_withClients_passesBirdParse(@TempDir Path dir) throws IOException {
    MeshView onlyOthers = Fixtures.withClients(Fixtures.view(), List.of(Fixtures.clients().get(2)));
    // A hub of a hub-and-spoke mesh (hosts 1 and 2 are hubs): the spokes' import filters, where
    // carol's address (attached to spoke 3) is accepted by its AS alone.
    MeshView f = Fixtures.clientView();
    MeshSettings m = f.settings();
    MeshView hub =
        Fixtures.withClients(
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
                f.peers()),
            f.clients());
    String hubBird =
        render(hub, Fixtures.endpoint(ROOT)).stream()
            .filter(r -> r.component() == Component.BIRD)
            .findFirst()
            .orElseThrow()
            .content();
    assertThat(hubBird)
        .contains(
            "if net.len > 0 && bgp_path.first = bgp_path.last && mesh_client_v4() then accept;");
    for (MeshView v : List.of(Fixtures.clientView(), onlyOthers, hub)) {
      Path root = Files.createTempDirectory(dir, "h");
      RenderedFile conf =
          render(v, Fixtures.endpoint(root)).stream()
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

  /** The Shorewall and Shorewall6 configs with the client ports pass {@code shorewall check}. */
  @Test
  @EnabledIf("org.wgmesh.endpoint.deploy.TemplateRendererTest#toolsPresent")
  void shorewall_withClientPorts_passesShorewallCheck(@TempDir Path dir) throws IOException {
    for (RenderedFile f : render(Fixtures.clientView(), Fixtures.endpoint(dir))) {
      Files.createDirectories(f.path().getParent());
      Files.write(f.path(), f.content().getBytes(StandardCharsets.UTF_8));
    }
    Roots roots = Roots.under(dir);
    for (Path d : List.of(roots.shorewall(), roots.shorewall6())) {
      for (RenderedFile f :
          ShorewallIncludes.files(
              d, d.getFileName().toString(), Component.SHOREWALL, Map.of(), Map.of())) {
        Files.writeString(f.path(), f.content());
      }
    }
    for (List<Object> c :
        List.<List<Object>>of(
            List.of("shorewall", roots.shorewall()), List.of("shorewall6", roots.shorewall6()))) {
      CommandResult r =
          new ProcessCommandRunner()
              .execute(Command.query((String) c.get(0), "check", c.get(1).toString()));
      assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    }
  }
}
