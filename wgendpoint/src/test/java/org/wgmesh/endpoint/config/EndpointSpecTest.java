package org.wgmesh.endpoint.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.BfdProfile;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.yaml.YamlDocuments;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.ExistingFirewall;
import org.wgmesh.endpoint.settings.Firewall;
import org.wgmesh.endpoint.settings.InterfaceName;
import org.wgmesh.endpoint.settings.NamespaceName;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * Every setting of {@link EndpointSpec} survives read -> write -> read: a setting the spec reads
 * but does not write (or writes in a form it does not read back) fails here, and so does a setting
 * added to the spec without a sample below.
 */
class EndpointSpecTest {
  static final Path DIR = Path.of("/etc/wgmesh");
  static final DomainName DOMAIN = DomainName.parse("mesh.example.test", "t");
  static final SiteKeys SITE = SiteKeys.generate();
  static final SiteKeys OTHER_SITE = SiteKeys.generate();

  /** The smallest config: only what is required, every optional setting at its default. */
  static EndpointConfig minimal() {
    EndpointConfig.Builder b = EndpointConfig.builder();
    b.domain = DOMAIN;
    b.siteSigningKey = SITE.signing().publicKey();
    b.siteBoxKey = SITE.box().publicKey();
    b.locus = "lab";
    b.uuid = UUID.fromString("00000000-0000-0007-0000-000000000001");
    b.hostKey = EndpointPaths.defaultHostKey(DIR, DOMAIN);
    return b.build();
  }

  /** For each key of the file, a change to a value other than the minimal config's. */
  static Map<String, Consumer<EndpointConfig.Builder>> samples() {
    Map<String, Consumer<EndpointConfig.Builder>> s = new LinkedHashMap<>();
    s.put("domain", b -> b.domain = DomainName.parse("other.example.test", "t"));
    s.put(
        "site",
        b -> {
          b.siteSigningKey = OTHER_SITE.signing().publicKey();
          b.siteBoxKey = OTHER_SITE.box().publicKey();
        });
    s.put("locus", b -> b.locus = "dc2");
    s.put("uuid", b -> b.uuid = UUID.fromString("00000000-0000-0007-0000-000000000002"));
    s.put("hostname", b -> b.hostname = Optional.of("r1"));
    s.put("netns", b -> b.netns = Optional.of(NamespaceName.parse("mesh0", "t")));
    s.put(
        "public-interface", b -> b.publicInterface = Optional.of(InterfaceName.parse("eth0", "t")));
    s.put(
        "public-addresses",
        b ->
            b.publicAddresses =
                List.of(IpAddress.parse("203.0.113.1", "t"), IpAddress.parse("2001:db8::1", "t")));
    s.put("trust-interface", b -> b.trustInterface = Optional.of(InterfaceName.parse("eth1", "t")));
    s.put(
        "trust-addresses",
        b -> b.trustAddresses = List.of(IpPrefix.parseInterface("198.18.1.1/24", "t")));
    s.put("lan-prefixes", b -> b.lanPrefixes = List.of(IpPrefix.parse("198.18.0.0/16", "t")));
    s.put("host-key", b -> b.hostKey = Path.of("/srv/keys/h1.key"));
    s.put("resolver", b -> b.resolver = Optional.of("[2001:db8::53]:5353"));
    s.put("zone-file", b -> b.zoneFile = Optional.of(Path.of("/srv/mesh.zone")));
    s.put("backend", b -> b.backend = WireGuardBackendChoice.USERSPACE);
    s.put("supervisor", b -> b.supervisor = Supervisor.SYSTEMD);
    s.put("roots", b -> b.roots = Roots.under(Path.of("/srv/h1")));
    s.put("template-dir", b -> b.templateDir = Optional.of(Path.of("/srv/templates")));
    s.put("allow-ssh-from-net", b -> b.allowSshFromNet = false);
    s.put("firewall", b -> b.firewall = Firewall.NFTABLES);
    s.put("existing-firewall", b -> b.existingFirewall = ExistingFirewall.MERGE);
    s.put("mtu", b -> b.tuning = b.tuning.withMtu(OptionalInt.of(1380)));
    s.put("keepalive", b -> b.tuning = b.tuning.withKeepalive(OptionalInt.of(0)));
    s.put("bfd", b -> b.tuning = b.tuning.withBfd(Optional.of(BfdProfile.FAST)));
    s.put("router-on-mesh", b -> b.tuning = b.tuning.withRouterOnMesh(false));
    s.put("report-url", b -> b.reportUrl = Optional.of("https://192.0.2.10:8443"));
    s.put("report-ca", b -> b.reportCa = Optional.of(Path.of("/etc/wgmesh/site-ca.pem")));
    // The certificate and its key go together.
    Consumer<EndpointConfig.Builder> device =
        b -> {
          b.reportCert = Optional.of(Path.of("/etc/wgmesh/device.pem"));
          b.reportKey = Optional.of(Path.of("/etc/wgmesh/device.key"));
        };
    s.put("report-cert", device);
    s.put("report-key", device);
    s.put(
        "report-credential",
        b -> b.reportCredential = Optional.of(Path.of("/etc/wgmesh/mesh.report")));
    return s;
  }

  static EndpointConfig readBack(EndpointConfig c) {
    return EndpointFile.parse(
        YamlDocuments.parse(EndpointFile.render(c, DIR), "round trip"),
        DIR,
        Optional.of(c.domain()));
  }

  @Test
  void samples_coverEveryKeyButTheConstantVersion() {
    assertThat(samples().keySet())
        .containsExactlyInAnyOrderElementsOf(
            EndpointSpec.SPEC.keys().stream().filter(k -> !k.equals("version")).toList());
  }

  @Test
  void eachSetting_readWrittenRead_isTheSameValue() {
    EndpointConfig base = minimal();
    assertThat(readBack(base)).isEqualTo(base);
    for (Map.Entry<String, Consumer<EndpointConfig.Builder>> s : samples().entrySet()) {
      // zone-file and resolver exclude each other; the sample sets the zone file alone.
      EndpointConfig changed = base.with(s.getValue());
      assertThat(changed).as(s.getKey() + ": the sample changes something").isNotEqualTo(base);
      assertThat(EndpointFile.toMap(changed, DIR)).as(s.getKey()).containsKey(s.getKey());
      assertThat(readBack(changed)).as(s.getKey()).isEqualTo(changed);
    }
  }

  @Test
  void everySettingSet_isWrittenInSpecOrder_andReadBack() {
    EndpointConfig all =
        minimal()
            .with(
                b ->
                    samples().entrySet().stream()
                        .filter(e -> !e.getKey().equals("resolver"))
                        .forEach(e -> e.getValue().accept(b)));
    assertThat(EndpointFile.toMap(all, DIR).keySet())
        .containsExactlyElementsOf(
            EndpointSpec.SPEC.keys().stream().filter(k -> !k.equals("resolver")).toList());
    assertThat(readBack(all)).isEqualTo(all);
  }

  @Test
  void minimal_writesOnlyTheSettingsAlwaysWritten() {
    assertThat(EndpointFile.toMap(minimal(), DIR).keySet())
        .containsExactly(
            "version",
            "domain",
            "site",
            "locus",
            "uuid",
            "public-addresses",
            "trust-addresses",
            "backend",
            "supervisor",
            "allow-ssh-from-net",
            "firewall");
  }

  /** A scalar key given a list is named once, not with its place repeated. */
  @Test
  void scalarGivenAList_namesKeyAndLineOnce() {
    String text = EndpointFile.render(minimal(), DIR) + "template-dir: [a, b]\n";
    int line = (int) text.lines().count();
    assertThatThrownBy(
            () -> EndpointFile.parse(YamlDocuments.parse(text, "f.yaml"), DIR, Optional.of(DOMAIN)))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.getMessage())
                    .isEqualTo(
                        "f.yaml: Property 'template-dir' at line "
                            + line
                            + ": expected a single value, found a list"));
  }
}
