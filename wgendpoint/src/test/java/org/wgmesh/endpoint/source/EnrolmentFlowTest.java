package org.wgmesh.endpoint.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.dns.DnsjavaSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.KnotServer;
import org.wgmesh.endpoint.cli.WgconfigCommand;
import org.wgmesh.endpoint.cli.WghostCommand;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.EndpointPaths;
import org.wgmesh.endpoint.config.HostKeys;
import org.wgmesh.endpoint.config.TestMesh;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.site.cli.WgpubCommand;
import org.wgmesh.site.cli.WgsiteCommand;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Update;

/**
 * The whole enrolment, through the commands, against a real knotd on 127.0.0.1 updated by RFC 2136
 * with TSIG: the site is created (wgsite) and published (wgpub); endpoint A enrols with the site
 * fingerprint (a wrong one is refused first), endpoint B on first use; both register with wghost;
 * the site imports the blobs and publishes; each endpoint then reads and verifies its peers from
 * DNS. Then the bad cases: a tampered mesh record in the zone, and DNS down.
 */
@EnabledIfSystemProperty(named = "wgmesh.privileged", matches = "true")
class EnrolmentFlowTest {
  static final String ZONE = "example.test";
  static final String D = "mesh." + ZONE;
  static final DomainName DN = DomainName.parse(D, "test");

  @TempDir Path tmp;
  KnotServer knot;
  Path yaml;
  String resolver;

  record Run(int rc, String out, String err) {}

  static Run run(Function<Io, Object> command, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(new byte[0]), out, err, false);
    int rc = Cli.run(command, io, args);
    return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Run wgconfig(String... args) {
    return run(WgconfigCommand::new, args);
  }

  Run wghost(String... args) {
    return run(WghostCommand::new, args);
  }

  @BeforeEach
  void siteOnKnot() throws Exception {
    knot = KnotServer.start(ZONE);
    resolver = "127.0.0.1:" + knot.port();
    Path secret = tmp.resolve("tsig.secret");
    Files.writeString(secret, knot.tsigSecret() + "\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    String target =
        "rfc2136://127.0.0.1:"
            + knot.port()
            + "?zone="
            + ZONE
            + "&tsig="
            + knot.keyName()
            + "&algorithm="
            + knot.algorithm()
            + "&secret-file="
            + secret;
    yaml = tmp.resolve("site/wgmesh.yaml");
    Files.createDirectories(yaml.getParent());
    Run created =
        run(
            WgsiteCommand::new,
            "--domain",
            D,
            "--locus",
            "lab",
            "--tunnel-prefix",
            "fd12:3456:789a::/48",
            "--publish",
            target,
            yaml.toString());
    assertThat(created.rc()).as(created.err()).isZero();
    publish();
  }

  @AfterEach
  void stopKnot() {
    if (knot != null) {
      knot.close();
    }
  }

  /** wgpub: publish the site file's mesh to its target (knotd, by RFC 2136 with TSIG). */
  void publish() {
    Run r = run(WgpubCommand::new, yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
  }

  String siteFingerprint() {
    return SiteFile.load(yaml).keys().fingerprint();
  }

  Path enrolledEndpoint(String name, String... extra) {
    Path dir = tmp.resolve(name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config-dir",
                dir.toString(),
                "--resolver",
                resolver,
                "--root",
                tmp.resolve(name + "-root").toString(),
                "--hostname",
                "router-" + name));
    args.addAll(List.of(extra));
    args.add(D);
    Run r = wgconfig(args.toArray(String[]::new));
    assertThat(r.rc()).as(r.err()).isZero();
    return dir;
  }

  String blob(Path dir) {
    Run r = wghost("--config-dir", dir.toString(), D);
    assertThat(r.rc()).as(r.err()).isZero();
    return r.out().strip();
  }

  EndpointConfig config(Path dir) {
    return EndpointFile.load(EndpointPaths.path(dir, DN), DN);
  }

  /** What wgdeploy reads: the verified view, with the host key of the endpoint file. */
  static MeshView fetch(EndpointConfig c) {
    return new EndpointMeshSource().read(c, HostKeys.read(c.hostKey(), c.domain())).view();
  }

  @Test
  void enrolment_fromCreateToVerifiedPeers_overRealDns() throws Exception {
    String fp = siteFingerprint();

    // A: a wrong fingerprint is refused and leaves nothing behind; the right one pins quietly.
    Path dirA = tmp.resolve("a");
    Run wrong =
        wgconfig(
            "--config-dir",
            dirA.toString(),
            "--resolver",
            resolver,
            "--site-fingerprint",
            "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(new byte[32]),
            D);
    assertThat(wrong.rc()).isEqualTo(ExitCode.RECORD.code());
    assertThat(wrong.err()).contains(fp);
    assertThat(EndpointPaths.path(dirA, DN)).doesNotExist();
    enrolledEndpoint(
        "a",
        "--site-fingerprint",
        fp,
        "-i",
        "pub0",
        "-T",
        "lan0",
        "-I",
        "198.18.1.1/24",
        "--public-address",
        "203.0.113.1");

    // B: trust on first use, loudly, showing the fingerprint.
    Path dirB = tmp.resolve("b");
    // (Each simulated host names itself: they share this machine's host name, which the site
    // refuses twice.)
    Run tofu =
        wgconfig(
            "--config-dir",
            dirB.toString(),
            "--resolver",
            resolver,
            "--root",
            tmp.resolve("b-root").toString(),
            "--hostname",
            "router-b",
            "-i",
            "pub0",
            "-T",
            "lan0",
            "-I",
            "198.18.2.1/24",
            "--public-address",
            "203.0.113.2",
            D);
    assertThat(tofu.rc()).as(tofu.err()).isZero();
    assertThat(tofu.err()).contains("PINNED ON FIRST USE").contains(fp);
    assertThat(config(dirB).siteFingerprint()).isEqualTo(fp);

    // Register both (wghost creates the keys); not admitted yet, the reader says what is missing.
    List<String> blobs = List.of(blob(dirA), blob(dirB));
    assertThatThrownBy(() -> fetch(config(dirA)))
        .isInstanceOfSatisfying(
            RecordException.class,
            e -> assertThat(e.hint()).get().asString().contains("wgsite -i"));

    // The site imports the blobs and publishes.
    for (String blob : blobs) {
      Run imported = run(WgsiteCommand::new, "-i", blob, "--yes", yaml.toString());
      assertThat(imported.rc()).as(imported.err()).isZero();
    }
    publish();

    // wgconfig recorded the serial it verified (rollback protection from the first contact).
    String seenBefore = Files.readString(EndpointMeshSource.seenFile(config(dirA)));
    MeshView a = fetch(config(dirA));
    MeshView b = fetch(config(dirB));
    assertThat(a.self().uuid()).isEqualTo(config(dirA).uuid());
    assertThat(a.peers())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.uuid()).isEqualTo(config(dirB).uuid());
              assertThat(p.endpoints()).hasToString("[203.0.113.2]");
              assertThat(p.lanPrefixes()).hasToString("[198.18.2.0/24]");
            });
    assertThat(b.peers())
        .singleElement()
        .satisfies(p -> assertThat(p.publicKey()).isEqualTo(a.self().publicKey()));
    assertThat(a.settings().locus()).isEqualTo("lab");
    // Reading records nothing: the deploy writes the accepted serials.
    assertThat(EndpointMeshSource.seenFile(config(dirA))).hasContent(seenBefore);

    // Re-running wgconfig with nothing new changes nothing.
    Run again = wgconfig("--config-dir", dirA.toString(), D);
    assertThat(again.rc()).as(again.err()).isZero();
    assertThat(again.err()).contains("nothing changed");
  }

  @Test
  void tamperedMeshRecordInTheZone_isRefusedByWgconfigAndTheReader() throws Exception {
    Path dirA = enrolledEndpoint("a", "--site-fingerprint", siteFingerprint());
    Run imported = run(WgsiteCommand::new, "-i", blob(dirA), "--yes", yaml.toString());
    assertThat(imported.rc()).as(imported.err()).isZero();
    publish();
    assertThat(fetch(config(dirA)).self()).isNotNull();

    DnsjavaSource dns = DnsjavaSource.of(new InetSocketAddress("127.0.0.1", knot.port()));
    replaceInZone(TestMesh.tampered(dns.lookup(D).orElseThrow()));
    String before = Files.readString(EndpointPaths.path(dirA, DN));

    Run r = wgconfig("--config-dir", dirA.toString(), "-i", "eth7", D);
    assertThat(r.rc()).isEqualTo(ExitCode.RECORD.code());
    assertThat(r.err()).contains("error: " + D);
    assertThat(Files.readString(EndpointPaths.path(dirA, DN))).isEqualTo(before);
    assertThatThrownBy(() -> fetch(config(dirA))).isInstanceOf(RecordException.class);
  }

  @Test
  void dnsDown_isADnsErrorNamingTheServer() {
    Path dirA = enrolledEndpoint("a", "--site-fingerprint", siteFingerprint());
    blob(dirA);
    knot.close();
    Run r = wgconfig("--config-dir", dirA.toString(), D);
    assertThat(r.rc()).isEqualTo(ExitCode.DNS.code());
    assertThat(r.err()).contains(resolver).contains("hint:");
    assertThatThrownBy(() -> fetch(config(dirA)))
        .isInstanceOfSatisfying(DnsException.class, e -> assertThat(e.why()).contains(resolver));
  }

  /**
   * Replaces the TXT RRset at its name with an RFC 2136 update, as an attacker with the key could.
   */
  void replaceInZone(TxtRecordSet set) throws Exception {
    Update u = new Update(Name.fromString(ZONE + "."));
    Name name = Name.fromString(set.name() + ".");
    u.delete(name, org.xbill.DNS.Type.TXT);
    for (String s : set.strings()) {
      u.add(new TXTRecord(name, DClass.IN, set.ttl(), s));
    }
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", knot.port()));
    r.setTCP(true);
    r.setTimeout(Duration.ofSeconds(3));
    r.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, knot.keyName(), knot.tsigSecret()));
    Message answer = r.send(u);
    assertThat(answer.getRcode()).as(Rcode.string(answer.getRcode())).isEqualTo(Rcode.NOERROR);
  }
}
