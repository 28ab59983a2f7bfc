package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.site.ClientSettings;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteClient;
import org.wgmesh.core.site.SiteClients;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.site.publish.Publishers;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.publish.TestSites;
import org.wgmesh.site.publish.target.Publisher;

/** wgpub with clients (issue 25): their records are written, verified and deleted on removal. */
class WgpubClientsTest {
  static final String DOMAIN = TestSites.DOMAIN;
  // Now: wgpub --verify judges expiry by the system clock.
  static final Instant T0 = Instant.now();

  @TempDir Path dir;
  Path yaml;
  Path zone;

  @BeforeEach
  void createSite() {
    yaml = dir.resolve("wgmesh.yaml");
    zone = dir.resolve("mesh.zone");
    TestSites.create(yaml, "zonefile:mesh.zone", 3);
  }

  Result run(BiFunction<String, Path, Publisher> publishers, String... args) {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    return CliRun.run(
        i -> new WgpubCommand(i, r -> new SitePublication(r, publishers, clock)), args);
  }

  Result run(String... args) {
    return run((uri, siteDir) -> Publishers.fromUri(uri, siteDir, Map.of()), args);
  }

  /**
   * The zone file, read back as a target that can only look names up (RFC 2136, Route53): it
   * answers for the candidate names it is asked about, nothing else.
   */
  static BiFunction<String, Path, Publisher> lookupOnly() {
    return (uri, siteDir) -> {
      Publisher inner = Publishers.fromUri(uri, siteDir, Map.of());
      return new Publisher() {
        @Override
        public String describe() {
          return inner.describe();
        }

        @Override
        public Map<String, TxtRecordSet> readCurrent(String domain, Collection<String> names) {
          Map<String, TxtRecordSet> all = new TreeMap<>(inner.readCurrent(domain, names));
          all.keySet().retainAll(names);
          return all;
        }

        @Override
        public void upsert(List<TxtRecordSet> sets) {
          inner.upsert(sets);
        }

        @Override
        public void delete(List<String> names) {
          inner.delete(names);
        }
      };
    };
  }

  void withClients(SiteClient... clients) {
    Site site = SiteFile.load(yaml);
    SiteFile.save(
        site.withClients(
            new SiteClients(
                true,
                new ClientSettings(
                    Optional.empty(), Optional.empty(), OptionalInt.empty(), 25, List.of()),
                List.of(clients))),
        yaml);
  }

  static SiteClient client(String name, int number, String... attach) {
    return new SiteClient(
        name,
        number,
        X25519PrivateKey.generate().publicKey(),
        List.of(IpAddress.parse("fd12:3456:789a:0:2::" + number, "t")),
        List.of(attach));
  }

  @Test
  void clients_arePublishedVerified_andARemovedClientsRecordIsDeleted() throws Exception {
    withClients(client("anna", 1, "router1", "router2"), client("bob", 2, "router3"));
    Result first = run(yaml.toString());
    assertThat(first.rc()).as(first.err()).isZero();
    assertThat(first.out()).contains("+ c1." + DOMAIN, "+ c2." + DOMAIN);
    Result verify = run("--verify", yaml.toString());
    assertThat(verify.rc()).as(verify.out() + verify.err()).isZero();

    withClients(client("anna", 1, "router1", "router2"));
    // A target that can only look names up finds bob's record from the published mesh record.
    Result removal = run(lookupOnly(), yaml.toString());
    assertThat(removal.rc()).as(removal.err()).isZero();
    assertThat(removal.out()).contains("- c2." + DOMAIN);
    assertThat(Files.readString(zone)).contains("c1." + DOMAIN).doesNotContain("c2." + DOMAIN);
    assertThat(run("--verify", yaml.toString()).rc()).isZero();
  }
}
