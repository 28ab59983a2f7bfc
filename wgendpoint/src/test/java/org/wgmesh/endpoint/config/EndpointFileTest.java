package org.wgmesh.endpoint.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.EndpointTuning;
import org.wgmesh.endpoint.settings.ExistingFirewall;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.settings.InterfaceName;
import org.wgmesh.endpoint.settings.NamespaceName;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

class EndpointFileTest {
  @TempDir Path dir;

  @Test
  void load_fileOverTheSizeLimit_isRefusedUnreadWithExit3() throws Exception {
    Path file = dir.resolve("mesh.example.com.yaml");
    org.wgmesh.core.testing.SparseFiles.of(file, EndpointFile.MAX_BYTES + 1);
    assertThatThrownBy(() -> EndpointFile.load(file, DomainName.parse("mesh.example.com", "d")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG);
              assertThat(e.getMessage())
                  .isEqualTo(
                      file
                          + ": the file is 1.0 MiB, over the endpoint-file size limit of 1 MiB"
                          + " (1048576 bytes)");
            });
  }

  final SiteKeys site = SiteKeys.generate();

  EndpointConfig sample() {
    EndpointConfig.Builder b = EndpointConfig.builder();
    b.domain = DomainName.parse("Mesh.Example.Test.", "t");
    b.siteSigningKey = site.signing().publicKey();
    b.siteBoxKey = site.box().publicKey();
    b.locus = "lab";
    b.uuid = UUID.fromString("00000000-0000-0007-0000-000000000001");
    b.hostname = Optional.of("r1");
    b.publicInterface = Optional.of(InterfaceName.parse("eth0", "t"));
    b.publicAddresses =
        List.of(IpAddress.parse("203.0.113.1", "t"), IpAddress.parse("2001:db8::1", "t"));
    b.trustInterface = Optional.of(InterfaceName.parse("eth1", "t"));
    b.trustAddresses =
        List.of(
            IpPrefix.parseInterface("198.18.1.1/24", "t"),
            IpPrefix.parseInterface("fd00:1::1/64", "t"));
    b.hostKey = EndpointPaths.defaultHostKey(dir, DomainName.parse("mesh.example.test", "t"));
    b.resolver = Optional.of("127.0.0.1:5353");
    b.backend = WireGuardBackendChoice.USERSPACE;
    b.roots = Roots.under(dir.resolve("root"));
    b.templateDir = Optional.of(dir.resolve("templates"));
    b.allowSshFromNet = false;
    return b.build();
  }

  Path write(String yaml) throws Exception {
    Path f = EndpointPaths.path(dir, DomainName.parse("mesh.example.test", "t"));
    Files.writeString(f, yaml);
    return f;
  }

  String valid() {
    return EndpointFile.render(sample(), dir);
  }

  @Test
  void saveAndLoad_roundTripsEverySetting() {
    EndpointConfig c = sample();
    Path f = EndpointPaths.path(dir, c.domain());
    assertThat(EndpointFile.save(c, f)).isTrue();
    assertThat(EndpointFile.load(f, DomainName.parse("mesh.example.test", "t"))).isEqualTo(c);
    assertThat(EndpointFile.save(c, f)).as("identical content is not rewritten").isFalse();
    assertThat(c.domain()).hasToString("mesh.example.test");
  }

  @Test
  void render_omitsDefaultsAndIsReadable() {
    String text = valid();
    assertThat(text)
        .startsWith("# wgmesh endpoint configuration")
        .contains("fingerprint: " + site.fingerprint())
        .contains("- 198.18.1.1/24")
        .doesNotContain("host-key")
        .doesNotContain("lan-prefixes")
        .doesNotContain("netns");
  }

  @Test
  void effectiveValues_defaultToLocusAndTrustNetworks() {
    EndpointConfig c = sample();
    assertThat(c.effectiveNetns().name()).isEqualTo("lab");
    assertThat(c.effectiveLanPrefixes())
        .containsExactly(IpPrefix.parse("198.18.1.0/24", "t"), IpPrefix.parse("fd00:1::/64", "t"));
    EndpointConfig set =
        c.with(
            b -> {
              b.netns = Optional.of(NamespaceName.parse("mesh0", "t"));
              b.lanPrefixes = List.of(IpPrefix.parse("198.19.0.0/16", "t"));
            });
    assertThat(set.effectiveNetns().name()).isEqualTo("mesh0");
    assertThat(set.effectiveLanPrefixes()).containsExactly(IpPrefix.parse("198.19.0.0/16", "t"));
  }

  @Test
  void load_unknownKey_namesKeyAndLine() throws Exception {
    Path f = write(valid() + "colour: blue\n");
    int line = (int) valid().lines().count() + 1;
    assertThatThrownBy(() -> EndpointFile.load(f, DomainName.parse("mesh.example.test", "t")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG);
              assertThat(e.what()).isEqualTo(f.toString());
              assertThat(e.why())
                  .contains("'colour'")
                  .contains("line " + line)
                  .contains("unknown key");
            });
  }

  @Test
  void load_badValues_nameKeyAndLine() throws Exception {
    Map<String, String> cases =
        Map.of(
            "public-interface: eth0",
            "public-interface: this-name-is-far-too-long",
            "- 198.18.1.1/24",
            "- 198.18.1.1",
            "- 203.0.113.1",
            "- gateway.example.com",
            "backend: userspace",
            "backend: quantum",
            "resolver: 127.0.0.1:5353",
            "resolver: resolver.example.com",
            "trust-interface: eth1",
            "trust-interface: eth0",
            "allow-ssh-from-net: false",
            "allow-ssh-from-net: no",
            "template-dir: " + dir.resolve("templates"),
            "template-dir: [a, b]");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      String text = valid();
      assertThat(text).contains(c.getKey());
      Path f = write(text.replace(c.getKey(), c.getValue()));
      int line = lineOf(text, c.getKey());
      assertThatThrownBy(() -> EndpointFile.loadAnyDomain(f))
          .as(c.getValue())
          .isInstanceOfSatisfying(
              ConfigException.class, e -> assertThat(e.why()).contains("at line " + line));
    }
  }

  @Test
  void load_firewallSettings_roundTripAndABadValueNamesKeyAndLine() throws Exception {
    EndpointConfig c =
        sample()
            .with(
                b -> {
                  b.firewall = Firewall.NFTABLES;
                  b.existingFirewall = ExistingFirewall.MERGE;
                });
    Path f = EndpointPaths.path(dir, c.domain());
    EndpointFile.save(c, f);
    String text = Files.readString(f);
    assertThat(text).contains("firewall: nftables").contains("existing-firewall: merge");
    assertThat(EndpointFile.loadAnyDomain(f)).isEqualTo(c);
    assertThat(valid())
        .as("the default is written out, so the file says which firewall runs")
        .contains("firewall: shorewall")
        .doesNotContain("existing-firewall");
    for (String[] bad :
        new String[][] {
          {"firewall: nftables", "firewall: iptables", "shorewall, nftables"},
          {"existing-firewall: merge", "existing-firewall: overwrite", "refuse, merge"}
        }) {
      write(text.replace(bad[0], bad[1]));
      int line = lineOf(text, bad[0]);
      assertThatThrownBy(() -> EndpointFile.loadAnyDomain(f))
          .as(bad[1])
          .isInstanceOfSatisfying(
              ConfigException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG);
                assertThat(e.what()).isEqualTo(f.toString());
                assertThat(e.why())
                    .contains("'" + bad[1].split(": ")[0] + "'")
                    .contains("at line " + line)
                    .contains("is not one of " + bad[2]);
              });
    }
  }

  static int lineOf(String text, String needle) {
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(needle)) {
        return i + 1;
      }
    }
    throw new AssertionError(needle);
  }

  @Test
  void load_fingerprintNotMatchingTheKey_isRefused() throws Exception {
    String other = SiteKeys.generate().fingerprint();
    Path f = write(valid().replace(site.fingerprint(), other));
    assertThatThrownBy(() -> EndpointFile.loadAnyDomain(f))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.why()).contains("site.fingerprint").contains("does not match");
              assertThat(e.hint()).get().asString().contains("--site-fingerprint");
            });
  }

  @Test
  void load_fileForAnotherDomain_isRefused() throws Exception {
    Path f = write(valid());
    assertThatThrownBy(() -> EndpointFile.load(f, DomainName.parse("other.example.test", "t")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not 'other.example.test'");
  }

  @Test
  void load_missingFile_hintsAtWgconfig() {
    assertThatThrownBy(
            () ->
                EndpointFile.load(
                    EndpointPaths.path(dir, DomainName.parse("x.test", "t")),
                    DomainName.parse("x.test", "t")))
        .isInstanceOfSatisfying(
            FileException.class, e -> assertThat(e.hint()).get().asString().contains("wgconfig"));
  }

  @Test
  void load_rootsPrefixAndRelativeHostKey_areResolved() throws Exception {
    Path f =
        write(
            valid()
                .replaceAll(
                    "(?s)roots:.*",
                    "roots:\n  prefix: /srv/h1\n  state: /tmp/state\nhost-key: keys/h1.key\n"));
    EndpointConfig c = EndpointFile.loadAnyDomain(f);
    assertThat(c.roots().bird()).isEqualTo(Path.of("/srv/h1/etc/bird"));
    assertThat(c.roots().state()).isEqualTo(Path.of("/tmp/state"));
    assertThat(c.hostKey()).isEqualTo(dir.resolve("keys/h1.key"));
  }

  @Test
  void load_templateDirRelativeToTheConfigDir_andSshFromNetByDefault() throws Exception {
    String text = valid();
    assertThat(text)
        .contains("template-dir: " + dir.resolve("templates") + "\n")
        .contains("allow-ssh-from-net: false\n");
    Path f =
        write(
            text.replace(
                    "template-dir: " + dir.resolve("templates"), "template-dir: site/templates")
                .replace("allow-ssh-from-net: false\n", ""));
    EndpointConfig c = EndpointFile.loadAnyDomain(f);
    assertThat(c.templateDir()).contains(dir.resolve("site/templates"));
    assertThat(c.allowSshFromNet()).isTrue();
    // Written back absolute, like host-key; the default true is written too, so it can be seen.
    assertThat(EndpointFile.render(c, dir))
        .contains("template-dir: " + dir.resolve("site/templates"))
        .contains("allow-ssh-from-net: true");
  }

  @Test
  void configDir_optionThenEnvironmentThenDefault() {
    assertThat(
            EndpointPaths.configDir(Optional.of(Path.of("/a")), Map.of("WGMESH_CONFIG_DIR", "/b")))
        .isEqualTo(Path.of("/a"));
    assertThat(EndpointPaths.configDir(Optional.empty(), Map.of("WGMESH_CONFIG_DIR", "/b")))
        .isEqualTo(Path.of("/b"));
    assertThat(EndpointPaths.configDir(Optional.empty(), Map.of()))
        .isEqualTo(Path.of("/etc/wgmesh"));
  }

  @Test
  void save_isWorldReadableButNotWritable() throws Exception {
    Path f = EndpointPaths.path(dir, DomainName.parse("mesh.example.test", "t"));
    EndpointFile.save(sample(), f);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-r--r--");
  }

  /**
   * Issues 20 and 21: the tuning keys round-trip, are written only when set, and bad values name
   * key and line.
   */
  @Test
  void tuning_roundTripsOnlyWhenSet_andBadValuesNameKeyAndLine() throws Exception {
    assertThat(valid())
        .doesNotContain("mtu")
        .doesNotContain("keepalive")
        .doesNotContain("bfd")
        .doesNotContain("router-on-mesh");
    EndpointConfig tuned =
        sample()
            .with(
                b ->
                    b.tuning =
                        new EndpointTuning(
                            java.util.OptionalInt.of(1380),
                            java.util.OptionalInt.of(0),
                            Optional.of(BfdProfile.FAST),
                            false));
    Path f = EndpointPaths.path(dir, tuned.domain());
    EndpointFile.save(tuned, f);
    assertThat(Files.readString(f))
        .contains("mtu: 1380\nkeepalive: 0\nbfd: fast\nrouter-on-mesh: false\n");
    assertThat(EndpointFile.loadAnyDomain(f)).isEqualTo(tuned);
    String text = valid() + "mtu: 1380\nkeepalive: 15\nbfd: fast\nrouter-on-mesh: true\n";
    Map<String, String> cases =
        Map.of(
            "mtu: 1380", "mtu: 576",
            "keepalive: 15", "keepalive: 9999",
            "bfd: fast", "bfd: turbo",
            "router-on-mesh: true", "router-on-mesh: yes");
    Map<String, String> why =
        Map.of(
            "mtu: 576", "576 is out of range 1280..9000",
            "keepalive: 9999", "9999 is out of range 0..3600",
            "bfd: turbo", "'turbo' is not one of normal, fast",
            "router-on-mesh: yes", "'yes' is not true or false");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path bad = write(text.replace(c.getKey(), c.getValue()));
      int line = lineOf(text, c.getKey());
      String key = c.getKey().substring(0, c.getKey().indexOf(':'));
      assertThatThrownBy(() -> EndpointFile.loadAnyDomain(bad))
          .as(c.getValue())
          .isInstanceOfSatisfying(
              ConfigException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIG);
                assertThat(e.what()).isEqualTo(bad.toString());
                assertThat(e.why())
                    .contains("'" + key + "'")
                    .contains("at line " + line)
                    .contains(why.get(c.getValue()));
              });
    }
  }
}
