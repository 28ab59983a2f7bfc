package org.wgmesh.core.original;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.testing.OriginalFixtures;
import org.yaml.snakeyaml.Yaml;

class OriginalImportTest {
  private static final String SOURCE = "mesh1.yaml";
  private static final String NODE1 = "093d3179-0954-472a-ba1b-54cad9355448";
  private static final String NODE2 = "7c834989-ef47-48ea-a7f7-a421b29b85ad";
  private static final Supplier<IpPrefix> NO_ULA =
      () -> {
        throw new AssertionError("the fixture's tunnel prefix should be kept");
      };
  private static final IpPrefix ULA = IpPrefix.parse("fd12:3456:789a::/48", "test");

  /** The proof: every uuid, number, AS and key kept, compared one by one. */
  @Test
  @SuppressWarnings("unchecked")
  void fixture_everyHostKept() throws IOException {
    Map<String, Object> doc =
        new Yaml().load(Files.readString(OriginalFixtures.siteFile(), StandardCharsets.UTF_8));
    Map<String, Map<String, Object>> expected = (Map<String, Map<String, Object>>) doc.get("hosts");

    ImportPlan plan = fixturePlan(ImportOptions.NONE);

    assertThat(plan.hosts()).hasSize(100);
    SoftAssertions soft = new SoftAssertions();
    for (Map.Entry<String, Map<String, Object>> e : expected.entrySet()) {
      Map<String, Object> want = e.getValue();
      String name = (String) want.get("hostname");
      Optional<HostEntry> got =
          plan.hosts().stream().filter(h -> h.uuid().toString().equals(e.getKey())).findFirst();
      soft.assertThat(got).as(name).isPresent();
      if (got.isEmpty()) {
        continue;
      }
      HostEntry h = got.get();
      soft.assertThat(h.hostname()).as(name).isEqualTo(name);
      soft.assertThat(h.number()).as(name).isEqualTo(want.get("octet"));
      soft.assertThat(h.asn()).as(name).isEqualTo(((Integer) want.get("asn")).longValue());
      soft.assertThat(h.publicKey().toBase64()).as(name).isEqualTo(want.get("public_key_encoded"));
      String v4 = ((List<String>) want.get("local_ipv4")).get(0).replace("/32", "");
      String v6 = ((List<String>) want.get("local_ipv6")).get(0).replace("/128", "");
      soft.assertThat(h.endpoints())
          .as(name)
          .containsExactly(IpAddress.parse(v4, "v4"), IpAddress.parse(v6, "v6"));
      soft.assertThat(h.lanPrefixes()).as(name).isEmpty();
    }
    soft.assertAll();
    assertThat(plan.report().changed())
        .as("no host changed")
        .noneMatch(c -> c.subject().startsWith("node"));
    assertThat(plan.report().kept())
        .contains("100 of 100 hosts with uuid, hostname, number (= octet), AS and key unchanged");
  }

  @Test
  void fixture_settings() {
    ImportPlan plan = fixturePlan(ImportOptions.NONE);
    assertThat(plan.settings().domain()).isEqualTo("mesh1.example.test");
    assertThat(plan.settings().locus()).isEqualTo("mesh1");
    assertThat(plan.settings().tunnelPrefix()).hasToString("fd86:ea04:1116::/48");
    assertThat(plan.settings().portbase()).isEqualTo(9000);
    assertThat(plan.asnRange()).hasToString("64512:65534");
    assertThat(plan.publish()).isEmpty();
    ImportReport r = plan.report();
    assertThat(r.originalHosts()).isEqualTo(100);
    assertThat(r.importedHosts()).isEqualTo(100);
    assertThat(r.kept()).anyMatch(k -> k.startsWith("portbase 9000 (ports unchanged"));
    assertThat(r.changed())
        .extracting(ImportReport.Change::subject)
        .contains("link addresses", "router id", "BFD", "netns", "routing filter");
    assertThat(r.notKept())
        .anyMatch(n -> n.startsWith("tunnel_ipv4 192.0.2.0/24"))
        .anyMatch(n -> n.equals("asn_used (derived from the hosts)"));
    assertThat(r.excluded()).isEmpty();
    assertThat(r.withoutLans()).hasSize(100);
    // The fixture's public addresses are 198.18.0.N: the default 198.18.0.0/15 would route them
    // into the mesh.
    assertThat(plan.settings().allowedLanPrefixes())
        .containsExactly(
            prefix("10.0.0.0/8"),
            prefix("172.16.0.0/12"),
            prefix("192.168.0.0/16"),
            prefix("fd00::/8"));
    assertThat(r.changed())
        .extracting(ImportReport.Change::toString)
        .contains(
            "allowed-lan-prefixes: 198.18.0.0/15 -> (left out) (it holds node001's public address"
                + " 198.18.0.1: the mesh routes its allowed prefixes, so peers could not reach that"
                + " address)");
  }

  @Test
  void lanHoldingAPublicAddress_isRefused() {
    assertThatThrownBy(
            () -> fixturePlan(options(Map.of("node003", List.of(prefix("198.18.0.0/24"))))))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("node003 LAN 198.18.0.0/24")
        .hasMessageContaining("holds node001's public address 198.18.0.1");
  }

  /** The site file's own rules accept what the import plans. */
  @Test
  void fixture_aSiteAcceptsThePlan() {
    ImportPlan plan = fixturePlan(ImportOptions.NONE);
    Site site = site(plan);
    assertThat(site.hosts()).hasSize(100);
  }

  @Test
  void nodeFiles_giveTheHostsTheirLans() {
    List<OriginalNode> nodes =
        List.of(
            OriginalYaml.readNode(OriginalFixtures.nodeFile(1)),
            OriginalYaml.readNode(OriginalFixtures.nodeFile(2)));
    ImportPlan plan = fixturePlan(ImportOptions.NONE.withNodes(nodes));
    assertThat(host(plan, "node001").lanPrefixes()).containsExactly(prefix("10.0.1.0/24"));
    assertThat(host(plan, "node002").lanPrefixes()).containsExactly(prefix("10.0.2.0/24"));
    assertThat(plan.report().withoutLans()).hasSize(98).doesNotContain("node001", "node002");
    site(plan);
  }

  @Test
  void lanOptions_andLansOutsideTheDefaults_widenTheAllowedPrefixes() {
    ImportOptions o =
        options(Map.of("node003", List.of(prefix("100.64.3.0/24"), prefix("10.3.0.0/16"))));
    ImportPlan plan = fixturePlan(o);
    assertThat(host(plan, "node003").lanPrefixes())
        .containsExactly(prefix("100.64.3.0/24"), prefix("10.3.0.0/16"));
    assertThat(plan.settings().allowedLanPrefixes()).contains(prefix("100.64.3.0/24"));
    assertThat(plan.report().changed())
        .anyMatch(
            c -> c.subject().equals("allowed-lan-prefixes") && c.to().equals("+100.64.3.0/24"));
    site(plan);
  }

  @Test
  void overlappingLans_areRefusedNamingBothHosts() {
    ImportOptions o =
        options(
            Map.of(
                "node003",
                List.of(prefix("10.3.0.0/16")),
                "node004",
                List.of(prefix("10.3.4.0/24"))));
    assertThatThrownBy(() -> fixturePlan(o))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("node00")
        .hasMessageContaining("overlaps");
  }

  @Test
  void lanForAnUnknownHost_isRefused() {
    assertThatThrownBy(() -> fixturePlan(options(Map.of("nosuch", List.of(prefix("10.9.0.0/16"))))))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("--lan")
        .hasMessageContaining("nosuch");
  }

  @Test
  void nodeFileOfAnotherSite_isRefusedNamingIt() {
    OriginalNode n = OriginalYaml.readNode(OriginalFixtures.nodeFile(1));
    OriginalNode other =
        new OriginalNode(
            "elsewhere/node_mesh1.yaml",
            n.locus(),
            n.siteDomain(),
            n.publicKey()
                .orElse(
                    OriginalYaml.readSite(OriginalFixtures.siteFile()).hosts().get(2).publicKey()),
            n.hostname(),
            n.uuid(),
            n.secretKeyFile(),
            n.publicKeyFile(),
            n.publicInterface(),
            n.publicAddresses(),
            n.trustInterface(),
            n.trustAddresses(),
            n.publicKey());
    assertThatThrownBy(() -> fixturePlan(ImportOptions.NONE.withNodes(List.of(other))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("elsewhere/node_mesh1.yaml")
        .hasMessageContaining("local.site_pubkey");
  }

  @Test
  void exclude_byUuidOrHostname_leavesHostsOutAndReportsThem() {
    ImportPlan plan = fixturePlan(ImportOptions.NONE.withExclude(Set.of(NODE2, "NODE003")));
    assertThat(plan.hosts()).hasSize(98);
    assertThat(plan.hosts()).extracting(HostEntry::hostname).doesNotContain("node002", "node003");
    assertThat(plan.report().excluded())
        .containsExactly("node002 (" + NODE2 + ")", "node003 (" + host3Uuid() + ")");
  }

  @Test
  void exclude_unknown_isRefused() {
    assertThatThrownBy(() -> fixturePlan(ImportOptions.NONE.withExclude(Set.of("node999"))))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("--exclude")
        .hasMessageContaining("node999");
  }

  @Test
  void duplicateOctet_isRefusedNamingBothPropertiesAndLines() {
    UnaryOperator<String> edit = t -> t.replaceFirst("octet: 2\n", "octet: 1\n");
    assertThatThrownBy(() -> plan(edit, ImportOptions.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SOURCE)
        .hasMessageContaining("Property 'hosts." + NODE2 + ".octet' at line")
        .hasMessageContaining(
            "duplicate octet 1, already used by Property 'hosts." + NODE1 + ".octet' at line 121");
  }

  @Test
  void duplicateOctet_ofAnExcludedHost_isNoLongerAProblem() {
    UnaryOperator<String> edit = t -> t.replaceFirst("octet: 2\n", "octet: 1\n");
    ImportPlan plan = plan(edit, ImportOptions.NONE.withExclude(Set.of("node002")));
    assertThat(plan.hosts()).hasSize(99);
  }

  @Test
  void duplicateAsnKeyOrHostname_areRefused() {
    assertThatThrownBy(
            () -> plan(t -> t.replaceFirst("asn: 64513\n", "asn: 64512\n"), ImportOptions.NONE))
        .hasMessageContaining("hosts." + NODE2 + ".asn")
        .hasMessageContaining("duplicate AS 64512");
    assertThatThrownBy(
            () ->
                plan(
                    t -> t.replaceFirst("hostname: node002\n", "hostname: NODE001\n"),
                    ImportOptions.NONE))
        .hasMessageContaining("hosts." + NODE2 + ".hostname")
        .hasMessageContaining("duplicate hostname node001");
    String key1 = "krX2XWiGTr4XDFW1EnSwLZyRa+HdEjk+SXVsLjCwthw=";
    String key2 =
        OriginalYaml.readSite(OriginalFixtures.siteFile()).hosts().get(1).publicKey().toBase64();
    assertThatThrownBy(() -> plan(t -> t.replace(key2, key1), ImportOptions.NONE))
        .hasMessageContaining("hosts." + NODE2 + ".public_key_encoded")
        .hasMessageContaining("duplicate key");
  }

  @ParameterizedTest
  @CsvSource({
    "-1, never assigned it an octet",
    "0, never assigned it an octet",
  })
  void unassignedOrImpossibleOctets_getTheLowestFreeNumber(String octet, String why) {
    // Host 1 frees number 1, so the lowest free is 1, not 101.
    ImportPlan plan =
        plan(t -> t.replaceFirst("octet: 1\n", "octet: " + octet + "\n"), ImportOptions.NONE);
    assertThat(host(plan, "node001").number()).isEqualTo(1);
    assertThat(plan.report().changed())
        .anyMatch(c -> c.subject().equals("node001 number") && c.why().contains(why));
    assertThat(plan.report().kept())
        .contains(
            "99 of 100 hosts with uuid, hostname, number (= octet), AS and key unchanged (the others: see changed)");
  }

  @Test
  void highOctet_isKeptAndNoted() {
    ImportPlan plan = plan(t -> t.replaceFirst("octet: 1\n", "octet: 300\n"), ImportOptions.NONE);
    assertThat(host(plan, "node001").number()).isEqualTo(300);
    assertThat(plan.report().kept())
        .anyMatch(k -> k.startsWith("node001 number 300 (the original's"));
    assertThat(plan.settings().portbase()).isEqualTo(9000);
  }

  @Test
  void portbaseThatNoLongerFits_isReplacedAndReported() {
    ImportPlan plan = plan(t -> t.replace("portbase: 9000", "portbase: 65500"), ImportOptions.NONE);
    assertThat(plan.settings().portbase()).isEqualTo(51000);
    assertThat(plan.report().changed())
        .anyMatch(
            c ->
                c.subject().equals("portbase")
                    && c.from().equals("65500")
                    && c.to().equals("51000"));
    site(plan);
  }

  @Test
  void portbaseAbsent_isTheOriginalsDefault() {
    ImportPlan plan = plan(t -> t.replace("  portbase: 9000\n", ""), ImportOptions.NONE);
    assertThat(plan.settings().portbase()).isEqualTo(58822);
  }

  @Test
  void portbaseOption_thatDoesNotFit_isRefused() {
    ImportOptions o = withPortbase(65500);
    assertThatThrownBy(() -> fixturePlan(o))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("--portbase")
        .satisfies(e -> assertThat(hint(e)).contains("give at most 65435"));
  }

  @ParameterizedTest
  @CsvSource({
    "fd7b:c042:23c5:a33f::/64, fd7b:c042:23c5::/48",
    "fd00:1:2::/40, fd00:1::/48",
  })
  void tunnelPrefix_isTheOriginals48(String original, String expected) {
    ImportPlan plan =
        plan(t -> t.replace("fd86:ea04:1116::/64", original), ImportOptions.NONE, () -> ULA);
    assertThat(plan.settings().tunnelPrefix()).hasToString(expected);
  }

  @ParameterizedTest
  @CsvSource({"''", "10.0.0.0/8", "ff02::/64", "fe80::/64", "nonsense"})
  void unusableTunnelPrefix_getsARandomUlaAndIsReported(String original) {
    ImportPlan plan =
        plan(
            t -> t.replace("tunnel_ipv6: fd86:ea04:1116::/64", "tunnel_ipv6: " + original),
            ImportOptions.NONE,
            () -> ULA);
    assertThat(plan.settings().tunnelPrefix()).isEqualTo(ULA);
    assertThat(plan.report().changed())
        .anyMatch(
            c -> c.subject().equals("tunnel prefix") && c.why().contains("random unique local"));
  }

  @Test
  void asnMinusOne_orNotPrivate_getsTheLowestFree() {
    ImportPlan plan =
        plan(
            t ->
                t.replaceFirst("asn: 64512\n", "asn: -1\n")
                    .replaceFirst("asn: 64513\n", "asn: 3320\n"),
            ImportOptions.NONE);
    assertThat(host(plan, "node001").asn()).isEqualTo(64512);
    assertThat(host(plan, "node002").asn()).isEqualTo(64513);
    assertThat(plan.report().changed())
        .anyMatch(c -> c.subject().equals("node001 asn") && c.why().contains("never assigned"))
        .anyMatch(c -> c.subject().equals("node002 asn") && c.why().contains("not a private"));
    site(plan);
  }

  @Test
  void privateAsnOutsideTheRange_widensIt() {
    ImportPlan plan =
        plan(t -> t.replaceFirst("asn: 64512\n", "asn: 4200000001\n"), ImportOptions.NONE);
    assertThat(host(plan, "node001").asn()).isEqualTo(4200000001L);
    assertThat(plan.asnRange()).hasToString("64512:65534,4200000001");
    site(plan);
  }

  @Test
  void nonPrivateAsnRange_isRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                plan(
                    t -> t.replace("asn_range: 64512:65534", "asn_range: 100:200"),
                    ImportOptions.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Property 'global.asn_range'")
        .satisfies(e -> assertThat(hint(e)).contains("--asn-range"));
  }

  @Test
  void upperCaseHostname_isLowerCasedAndReported() {
    ImportPlan plan =
        plan(t -> t.replace("hostname: node001\n", "hostname: Node001\n"), ImportOptions.NONE);
    assertThat(host(plan, "node001").uuid()).hasToString(NODE1);
    assertThat(plan.report().changed())
        .anyMatch(c -> c.subject().equals("node001 hostname") && c.from().equals("Node001"));
  }

  @Test
  void invalidHostname_isRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                plan(
                    t -> t.replace("hostname: node001\n", "hostname: node_001\n"),
                    ImportOptions.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Property 'hosts." + NODE1 + ".hostname' at line")
        .satisfies(e -> assertThat(hint(e)).contains("--exclude " + NODE1));
  }

  @Test
  void endpoints_wideLoopbackAndLinkLocal_areReported() {
    ImportPlan plan =
        plan(
            t ->
                t.replaceFirst("- 198.18.0.1/32\n", "- 198.18.0.1/24\n")
                    .replaceFirst("- 2001:db8::1/128\n", "- fe80::1/64\n")
                    .replaceFirst("- 198.18.0.2/32\n", "- 127.0.0.1/32\n"),
            ImportOptions.NONE);
    assertThat(host(plan, "node001").endpoints())
        .containsExactly(IpAddress.parse("198.18.0.1", "t"));
    assertThat(host(plan, "node002").endpoints())
        .containsExactly(IpAddress.parse("2001:db8::2", "t"));
    assertThat(plan.report().changed())
        .filteredOn(c -> c.subject().endsWith(" endpoint"))
        .extracting(ImportReport.Change::toString)
        .containsExactlyInAnyOrder(
            "node001 endpoint: 198.18.0.1/24 -> 198.18.0.1 (an endpoint is an address, not a network)",
            "node001 endpoint: fe80::1/64 -> (dropped) (peers cannot reach it (unspecified, loopback, multicast or link-local))",
            "node002 endpoint: 127.0.0.1/32 -> (dropped) (peers cannot reach it (unspecified, loopback, multicast or link-local))");
  }

  @Test
  void endpointThatIsNotAnAddress_isRefused() {
    assertThatThrownBy(
            () ->
                plan(
                    t -> t.replaceFirst("- 198.18.0.1/32\n", "- host.example/32\n"),
                    ImportOptions.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hosts." + NODE1 + ".local_ipv4");
  }

  @Test
  void localNetworks_areLans_andBadOnesRefused() {
    ImportPlan plan =
        plan(
            t ->
                t.replaceFirst(
                    "local_networks: ''\n", "local_networks: 10.1.0.0/16, 10.2.0.0/16\n"),
            ImportOptions.NONE);
    assertThat(host(plan, "node001").lanPrefixes())
        .containsExactly(prefix("10.1.0.0/16"), prefix("10.2.0.0/16"));
    assertThatThrownBy(
            () ->
                plan(
                    t -> t.replaceFirst("local_networks: ''\n", "local_networks: lan\n"),
                    ImportOptions.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hosts." + NODE1 + ".local_networks");
  }

  @Test
  void route53_becomesThePublishTarget_andAwsSecretsAreNeverReported() {
    ImportPlan plan =
        plan(
            t ->
                t.replace("route53: ''", "route53: Z0123ABC")
                    .replace("aws_secret_access_key: ''", "aws_secret_access_key: SECRETVALUE42"),
            ImportOptions.NONE);
    assertThat(plan.publish()).contains("route53:Z0123ABC");
    assertThat(plan.report().toString()).doesNotContain("SECRETVALUE42");
    assertThat(plan.report().notKept())
        .anyMatch(n -> n.startsWith("aws_credentials, aws_access_key"));
  }

  @Test
  void leakedAsns_areReported() {
    ImportPlan plan =
        plan(t -> t.replace("  - 64611\n", "  - 64611\n  - 64999\n"), ImportOptions.NONE);
    assertThat(plan.report().notKept())
        .anyMatch(n -> n.contains("1 ASNs in it belong to no host") && n.contains("64999"));
  }

  /** Random original sites: whatever the import plans, the site file's rules accept. */
  @Test
  void randomOriginalSites_alwaysGiveAValidSite() {
    Random random = new Random(26);
    for (int round = 0; round < 40; round++) {
      int seed = random.nextInt();
      String text = RandomOriginalSite.text(new Random(seed));
      ImportPlan plan;
      try {
        plan =
            OriginalImport.plan(
                OriginalYaml.parseSite(text, "random-" + seed), ImportOptions.NONE, () -> ULA);
      } catch (ConfigException e) {
        // Duplicates are refused by design; everything else must plan.
        assertThat(e.getMessage()).as("seed " + seed).contains("duplicate");
        continue;
      }
      assertThat(site(plan).hosts()).as("seed " + seed).hasSameSizeAs(plan.hosts());
    }
  }

  private static String hint(Throwable e) {
    return ((WgmeshException) e).hint().orElse("");
  }

  private static ImportPlan fixturePlan(ImportOptions o) {
    return OriginalImport.plan(OriginalYaml.readSite(OriginalFixtures.siteFile()), o, NO_ULA);
  }

  private static ImportPlan plan(UnaryOperator<String> edit, ImportOptions o) {
    return plan(edit, o, NO_ULA);
  }

  private static ImportPlan plan(
      UnaryOperator<String> edit, ImportOptions o, Supplier<IpPrefix> ula) {
    try {
      String text = Files.readString(OriginalFixtures.siteFile(), StandardCharsets.UTF_8);
      String edited = edit.apply(text);
      assertThat(edited).as("the edit changes the fixture").isNotEqualTo(text);
      return OriginalImport.plan(OriginalYaml.parseSite(edited, SOURCE), o, ula);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Site site(ImportPlan plan) {
    return new Site(
        plan.settings(),
        plan.hosts(),
        SiteKeys.generate(),
        plan.asnRange(),
        plan.publish().orElse("zonefile:/tmp/x.zone"),
        Duration.ofMinutes(5),
        Duration.ofDays(7),
        List.of());
  }

  private static HostEntry host(ImportPlan plan, String name) {
    return plan.hosts().stream().filter(h -> h.hostname().equals(name)).findFirst().orElseThrow();
  }

  private static IpPrefix prefix(String p) {
    return IpPrefix.parse(p, "test");
  }

  private static String host3Uuid() {
    return OriginalYaml.readSite(OriginalFixtures.siteFile()).hosts().get(2).uuid().toString();
  }

  private static ImportOptions options(Map<String, List<IpPrefix>> lans) {
    ImportOptions n = ImportOptions.NONE;
    return new ImportOptions(
        n.domain(),
        n.locus(),
        n.tunnelPrefix(),
        n.portbase(),
        n.asnRange(),
        n.publish(),
        n.exclude(),
        lans,
        n.nodes());
  }

  private static ImportOptions withPortbase(int p) {
    ImportOptions n = ImportOptions.NONE;
    return new ImportOptions(
        n.domain(),
        n.locus(),
        n.tunnelPrefix(),
        OptionalInt.of(p),
        n.asnRange(),
        n.publish(),
        n.exclude(),
        n.lans(),
        n.nodes());
  }
}
