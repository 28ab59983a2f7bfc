package org.wgmesh.endpoint.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.KeyFiles;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.record.MeshReader;
import org.wgmesh.core.record.RecordNames;
import org.wgmesh.core.testing.RecordingCommandRunner;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.EnrolOptions;
import org.wgmesh.endpoint.config.Enrolment;
import org.wgmesh.endpoint.config.HostKeyring;
import org.wgmesh.endpoint.config.TestMesh;
import org.wgmesh.endpoint.deploy.DeployResult;
import org.wgmesh.endpoint.deploy.DeployService;
import org.wgmesh.endpoint.deploy.RunOverrides;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.steps.DryRunTransactions;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.InterfaceName;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/** The endpoint-side reader over records the real planner published. */
class EndpointMeshSourceTest {
  static final String D = TestMesh.DOMAIN;
  @TempDir Path dir;
  TestMesh mesh;
  EndpointConfig config;
  X25519PrivateKey self;
  final X25519PrivateKey peer2 = X25519PrivateKey.generate();
  final X25519PrivateKey peer3 = X25519PrivateKey.generate();
  EndpointMeshSource source;

  /** The replay-protection file as wgconfig left it: the mesh serial it verified. */
  String enrolled;

  @BeforeEach
  void enrolAndAdmit() {
    mesh = new TestMesh().publishEmpty();
    EnrolOptions o =
        EnrolOptions.of(DomainName.parse(D, "t"), dir)
            .with(b -> b.roots = Roots.under(dir.resolve("root")));
    config = new Enrolment(Reporter.silent(), x -> mesh.dns).enrol(o).config();
    enrolled = readSeen();
    self = X25519PrivateKey.generate();
    KeyFiles.createSecret(config.hostKey(), self.toBase64());
    mesh.publish(List.of(TestMesh.host(1, self), TestMesh.host(2, peer2), TestMesh.host(3, peer3)));
    source = new EndpointMeshSource(new MeshReader(), c -> mesh.dns);
  }

  Path seen() {
    return EndpointMeshSource.seenFile(config);
  }

  String readSeen() {
    try {
      return Files.readString(seen());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A read as wgdeploy does it: the serials it accepted are recorded after the read verified. */
  MeshView fetch(EndpointConfig c) {
    MeshSource.Read r = source.read(c, self);
    assertThat(r.seenFile()).isEqualTo(seen());
    AtomicFiles.write(r.seenFile(), r.seenText(), AtomicFiles.SECRET);
    return r.view();
  }

  @Test
  void fetch_verifiesEveryPeerAndRemembersTheSerials() throws Exception {
    MeshView view = fetch(config);
    assertThat(view.self()).isEqualTo(TestMesh.host(1, self));
    assertThat(view.peers()).extracting(HostEntry::number).containsExactly(2, 3);
    assertThat(view.peers().get(0).publicKey()).isEqualTo(peer2.publicKey());
    assertThat(view.siteSigningKey()).isEqualTo(mesh.site.signing().publicKey());
    assertThat(seen()).isEqualTo(dir.resolve("root/var/lib/wgmesh/" + D + ".seen"));
    assertThat(Files.readString(seen()))
        .contains("mesh " + view.serial())
        .contains("host 1 ")
        .contains("host 3 ");
  }

  @Test
  void hpkeKey_siteStillSealingToTheWireGuardKey_works_thenTheSiteMovesItOver() throws Exception {
    // Upgrade order: the endpoint has an HPKE key (wghost made it), the site does not know it yet.
    X25519PrivateKey hpke = X25519PrivateKey.generate();
    KeyFiles.createSecret(
        org.wgmesh.endpoint.config.HostKeys.hpkeFile(config.hostKey(), config.domain()),
        hpke.toBase64());
    assertThat(fetch(config).self()).isEqualTo(TestMesh.host(1, self));
    // The site imports it and publishes: the key record is sealed to the HPKE key now.
    mesh.publish(
        List.of(
            TestMesh.host(1, self).withHpkePublic(hpke.publicKey()),
            TestMesh.host(2, peer2),
            TestMesh.host(3, peer3)));
    MeshView moved = fetch(config);
    assertThat(moved.self()).isEqualTo(TestMesh.host(1, self));
    assertThat(moved.peers()).extracting(HostEntry::number).containsExactly(2, 3);
    // Without the HPKE key file the endpoint cannot open it any more.
    Files.delete(org.wgmesh.endpoint.config.HostKeys.hpkeFile(config.hostKey(), config.domain()));
    assertThatThrownBy(() -> source.read(config, self))
        .isInstanceOfSatisfying(
            org.wgmesh.core.error.RecordException.class,
            e -> assertThat(e.why()).contains("does not open"));
  }

  @Test
  void readRotating_nextKeyNotPublishedYet_readsTheHpkeKeyOnceForBothReads() {
    X25519PrivateKey hpke = X25519PrivateKey.generate();
    mesh.publish(
        List.of(
            TestMesh.host(1, self).withHpkePublic(hpke.publicKey()),
            TestMesh.host(2, peer2),
            TestMesh.host(3, peer3)));
    AtomicInteger hpkeReads = new AtomicInteger();
    HostKeyring keys =
        new HostKeyring(
            self,
            Optional.of(X25519PrivateKey.generate()),
            () -> {
              hpkeReads.incrementAndGet();
              return Optional.of(hpke);
            });
    // The read with the next key fails (the site does not publish it yet), the one with the
    // current key opens the record sealed to the HPKE key: both use the key read once.
    MeshSource.KeyedRead r = source.readRotating(config, keys);
    assertThat(r.next()).isFalse();
    assertThat(r.read().view().self()).isEqualTo(TestMesh.host(1, self));
    assertThat(hpkeReads).hasValue(1);
  }

  @Test
  void read_writesNothing_theSerialsComeBackToRecord() throws Exception {
    MeshSource.Read r = source.read(config, self);
    assertThat(readSeen()).isEqualTo(enrolled);
    assertThat(r.seenText()).contains("mesh " + r.view().serial());
  }

  @Test
  void fetch_replayOfAnOlderMeshRecord_isRefusedAndSerialsStay() throws Exception {
    TxtRecordSet old = mesh.meshRecord();
    mesh.publish(List.of(TestMesh.host(1, self), TestMesh.host(2, peer2)));
    fetch(config);
    String remembered = Files.readString(seen());
    mesh.dns.put(old);
    assertThatThrownBy(() -> fetch(config))
        .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.why()).contains("older"));
    assertThat(Files.readString(seen())).isEqualTo(remembered);
  }

  @Test
  void enrolment_recordsTheSerialItVerified_soTheFirstDeployRefusesAnOlderRecord()
      throws Exception {
    // DNS as it was at serial N-1 (hosts 1, 2, 3), then the site removes host 3 (serial N).
    java.util.Map<String, TxtRecordSet> before = mesh.dns.snapshot();
    long older = fetch(config).serial();
    Files.delete(seen());
    mesh.publish(List.of(TestMesh.host(1, self), TestMesh.host(2, peer2)));
    // First contact: wgconfig verifies serial N and records it; nothing has been deployed.
    EnrolOptions o = EnrolOptions.of(DomainName.parse(D, "t"), dir);
    new Enrolment(Reporter.silent(), x -> mesh.dns).enrol(o);
    String recorded = readSeen();
    long n = org.wgmesh.core.record.SeenSerials.parse(recorded, "seen").mesh();
    assertThat(n).isGreaterThan(older);
    assertThat(recorded).contains("mesh-issued ").doesNotContain("host ");
    Path endpointFile = EndpointPaths.path(dir, DomainName.parse(D, "t"));
    String endpointBefore = Files.readString(endpointFile);

    // DNS replays the whole publication of serial N-1 (still listing host 3).
    new java.util.ArrayList<>(mesh.dns.snapshot().keySet()).forEach(mesh.dns::remove);
    before.values().forEach(mesh.dns::put);

    assertThatThrownBy(() -> fetch(config))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> {
              assertThat(e.what()).isEqualTo(D);
              assertThat(e.why())
                  .contains("serial " + older + " is older than " + n + " already seen")
                  .contains("a replay or a stale cache");
            });
    assertThat(readSeen()).isEqualTo(recorded);
    // wgconfig itself refuses it too, and writes neither file.
    assertThatThrownBy(() -> new Enrolment(Reporter.silent(), x -> mesh.dns).enrol(o))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("older than " + n));
    assertThat(readSeen()).isEqualTo(recorded);
    assertThat(Files.readString(endpointFile)).isEqualTo(endpointBefore);
  }

  @Test
  void injectedClock_decidesExpiry_forTheReaderAndForWgconfig() throws Exception {
    java.time.Instant expires =
        org.wgmesh.core.record.MeshRecord.decodeFirstContact(
                mesh.meshRecord(), D, java.time.Instant.now())
            .expires();
    Clock late = Clock.fixed(expires, java.time.ZoneOffset.UTC);
    Clock early = Clock.fixed(expires.minusSeconds(1), java.time.ZoneOffset.UTC);
    assertThat(new EndpointMeshSource(new MeshReader(early, 2), c -> mesh.dns).read(config, self))
        .isNotNull();
    assertThatThrownBy(
            () -> new EndpointMeshSource(new MeshReader(late, 2), c -> mesh.dns).read(config, self))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("field 'expires'"));
    EnrolOptions o = EnrolOptions.of(DomainName.parse(D, "t"), dir);
    assertThatThrownBy(() -> new Enrolment(Reporter.silent(), x -> mesh.dns, late).enrol(o))
        .isInstanceOfSatisfying(
            RecordException.class, e -> assertThat(e.why()).contains("expired"));
    assertThat(readSeen()).isEqualTo(enrolled);
  }

  @Test
  void siteKeyRoll_deployPinsTheAnnouncedKey_followsTheSwitch_andWgconfigRecordsIt()
      throws Exception {
    List<org.wgmesh.core.model.HostEntry> hosts =
        List.of(TestMesh.host(1, self), TestMesh.host(2, peer2), TestMesh.host(3, peer3));
    fetch(config);
    org.wgmesh.core.crypto.SiteKeys next =
        new org.wgmesh.core.crypto.SiteKeys(
            org.wgmesh.core.crypto.Ed25519PrivateKey.generate(), mesh.site.box());
    // Another endpoint enrolled before the roll, offline for the whole overlap.
    Path otherDir = dir.resolve("other");
    EnrolOptions other =
        EnrolOptions.of(DomainName.parse(D, "t"), otherDir)
            .with(b -> b.roots = Roots.under(otherDir.resolve("root")));
    new Enrolment(Reporter.silent(), x -> mesh.dns).enrol(other);

    mesh.useKeys(mesh.site, next.signing().publicKey());
    mesh.publish(hosts);
    fetch(config);
    assertThat(readSeen()).contains("next-site-key " + next.signing().publicKey().toBase64());

    mesh.useKeys(next);
    mesh.publish(hosts);
    MeshView view = fetch(config);
    assertThat(view.siteSigningKey()).isEqualTo(next.signing().publicKey());
    assertThat(readSeen())
        .contains("site-key " + next.signing().publicKey().toBase64())
        .doesNotContain("next-site-key");

    // wgconfig now verifies with the key the state holds and records it in the endpoint file.
    Enrolment.Result r =
        new Enrolment(Reporter.silent(), x -> mesh.dns)
            .enrol(EnrolOptions.of(DomainName.parse(D, "t"), dir));
    assertThat(r.config().siteSigningKey()).isEqualTo(next.signing().publicKey());
    assertThat(r.changes()).anyMatch(c -> c.startsWith("site.signing-key"));

    // The endpoint that missed the overlap: refused, with the fingerprint to pin.
    String fp = next.signing().publicKey().fingerprint();
    assertThatThrownBy(() -> new Enrolment(Reporter.silent(), x -> mesh.dns).enrol(other))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> assertThat(e.hint()).get().asString().contains("--site-fingerprint SHA256:..."));
    new Enrolment(Reporter.silent(), x -> mesh.dns)
        .enrol(
            new EnrolOptions(
                DomainName.parse(D, "t"),
                otherDir,
                Optional.of(fp),
                Optional.empty(),
                Optional.empty(),
                other.changes()));
  }

  /** Carries out nothing and reports every transaction applied: the host effects left out. */
  static final org.wgmesh.endpoint.deploy.steps.Transactions PRETEND =
      new org.wgmesh.endpoint.deploy.steps.Transactions() {
        @Override
        public org.wgmesh.core.io.Lock lock(
            Path file, java.util.function.Supplier<org.wgmesh.core.error.ConflictException> held) {
          return org.wgmesh.core.io.Lock.NONE;
        }

        @Override
        public Outcome transaction(
            String subject, List<org.wgmesh.endpoint.deploy.steps.Step> steps) {
          return new Outcome(true, steps);
        }

        @Override
        public Outcome bestEffort(
            String subject, List<org.wgmesh.endpoint.deploy.steps.Step> steps) {
          return new Outcome(true, steps);
        }

        @Override
        public void report(Path file, String text) {}
      };

  @Test
  void hostKeyRotation_deployKeepsTheOldKeyUntilTheNewOneIsPublished_thenSwitches()
      throws Exception {
    DomainName dn = DomainName.parse(D, "t");
    EndpointConfig full =
        config.with(
            b -> {
              b.publicInterface = Optional.of(InterfaceName.parse("eth0", "t"));
              b.trustInterface = Optional.of(InterfaceName.parse("eth1", "t"));
              b.trustAddresses =
                  List.of(org.wgmesh.core.net.IpPrefix.parseInterface("198.18.1.1/24", "t"));
              b.backend = WireGuardBackendChoice.KERNEL;
            });
    EndpointFile.save(full, EndpointPaths.path(dir, dn));
    RecordingCommandRunner host =
        new RecordingCommandRunner()
            .respond(
                CommandResult.success(
                    "[{\"ifname\":\"eth1\",\"flags\":[\"UP\"],\"addr_info\":[]}]"),
                "ip",
                "-j",
                "addr",
                "show",
                "dev",
                "eth1");
    DeployService deploy =
        new DeployService(dir, source, host, PRETEND, Reporter.silent(), Clock.systemUTC());

    // wghost --rotate-key: a next key and a blob endorsed by the current one.
    org.wgmesh.endpoint.config.HostRegistration.Result rotation =
        new org.wgmesh.endpoint.config.HostRegistration(
                Reporter.silent(), Clock.systemUTC(), () -> "r1")
            .rotate(dir, dn);
    Path pending = org.wgmesh.endpoint.config.HostKeys.pendingFile(full.hostKey());
    X25519PrivateKey next = org.wgmesh.endpoint.config.HostKeys.read(pending, dn);
    assertThat(rotation.registration().publicKey()).isEqualTo(next.publicKey());
    var opened = org.wgmesh.core.registration.KeyRotation.open(rotation.blob(), mesh.site.box(), D);
    assertThat(opened.oldKey()).isEqualTo(self.publicKey());
    assertThat(opened.newKey()).isEqualTo(next.publicKey());

    // Not published yet: the deploy runs with the current key and keeps the next one aside.
    deploy.deploy(dn, RunOverrides.none());
    assertThat(org.wgmesh.endpoint.config.HostKeys.read(full.hostKey(), dn)).isEqualTo(self);
    assertThat(pending).exists();

    // The site publishes the new key: the next deploy configures with it and adopts it.
    mesh.publish(List.of(TestMesh.host(1, next), TestMesh.host(2, peer2), TestMesh.host(3, peer3)));
    DeployResult r = deploy.deploy(dn, RunOverrides.none());
    assertThat(r.files())
        .anyMatch(
            f -> f.desired().isPresent() && f.desired().get().content().contains(next.toBase64()));
    assertThat(org.wgmesh.endpoint.config.HostKeys.read(full.hostKey(), dn)).isEqualTo(next);
    assertThat(pending).doesNotExist();
    assertThat(PosixFilePermissionsOf(full.hostKey())).isEqualTo("rw-------");
    // And later deploys read with it.
    assertThat(source.read(full, next).view().self().publicKey()).isEqualTo(next.publicKey());
  }

  static String PosixFilePermissionsOf(Path p) throws java.io.IOException {
    return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void fetch_tamperedPeerRecord_isRefusedAndNothingIsRemembered() {
    String h3 = RecordNames.hostRecordName(D, 3);
    mesh.dns.modify(h3, TestMesh::tampered);
    assertThatThrownBy(() -> fetch(config))
        .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.what()).isEqualTo(h3));
    assertThat(readSeen()).isEqualTo(enrolled);
  }

  @Test
  void fetch_meshRecordFromAnotherSite_isRefused() {
    mesh.dns.put(new TestMesh().publishEmpty().meshRecord());
    assertThatThrownBy(() -> fetch(config))
        .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.why()).contains("pinned"));
  }

  @Test
  void fetch_hostNotAdmittedYet_saysSo() {
    mesh.publish(List.of(TestMesh.host(2, peer2)));
    assertThatThrownBy(() -> fetch(config))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> assertThat(e.hint()).get().asString().contains("wgsite -i"));
  }

  @Test
  void fetch_dnsDown_passesTheDnsErrorThrough() {
    mesh.dns.failWith(D, new DnsException("TXT " + D, "timeout"));
    assertThatThrownBy(() -> fetch(config)).isInstanceOf(DnsException.class);
    assertThat(readSeen()).isEqualTo(enrolled);
  }

  @Test
  void fetch_malformedSerialsFile_isAConfigError() throws Exception {
    Files.createDirectories(seen().getParent());
    Files.writeString(seen(), "mesh banana\n");
    assertThatThrownBy(() -> fetch(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(":1");
  }

  @Test
  void deploy_templateDirAndSshSetting_ofTheEndpointFile_reachTheRenderer() throws Exception {
    Path templates = dir.resolve("templates");
    Files.createDirectories(templates.resolve("shorewall"));
    Files.writeString(templates.resolve("shorewall/rules.ftl"), "# mine for ${mesh.domain}\n");
    EndpointConfig full =
        config.with(
            b -> {
              b.publicInterface = Optional.of(InterfaceName.parse("eth0", "t"));
              b.trustInterface = Optional.of(InterfaceName.parse("eth1", "t"));
              b.trustAddresses =
                  List.of(org.wgmesh.core.net.IpPrefix.parseInterface("198.18.1.1/24", "t"));
              b.templateDir = Optional.of(templates);
              b.allowSshFromNet = false;
              b.backend = WireGuardBackendChoice.KERNEL;
            });
    EndpointFile.save(full, EndpointPaths.path(dir, DomainName.parse(D, "t")));
    RecordingCommandRunner host =
        new RecordingCommandRunner()
            .respond(
                CommandResult.success(
                    "[{\"ifname\":\"eth1\",\"flags\":[\"UP\"],\"addr_info\":[]}]"),
                "ip",
                "-j",
                "addr",
                "show",
                "dev",
                "eth1");
    DeployResult r =
        new DeployService(
                dir, source, host, new DryRunTransactions(), Reporter.silent(), Clock.systemUTC())
            .deploy(DomainName.parse(D, "t"), RunOverrides.none());
    assertThat(host.mutations()).isEmpty();
    assertThat(readSeen()).isEqualTo(enrolled);
    assertThat(content(r, "shorewall/rules")).isEqualTo("# mine for " + D + "\n");
    // Not overridden: the built-in IPv6 rules, rendered with SSH from the LAN side only.
    assertThat(content(r, "shorewall6/rules"))
        .contains("SSH(ACCEPT)\tloc\t$FW")
        .doesNotContain("SSH(ACCEPT)\tnet");
  }

  static String content(DeployResult r, String suffix) {
    return r.files().stream()
        .filter(f -> f.path().endsWith(suffix))
        .findFirst()
        .orElseThrow()
        .desired()
        .orElseThrow()
        .content();
  }

  @Test
  void plan_interfacesNotSet_hintsAtWgconfig() {
    MeshView view = source.read(config, self).view();
    assertThatThrownBy(() -> Planner.plan(view, config))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.hint()).get().asString().contains("wgconfig -i"));
  }
}
