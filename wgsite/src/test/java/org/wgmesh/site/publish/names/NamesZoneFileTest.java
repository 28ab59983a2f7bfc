package org.wgmesh.site.publish.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.publish.DiffFormat;
import org.wgmesh.site.publish.PublishVerification;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.publish.TestSites;

/**
 * Name records (issue 25) through the real wgpub service to a zone-file target: written with the
 * TXT records and into the reverse zone's fragment, kept in step with joins, removals, changed
 * addresses and the section's removal; dry runs and bad input change nothing.
 */
class NamesZoneFileTest {
  static final String REVERSE = "a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa";

  @TempDir Path dir;
  Path yaml;
  Path zone;
  Path fragment;
  SitePublication service = new SitePublication(Reporter.silent());

  @BeforeEach
  void setUp() {
    yaml = dir.resolve("wgmesh.yaml");
    zone = dir.resolve("mesh.zone");
    fragment = dir.resolve("mesh." + REVERSE + ".zone");
    TestSites.create(yaml, "zonefile:mesh.zone", 3);
  }

  private void setNames(String section) throws Exception {
    String text = Files.readString(yaml).replaceFirst("(?s)\nnames:.*", "\n");
    Files.writeString(yaml, section == null ? text : text + section);
  }

  /** Publishes; returns the name lines of the diff output. */
  private String publish(boolean dryRun) {
    try (SitePublication.Prepared p = service.prepare(yaml, Optional.empty(), dryRun)) {
      String shown = DiffFormat.text(p.diff(), p.names(), p.target());
      if (p.names().isEmpty()) {
        assertThat(shown).isEqualTo(DiffFormat.text(p.diff(), p.target()));
        shown = "";
      }
      service.apply(p);
      return shown;
    }
  }

  private static String aaaa(int n) {
    return "router" + n + ".mesh.example.com. 300 IN AAAA fd12:3456:789a:0:1::" + n + "\n";
  }

  private static String ptr(int n) {
    return n
        + ".0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0."
        + REVERSE
        + ". 300 IN PTR router"
        + n
        + ".mesh.example.com.\n";
  }

  @Test
  void withoutNames_publicationIsAsBefore() throws Exception {
    publish(false);
    String text = Files.readString(zone);
    assertThat(text).doesNotContain(" IN AAAA ", " IN A ", " IN PTR ");
    assertThat(text).startsWith("; wgmesh TXT records, written by wgpub");
    assertThat(Files.exists(fragment)).isFalse();
    assertThat(Files.exists(dir.resolve("wgmesh.names-state"))).isFalse();
    assertThat(publish(false)).isEmpty();
  }

  @Test
  void tunnel_writesAaaaAndPtrs_thenNothing_andFollowsJoinsAndRemovals() throws Exception {
    setNames("names:\n  addresses: tunnel\n");
    String shown = publish(false);
    assertThat(shown)
        .contains("+ router1.mesh.example.com  AAAA fd12:3456:789a:0:1::1")
        .contains("name records: 6 to add, 0 to change, 0 to delete");
    assertThat(Files.readString(zone)).contains(aaaa(1), aaaa(2), aaaa(3)).contains(" IN TXT ");
    assertThat(Files.readString(fragment))
        .startsWith("; wgmesh PTR records of reverse zone " + REVERSE)
        .contains(ptr(1), ptr(2), ptr(3));
    assertThat(Files.readString(dir.resolve("wgmesh.names-state"))).contains("AAAA", "PTR");
    assertThat(publish(false)).isEmpty();

    // A host joins: its names appear.
    Site site = SiteFile.load(yaml);
    SiteFile.save(site.withHost(TestSites.host(4)), yaml);
    assertThat(publish(false)).contains("+ router4.mesh.example.com  AAAA");
    assertThat(Files.readString(zone)).contains(aaaa(4));
    assertThat(Files.readString(fragment)).contains(ptr(4));

    // A host is removed: its name and PTR go, the others stay.
    site = SiteFile.load(yaml);
    SiteFile.save(site.withoutHost(site.hostNamed("router2").orElseThrow().uuid()), yaml);
    assertThat(publish(false))
        .contains("- router2.mesh.example.com  AAAA")
        .contains("0 to add, 0 to change, 2 to delete");
    assertThat(Files.readString(zone)).doesNotContain(aaaa(2)).contains(aaaa(1), aaaa(4));
    assertThat(Files.readString(fragment)).doesNotContain(ptr(2)).contains(ptr(1));
  }

  @Test
  void lan_changedAddressIsReplaced_andDroppingTheSectionRemovesEverything() throws Exception {
    setNames(
        "names:\n  addresses: lan\n  reverse-zones: [0.10.in-addr.arpa]\n  lan-addresses:\n"
            + "    router1: [10.0.1.1]\n    router2: [10.0.2.1]\n    router3: [10.0.3.1]\n");
    publish(false);
    Path lanFragment = dir.resolve("mesh.0.10.in-addr.arpa.zone");
    assertThat(Files.readString(zone)).contains("router1.mesh.example.com. 300 IN A 10.0.1.1\n");
    assertThat(Files.readString(lanFragment))
        .contains("1.1.0.10.in-addr.arpa. 300 IN PTR router1.mesh.example.com.\n");

    setNames(
        "names:\n  addresses: lan\n  reverse-zones: [0.10.in-addr.arpa]\n  lan-addresses:\n"
            + "    router1: [10.0.1.9]\n    router2: [10.0.2.1]\n    router3: [10.0.3.1]\n");
    assertThat(publish(false))
        .startsWith("zonefile:" + zone + ": TXT records up to date\n")
        .contains("~ router1.mesh.example.com  A 10.0.1.9")
        .contains("+ 9.1.0.10.in-addr.arpa  PTR router1.mesh.example.com")
        .contains("- 1.1.0.10.in-addr.arpa  PTR router1.mesh.example.com");
    assertThat(Files.readString(zone))
        .contains("router1.mesh.example.com. 300 IN A 10.0.1.9\n")
        .doesNotContain("10.0.1.1");
    assertThat(Files.readString(lanFragment)).doesNotContain("1.1.0.10.in-addr.arpa");

    String txtBefore = Files.readString(zone).replaceAll("(?m)^.* IN A .*\n", "");
    setNames(null);
    assertThat(publish(false)).contains("0 to add, 0 to change, 6 to delete");
    assertThat(Files.readString(zone)).doesNotContain(" IN A ").isEqualTo(txtBefore);
    assertThat(Files.readString(lanFragment)).doesNotContain(" IN PTR ");
    assertThat(Files.exists(dir.resolve("wgmesh.names-state"))).isFalse();
    assertThat(publish(false)).isEmpty();
  }

  /** What {@code wgpub --verify} finds wrong, as its lines. */
  private List<String> verifyProblems() {
    return new PublishVerification(Reporter.silent())
        .verify(yaml, Optional.empty(), Optional.empty()).report().problems().stream()
            .map(Object::toString)
            .toList();
  }

  @Test
  void verify_checksTheNameRecords_missingEditedAndStale() throws Exception {
    setNames("names:\n  addresses: tunnel\n");
    publish(false);
    assertThat(verifyProblems()).isEmpty();

    // Deleted and edited in the zone by hand: both named, with what the site has.
    String published = Files.readString(zone);
    Files.writeString(
        zone, published.replace(aaaa(1), "").replace(aaaa(2), aaaa(2).replace(":1::2", ":1::99")));
    assertThat(verifyProblems())
        .containsExactly(
            "router1.mesh.example.com: field 'AAAA': missing; the site has"
                + " fd12:3456:789a:0:1::1 (TTL 300)",
            "router2.mesh.example.com: field 'AAAA': not as published by wgpub; the site has"
                + " fd12:3456:789a:0:1::2 (TTL 300)");
    publish(false);
    assertThat(verifyProblems()).isEmpty();

    // The site drops the section; until wgpub runs, the names it wrote are still there.
    setNames(null);
    assertThat(verifyProblems())
        .contains(
            "router3.mesh.example.com: field 'AAAA': still published (fd12:3456:789a:0:1::3"
                + " (TTL 300)), but the site no longer has this name");
    publish(false);
    assertThat(verifyProblems()).isEmpty();
  }

  @Test
  void dryRun_showsTheNamesAndWritesNothing() throws Exception {
    publish(false);
    setNames("names:\n  addresses: tunnel\n");
    String before = Files.readString(zone);
    assertThat(publish(true)).contains("name records: 6 to add");
    assertThat(Files.readString(zone)).isEqualTo(before);
    assertThat(Files.exists(fragment)).isFalse();
    assertThat(Files.exists(dir.resolve("wgmesh.names-state"))).isFalse();
  }

  @Test
  void json_listsTheNameChanges_onlyWhenThereAreAny() throws Exception {
    try (SitePublication.Prepared p = service.prepare(yaml, Optional.empty(), true)) {
      assertThat(DiffFormat.json(p.diff(), p.names(), p.target(), true))
          .doesNotContain("\"names\"");
    }
    setNames("names:\n  addresses: tunnel\n");
    try (SitePublication.Prepared p = service.prepare(yaml, Optional.empty(), true)) {
      assertThat(DiffFormat.json(p.diff(), p.names(), p.target(), true))
          .contains(
              "{\"action\":\"add\",\"zone\":\"mesh.example.com\",\"name\":\"router1.mesh.example.com\","
                  + "\"type\":\"AAAA\",\"values\":[\"fd12:3456:789a:0:1::1\"]}")
          .contains("\"zone\":\"" + REVERSE + "\"");
    }
  }

  @Test
  void badNames_clearErrorAndNothingChanged() throws Exception {
    setNames("names:\n  addresses: tunnel\n");
    publish(false);
    String zoneBefore = Files.readString(zone);
    String fragmentBefore = Files.readString(fragment);
    setNames("names:\n  addresses: lan\n  lan-addresses:\n    router1: [10.0.1.1]\n");
    assertThatThrownBy(() -> publish(false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("host router2 (h2): names.addresses is lan");
    assertThat(Files.readString(zone)).isEqualTo(zoneBefore);
    assertThat(Files.readString(fragment)).isEqualTo(fragmentBefore);
  }

  @Test
  void recordsInTheFragmentWgmeshDidNotWrite_areAnError() throws Exception {
    setNames("names:\n  addresses: tunnel\n");
    publish(false);
    Files.writeString(
        fragment, Files.readString(fragment) + "x." + REVERSE + ". 300 IN MX 10 mail.example.\n");
    assertThatThrownBy(() -> publish(false))
        .hasMessageContaining(fragment + " line")
        .hasMessageContaining("expected 'NAME. TTL IN TXT");
  }
}
