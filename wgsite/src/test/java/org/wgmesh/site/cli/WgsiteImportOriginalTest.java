package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.original.OriginalHost;
import org.wgmesh.core.original.OriginalYaml;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.core.testing.FileSnapshot;
import org.wgmesh.core.testing.OriginalFixtures;

/** {@code wgsite --import-original}, run through the command line in memory (issue 26). */
class WgsiteImportOriginalTest {
  @TempDir Path dir;
  @TempDir Path originals;
  Path yaml;
  Path site;
  Path key;

  @BeforeEach
  void setUp() {
    yaml = dir.resolve("mesh1.yaml");
    Path copy = OriginalFixtures.copyTo(originals);
    site = copy.resolve("site/mesh1.yaml");
    key = copy.resolve("site/mesh1_priv");
  }

  Result run(String... args) {
    return CliRun.run(WgsiteCommand::new, args);
  }

  List<String> args(Path original, String... more) {
    List<String> a = new ArrayList<>(List.of("--import-original", original.toString()));
    a.addAll(List.of(more));
    a.add(yaml.toString());
    return a;
  }

  Result importing(Path original, String... more) {
    return run(args(original, more).toArray(String[]::new));
  }

  @Test
  void fixture_createsTheSiteWithEveryHostKept() throws Exception {
    Result r = importing(site, "--original-key", key.toString(), "--yes");

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("original:     " + site + " (original wgmesh 2.x site file, 100 hosts)")
        .contains("original key: " + key + " (matches global.publickey)")
        .contains("100 of 100 hosts with uuid, hostname, number (= octet), AS and key unchanged")
        .contains("portbase 9000 (ports unchanged")
        .contains("hosts without LAN prefixes (100;")
        .contains("  node001..node100")
        .contains("fingerprint:");
    Site s = SiteFile.load(yaml);
    List<OriginalHost> originalHosts = OriginalYaml.readSite(site).hosts();
    assertThat(s.hosts()).hasSize(100);
    for (OriginalHost o : originalHosts) {
      HostEntry h = s.host(o.uuid()).orElseThrow();
      assertThat(h.hostname()).isEqualTo(o.hostname());
      assertThat((long) h.number()).isEqualTo(o.octet());
      assertThat(h.asn()).isEqualTo(o.asn());
      assertThat(h.publicKey()).isEqualTo(o.publicKey());
    }
    assertThat(s.settings().portbase()).isEqualTo(9000);
    assertThat(s.originalKey()).isPresent();
    assertThat(mode(yaml)).isEqualTo("rw-r-----");
    assertThat(Files.readString(yaml))
        .startsWith(
            "# wgmesh site file: see docs/site-file.md. Private keys are in the .sign.key, .box.key"
                + " and\n# .original.key files beside this one");
    assertThat(mode(dir.resolve("mesh1.original.key"))).isEqualTo("rw-------");
    assertThat(Files.readString(dir.resolve("mesh1.original.key")).strip())
        .isEqualTo(Files.readString(key).strip());
  }

  @Test
  void keyFoundBesideTheOriginal_andNodesGiveLans() {
    Result r =
        importing(
            site,
            "--original-node",
            OriginalFixtures.copyTo(dir.resolve("n"))
                .resolve("nodes/node001/node_mesh1.yaml")
                .toString(),
            "--lan",
            "node002=10.0.2.0/24",
            "--yes");

    assertThat(r.rc()).as(r.err()).isZero();
    Site s = SiteFile.load(yaml);
    assertThat(s.hosts().get(0).lanPrefixes()).hasToString("[10.0.1.0/24]");
    assertThat(s.hosts().get(1).lanPrefixes()).hasToString("[10.0.2.0/24]");
    assertThat(r.out()).contains("hosts without LAN prefixes (98;").contains("  node003..node100");
  }

  @Test
  void dryRun_json_writesNothing() throws Exception {
    FileSnapshot before = FileSnapshot.of(dir, originals);
    Result r = importing(site, "--dry-run", "--json", "--exclude", "node100");

    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(FileSnapshot.of(dir, originals)).isEqualTo(before);
    JsonNode j = Json.readTree(r.out(), "output");
    assertThat(j.path("dry-run").asBoolean()).isTrue();
    assertThat(j.path("hosts").asInt()).isEqualTo(99);
    assertThat(j.path("original").path("hosts").asInt()).isEqualTo(100);
    assertThat(j.path("original").path("key-matches").asBoolean()).isTrue();
    assertThat(j.path("excluded").get(0).asText()).startsWith("node100 (");
    assertThat(j.has("fingerprint")).isFalse();
    List<String> keys = new ArrayList<>();
    j.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly(
            "original",
            "site",
            "dry-run",
            "hosts",
            "kept",
            "changed",
            "not-kept",
            "excluded",
            "without-lans");
  }

  @Test
  void excludeFile_listsHosts() throws Exception {
    Path list = dir.resolve("exclude.txt");
    Files.writeString(list, "# dead hosts\nnode099\n\nnode100\n");
    Result r = importing(site, "--dry-run", "--exclude", "@" + list);
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("98 hosts").contains("excluded:\n  node099 (");
  }

  @Test
  void declined_exits9AndWritesNothing() throws Exception {
    FileSnapshot before = FileSnapshot.of(dir);
    Result r = CliRun.run(WgsiteCommand::new, "n\n", true, args(site).toArray(String[]::new));
    assertThat(r.rc()).as(r.err()).isEqualTo(9);
    assertThat(FileSnapshot.of(dir)).isEqualTo(before);
  }

  @Test
  void existingTarget_exits11() throws Exception {
    Files.writeString(yaml, "x: 1\n");
    Result r = importing(site, "--yes");
    assertThat(r.rc()).isEqualTo(11);
    assertThat(r.err()).contains(yaml.toString()).contains("already exists");
    assertThat(Files.readString(yaml)).isEqualTo("x: 1\n");
  }

  @Test
  void wrongSiteKey_exits3NamingBothFiles() throws Exception {
    Path other = OriginalFixtures.nodeKey(1);
    FileSnapshot before = FileSnapshot.of(dir);
    Result r = importing(site, "--original-key", other.toString(), "--yes");
    assertThat(r.rc()).isEqualTo(3);
    assertThat(r.err())
        .contains("wrong site key")
        .contains("global.publickey")
        .contains(other.toString());
    assertThat(FileSnapshot.of(dir)).isEqualTo(before);
  }

  @Test
  void missingSiteKey_exits11WithTheHint() throws Exception {
    Files.delete(key);
    Result r = importing(site, "--yes");
    assertThat(r.rc()).isEqualTo(11);
    assertThat(r.err()).contains("the original site key is in none of").contains("--original-key");
    assertThat(Files.exists(yaml)).isFalse();
  }

  @Test
  void mangledOriginals_exit3NamingFileAndPropertyAndChangeNothing() throws Exception {
    List<UnaryOperator<String>> edits =
        List.of(
            t -> t.replaceFirst("octet: 2\n", "octet: 1\n"),
            t -> t.replaceFirst("    public_key_encoded: [^\n]+\n", ""),
            t -> t.replace("  locus: mesh1\n", "  locus: mesh1\n  colour: blue\n"),
            t -> t.replaceFirst("    octet: 1\n", "    octet: 1\n    rack: 7\n"),
            t ->
                t.replaceFirst(
                    "    uuid: 093d3179-0954-472a-ba1b-54cad9355448",
                    "    uuid: 093d3179-0954-472a-ba1b-54cad9355449"));
    List<String> properties =
        List.of(".octet' at line", "public_key_encoded", "colour", "rack", ".uuid' at line");
    for (int i = 0; i < edits.size(); i++) {
      Path mangled =
          OriginalFixtures.mangle(OriginalFixtures.siteFile(), dir.resolve("m" + i), edits.get(i));
      Files.copy(key, mangled.resolveSibling("mesh1_priv"));
      FileSnapshot before = FileSnapshot.of(dir);
      Result r = importing(mangled, "--yes");
      assertThat(r.rc()).as(r.err()).isEqualTo(3);
      assertThat(r.err()).as("edit " + i).contains(mangled.toString()).contains(properties.get(i));
      assertThat(FileSnapshot.of(dir)).as("edit " + i).isEqualTo(before);
    }
  }

  @Test
  void usage_optionsOfTheImportGoWithIt() {
    assertThat(run("--dry-run", yaml.toString()).rc()).isEqualTo(2);
    assertThat(run("--exclude", "x", yaml.toString()).rc()).isEqualTo(2);
    assertThat(run("--original-key", "k", yaml.toString()).rc()).isEqualTo(2);
    assertThat(importing(site, "--mtu", "1400", "--yes").rc()).isEqualTo(2);
    assertThat(importing(site, "--lan", "10.0.1.0/24", "--dry-run").rc()).isEqualTo(4);
  }

  @Test
  void creationOptionsOverride() {
    Result r =
        importing(
            site,
            "--domain",
            "mesh2.example.test",
            "--portbase",
            "20000",
            "--locus",
            "m2",
            "--yes");
    assertThat(r.rc()).as(r.err()).isZero();
    Site s = SiteFile.load(yaml);
    assertThat(s.settings().domain()).isEqualTo("mesh2.example.test");
    assertThat(s.settings().portbase()).isEqualTo(20000);
    assertThat(s.settings().locus()).isEqualTo("m2");
    assertThat(r.out()).contains("portbase: 9000 -> 20000 (--portbase");
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
