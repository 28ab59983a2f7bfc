package org.wgmesh.core.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.error.UsageException;

/** Resolver parsing, the source factory, timeouts, and the zone-file source (no daemons needed). */
class DnsSourcesTest {
  @TempDir Path tmp;

  @Test
  void parseResolver_acceptedForms_giveAddressAndPort() {
    assertThat(DnsjavaSource.parseResolver("127.0.0.1:5353"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
    assertThat(DnsjavaSource.parseResolver("127.0.0.1"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", 53));
    assertThat(DnsjavaSource.parseResolver("[::1]:5300"))
        .isEqualTo(new InetSocketAddress("::1", 5300));
    assertThat(DnsjavaSource.parseResolver("2001:db8::53"))
        .isEqualTo(new InetSocketAddress("2001:db8::53", 53));
    assertThat(DnsjavaSource.parseResolver("[2001:db8::53]"))
        .isEqualTo(new InetSocketAddress("2001:db8::53", 53));
  }

  @Test
  void parseResolver_badForms_areBadOptionValuesWithTheForms() {
    for (String bad :
        List.of(
            "",
            "dns.example.com:53",
            "127.0.0.1:0",
            "127.0.0.1:70000",
            "127.0.0.1:x",
            "[::1",
            "[::1]x")) {
      assertThatThrownBy(() -> DnsjavaSource.parseResolver(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              InputException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.INPUT);
                assertThat(e.hint()).get().asString().contains("IP:PORT");
              });
    }
  }

  @Test
  void fromOptions_bothResolverAndZoneFile_isAUsageError() {
    assertThatThrownBy(
            () ->
                DnsSources.fromOptions(Optional.of("127.0.0.1:53"), Optional.of(tmp.resolve("z"))))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--zone-file");
  }

  @Test
  void fromOptions_resolver_givesDnsjavaSourceForThatServerOnly() {
    DnsSource s = DnsSources.fromOptions(Optional.of("127.0.0.1:5353"), Optional.empty());
    assertThat(s)
        .isInstanceOfSatisfying(
            DnsjavaSource.class,
            d -> assertThat(d.servers()).containsExactly(new InetSocketAddress("127.0.0.1", 5353)));
  }

  @Test
  void fromOptions_zoneFile_readsTheFile() throws Exception {
    Path z = tmp.resolve("m.zone");
    Files.writeString(z, "mesh.example.test. 300 IN TXT \"v\"\n");
    assertThat(DnsSources.fromOptions(Optional.empty(), Optional.of(z)).lookup("mesh.example.test"))
        .contains(new TxtRecordSet("mesh.example.test", 300, List.of("v")));
  }

  @Test
  void lookup_serverThatNeverAnswers_throwsTimeoutNamingNameAndServer() throws Exception {
    // A bound UDP socket nobody reads: queries vanish, as with a dead server behind a firewall.
    try (DatagramSocket blackHole =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      int port = blackHole.getLocalPort();
      DnsjavaSource s =
          DnsjavaSource.of(
              new InetSocketAddress("127.0.0.1", port),
              new DnsjavaSource.Options(Duration.ofMillis(300), false));
      assertThatThrownBy(() -> s.lookup("mesh.example.test"))
          .isInstanceOfSatisfying(
              DnsException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.DNS);
                assertThat(e.what()).contains("mesh.example.test");
                assertThat(e.why())
                    .contains("timeout")
                    .contains("300 ms")
                    .contains("127.0.0.1:" + port);
                assertThat(e.hint()).get().asString().contains("--resolver");
              });
    }
  }

  @Test
  void options_nonPositiveTimeout_isRefused() {
    assertThatThrownBy(() -> new DnsjavaSource.Options(Duration.ZERO, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void zoneFile_withOriginIncludeAndCnames_answersLikeDns() throws Exception {
    Files.writeString(
        tmp.resolve("frag.zone"), "h1.mesh.example.test. 60 IN TXT \"0:aa\" \"bb\"\n");
    Path z = tmp.resolve("main.zone");
    Files.writeString(
        z,
        String.join(
            "\n",
            "$ORIGIN example.test.",
            "$TTL 120",
            "@ SOA ns hostmaster 1 3600 900 604800 300",
            "mesh TXT \"1:x\"",
            "mesh TXT \"0:y\"",
            "alias CNAME mesh",
            "alias2 CNAME alias",
            "out CNAME elsewhere.invalid.",
            "$INCLUDE " + tmp.resolve("frag.zone"),
            ""));
    ZoneFileSource src = ZoneFileSource.load(z);
    assertThat(src.lookup("MESH.example.test."))
        .contains(new TxtRecordSet("mesh.example.test", 120, List.of("0:y", "1:x")));
    assertThat(src.lookup("alias2.example.test"))
        .contains(new TxtRecordSet("alias2.example.test", 120, List.of("0:y", "1:x")));
    assertThat(src.lookup("h1.mesh.example.test"))
        .map(TxtRecordSet::strings)
        .contains(List.of("0:aabb"));
    assertThat(src.lookup("out.example.test")).isEmpty();
    assertThat(src.lookup("example.test")).as("SOA only: no TXT").isEmpty();
    assertThat(src.lookup("nothere.example.test")).isEmpty();
  }

  @Test
  void zoneFile_cnameLoop_throwsDnsException() throws Exception {
    Path z = tmp.resolve("loop.zone");
    Files.writeString(z, "a.t. 60 IN CNAME b.t.\nb.t. 60 IN CNAME a.t.\n");
    assertThatThrownBy(() -> ZoneFileSource.load(z).lookup("a.t"))
        .isInstanceOfSatisfying(
            DnsException.class, e -> assertThat(e.why()).contains("CNAME loop: a.t -> b.t -> a.t"));
  }

  @Test
  void zoneFile_syntaxError_namesFileAndLine() throws Exception {
    Path z = tmp.resolve("bad.zone");
    Files.writeString(z, "a.t. 60 IN TXT \"ok\"\nb.t. 60 IN TXT \"unterminated\n");
    assertThatThrownBy(() -> ZoneFileSource.load(z))
        .isInstanceOfSatisfying(
            InputException.class,
            e -> {
              assertThat(e.what()).isEqualTo(z.toString());
              // dnsjava counts the line where it noticed (the newline ends the quoted string): 2 or
              // 3
              assertThat(e.why())
                  .containsPattern("bad\\.zone:[23]: newline in quoted string")
                  .doesNotContain("Exception");
            });
  }

  @Test
  void zoneFile_relativeNameWithoutOrigin_isRefusedWithHint() throws Exception {
    Path z = tmp.resolve("rel.zone");
    Files.writeString(z, "mesh 60 IN TXT \"x\"\n");
    assertThatThrownBy(() -> ZoneFileSource.load(z))
        .isInstanceOfSatisfying(
            InputException.class,
            e -> {
              assertThat(e.why()).contains("'mesh' is not an absolute name");
              assertThat(e.hint()).get().asString().contains("$ORIGIN");
            });
    assertThat(ZoneFileSource.load(z, "example.test").lookup("mesh.example.test")).isPresent();
  }

  @Test
  void zoneFile_cnameBesideOtherData_isRefused() throws Exception {
    Path z = tmp.resolve("both.zone");
    Files.writeString(z, "a.t. 60 IN CNAME b.t.\na.t. 60 IN TXT \"x\"\n");
    assertThatThrownBy(() -> ZoneFileSource.load(z))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("a.t");
  }

  @Test
  void zoneFile_recordOver255Bytes_isARecordException() throws Exception {
    Path z = tmp.resolve("long.zone");
    Files.writeString(
        z, "a.t. 60 IN TXT \"" + "x".repeat(200) + "\" \"" + "y".repeat(200) + "\"\n");
    assertThatThrownBy(() -> ZoneFileSource.load(z).lookup("a.t"))
        .isInstanceOfSatisfying(RecordException.class, e -> assertThat(e.what()).isEqualTo("a.t"));
  }

  @Test
  void zoneFile_missing_isAFileException() {
    assertThatThrownBy(() -> ZoneFileSource.load(tmp.resolve("none.zone")))
        .isInstanceOfSatisfying(
            FileException.class,
            e -> assertThat(e.hint()).get().asString().contains("--zone-file"));
  }
}
