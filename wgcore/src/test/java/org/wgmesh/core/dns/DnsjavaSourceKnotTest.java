package org.wgmesh.core.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.testing.KnotServer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * {@link DnsjavaSource} against a real knotd on 127.0.0.1, and {@link ZoneFileSource} over the same
 * zone text: both must give the same answers.
 */
@EnabledIfSystemProperty(named = "wgmesh.privileged", matches = "true")
class DnsjavaSourceKnotTest {
  static final String ZONE = "dns.test";

  /** 16 records of 250 characters: about 4 KB, past the 1232-byte EDNS buffer. */
  static final List<String> BIG = bigStrings(16, 250);

  static final List<String> LINES = zoneLines();

  static KnotServer knot;
  static DnsjavaSource dns;
  @TempDir static Path tmp;

  static List<String> bigStrings(int count, int length) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(String.format("%02d:", i) + String.valueOf((char) ('a' + i)).repeat(length - 3));
    }
    return out;
  }

  static List<String> zoneLines() {
    List<String> l = new ArrayList<>();
    l.add("small 60 TXT \"hello\"");
    l.add("multi 120 TXT \"one\"");
    l.add("multi 90 TXT \"two\"");
    l.add("split 60 TXT \"abc\" \"def\"");
    for (String s : BIG) {
      l.add("big 60 TXT \"" + s + "\"");
    }
    l.add("c1 60 CNAME c2");
    l.add("c2 60 CNAME c3");
    l.add("c3 60 TXT \"end of chain\"");
    l.add("tobig 60 CNAME big");
    l.add("dangling 60 CNAME nowhere");
    l.add("outside 60 CNAME mesh.other.test.");
    l.add("loop1 60 CNAME loop2");
    l.add("loop2 60 CNAME loop1");
    for (int i = 0; i < 12; i++) {
      l.add("long" + i + " 60 CNAME long" + (i + 1));
    }
    l.add("long12 60 TXT \"too far\"");
    return l;
  }

  @BeforeAll
  static void start() throws Exception {
    knot = KnotServer.start(ZONE, LINES);
    dns =
        DnsjavaSource.of(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), knot.port()),
            new DnsjavaSource.Options(Duration.ofSeconds(3), false));
  }

  @AfterAll
  static void stop() {
    if (knot != null) {
      knot.close();
    }
  }

  static String n(String label) {
    return label + "." + ZONE;
  }

  @Test
  void lookup_smallRecord_returnsItsString() {
    assertThat(dns.lookup(n("small"))).contains(new TxtRecordSet(n("small"), 60, List.of("hello")));
  }

  @Test
  void lookup_severalRecords_returnsOneStringPerRecordAndTheLowestTtl() {
    TxtRecordSet set = dns.lookup(n("multi") + ".").orElseThrow();
    assertThat(set.strings()).containsExactlyInAnyOrder("one", "two");
    assertThat(set.ttl()).isEqualTo(90);
    assertThat(set.name()).isEqualTo(n("multi"));
  }

  @Test
  void lookup_recordWithSeveralCharacterStrings_concatenatesThem() {
    assertThat(dns.lookup(n("split")).orElseThrow().strings()).containsExactly("abcdef");
  }

  @Test
  void lookup_answerTooBigForUdp_fallsBackToTcpAndReturnsEverything() throws Exception {
    // Precondition: over UDP with our EDNS buffer the answer really is truncated.
    SimpleResolver udp = new SimpleResolver(new InetSocketAddress("127.0.0.1", knot.port()));
    udp.setIgnoreTruncation(true);
    udp.setEDNS(0, DnsjavaSource.EDNS_PAYLOAD, 0, List.of());
    Message raw =
        udp.send(
            Message.newQuery(
                Record.newRecord(Name.fromString(n("big") + "."), Type.TXT, DClass.IN)));
    assertThat(raw.getHeader().getFlag(Flags.TC)).as("UDP answer truncated").isTrue();

    TxtRecordSet set = dns.lookup(n("big")).orElseThrow();
    assertThat(set.strings()).containsExactlyInAnyOrderElementsOf(BIG);
    assertThat(set.dataBytes()).isGreaterThan(3000);
  }

  @Test
  void lookup_tcpOnly_returnsTheSameAnswers() {
    DnsjavaSource tcp =
        DnsjavaSource.of(
            new InetSocketAddress("127.0.0.1", knot.port()),
            new DnsjavaSource.Options(Duration.ofSeconds(3), true));
    for (String label : List.of("small", "multi", "big", "c1", "nothere")) {
      assertThat(tcp.lookup(n(label))).as(label).isEqualTo(dns.lookup(n(label)));
    }
  }

  @Test
  void lookup_cnameChain_followsItAndNamesTheSetAsAsked() {
    assertThat(dns.lookup(n("c1")))
        .contains(new TxtRecordSet(n("c1"), 60, List.of("end of chain")));
    assertThat(dns.lookup(n("tobig")).orElseThrow().strings())
        .containsExactlyInAnyOrderElementsOf(BIG);
  }

  @Test
  void lookup_cnameToNothing_isEmpty() {
    assertThat(dns.lookup(n("dangling"))).isEmpty();
  }

  @Test
  void lookup_cnameLoop_throwsDnsExceptionNamingTheLoop() {
    assertThatThrownBy(() -> dns.lookup(n("loop1")))
        .isInstanceOfSatisfying(
            DnsException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.DNS);
              assertThat(e.what()).contains("loop1.dns.test");
              assertThat(e.why()).contains("CNAME loop").contains("loop2.dns.test");
              assertThat(e.hint()).isPresent();
            });
  }

  @Test
  void lookup_cnameChainLongerThanTheBound_throwsDnsException() {
    assertThatThrownBy(() -> dns.lookup(n("long0")))
        .isInstanceOfSatisfying(
            DnsException.class, e -> assertThat(e.why()).contains("longer than 8"));
    // A chain inside the bound is followed.
    assertThat(dns.lookup(n("long5"))).map(TxtRecordSet::strings).contains(List.of("too far"));
  }

  @Test
  void lookup_nxdomainAndNodata_areEmpty() {
    assertThat(dns.lookup(n("nothere"))).isEmpty();
    assertThat(dns.lookup(n("ns1"))).as("A record only: NODATA for TXT").isEmpty();
  }

  @Test
  void lookup_nameOutsideTheServersZones_throwsRefused() {
    assertThatThrownBy(() -> dns.lookup("mesh.other.test"))
        .isInstanceOfSatisfying(
            DnsException.class,
            e -> {
              assertThat(e.why()).contains("REFUSED");
              assertThat(e.what()).contains("mesh.other.test").contains("127.0.0.1:" + knot.port());
              assertThat(e.hint()).get().asString().contains("--resolver");
            });
  }

  @Test
  void lookup_cnameOutOfTheServersZone_asksForTheTargetAndReportsItsFailure() {
    // knotd answers only the CNAME; the target is asked for in a second query, which it refuses.
    assertThatThrownBy(() -> dns.lookup(n("outside")))
        .isInstanceOfSatisfying(
            DnsException.class,
            e -> {
              assertThat(e.why()).contains("REFUSED");
              assertThat(e.what()).contains("outside.dns.test");
            });
  }

  @Test
  void lookup_zoneFileWithTheSameText_givesTheSameAnswers() throws Exception {
    Path file = tmp.resolve("dns.test.zone");
    List<String> text =
        new ArrayList<>(List.of("$ORIGIN " + ZONE + ".", "$TTL 300", "ns1 A 127.0.0.1"));
    text.addAll(LINES);
    Files.writeString(file, String.join("\n", text) + "\n");
    ZoneFileSource zone = ZoneFileSource.load(file);
    for (String label :
        List.of(
            "small",
            "multi",
            "split",
            "big",
            "c1",
            "tobig",
            "dangling",
            "nothere",
            "ns1",
            "long5")) {
      Optional<TxtRecordSet> fromDns = dns.lookup(n(label));
      assertThat(zone.lookup(n(label))).as(label).isEqualTo(fromDns);
    }
    for (String label : List.of("loop1", "long0")) {
      assertThatThrownBy(() -> zone.lookup(n(label))).as(label).isInstanceOf(DnsException.class);
    }
  }

  @Test
  void lookup_serverStopped_throwsDnsExceptionNamingTheServer() throws Exception {
    KnotServer other = KnotServer.start("stopped.test", List.of("x 60 TXT \"y\""));
    DnsjavaSource source =
        DnsjavaSource.of(
            new InetSocketAddress("127.0.0.1", other.port()),
            new DnsjavaSource.Options(Duration.ofMillis(500), false));
    assertThat(source.lookup("x.stopped.test")).isPresent();
    int port = other.port();
    other.close();
    assertThatThrownBy(() -> source.lookup("x.stopped.test"))
        .isInstanceOfSatisfying(
            DnsException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.DNS);
              assertThat(e.why()).contains("127.0.0.1:" + port);
              assertThat(e.hint()).get().asString().contains("--resolver");
            });
  }
}
