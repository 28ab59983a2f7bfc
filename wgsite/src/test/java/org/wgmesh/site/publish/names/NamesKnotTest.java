package org.wgmesh.site.publish.names;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.KnotServer;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.publish.TestSites;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Name records (issue 25) on a real Knot server: by RFC 2136 updates of the forward and the reverse
 * zone, and from zone-file fragments Knot loads with {@code $INCLUDE}. Records wgmesh did not write
 * stay.
 */
@EnabledIf("org.wgmesh.core.testing.KnotServer#isAvailable")
class NamesKnotTest {
  static final String REVERSE = NamesZoneFileTest.REVERSE;

  @TempDir Path dir;
  KnotServer knot;
  SitePublication service = new SitePublication(Reporter.silent());

  @AfterEach
  void stop() {
    if (knot != null) {
      knot.close();
    }
  }

  private Path site(String publish) throws Exception {
    Path yaml = dir.resolve("wgmesh.yaml");
    TestSites.create(yaml, publish, 3);
    Files.writeString(yaml, Files.readString(yaml) + "names:\n  addresses: tunnel\n");
    return yaml;
  }

  private void publish(Path yaml) {
    try (SitePublication.Prepared p = service.prepare(yaml, Optional.empty(), false)) {
      service.apply(p);
    }
  }

  /** The data of the {@code type} records at {@code name}, as Knot answers. */
  private List<String> ask(String name, int type) throws Exception {
    SimpleResolver r =
        new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), knot.port()));
    Message answer =
        r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
    List<String> out = new ArrayList<>();
    for (Record rec : answer.getSection(Section.ANSWER)) {
      if (rec.getType() == type) {
        out.add(
            rec instanceof AAAARecord a
                ? IpAddress.parse(a.getAddress().getHostAddress(), "answer").toString()
                : rec.rdataToString());
      }
    }
    return out;
  }

  private static String ptrName(int n) {
    return n + ".0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0." + REVERSE;
  }

  @Test
  void rfc2136_writesForwardAndReverse_removesOnlyItsOwn() throws Exception {
    knot =
        KnotServer.start(
            "example.com",
            List.of("www.mesh 300 AAAA 2001:db8::80"),
            Map.of(
                REVERSE, List.of("5.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0 300 PTR printer.example.com.")));
    Path yaml = site("zonefile:unused.zone");
    String target = TestSites.knotTarget(knot, dir);
    Files.writeString(
        yaml,
        Files.readString(yaml).replace("publish: zonefile:unused.zone", "publish: " + target));
    publish(yaml);

    assertThat(ask("router1.mesh.example.com", Type.AAAA)).containsExactly("fd12:3456:789a:0:1::1");
    assertThat(ask(ptrName(3), Type.PTR)).containsExactly("router3.mesh.example.com.");
    try (SitePublication.Prepared p = service.prepare(yaml, Optional.empty(), false)) {
      assertThat(p.names().isEmpty()).as("a second run writes no name").isTrue();
      assertThat(p.diff().isEmpty()).isTrue();
    }

    Site s = SiteFile.load(yaml);
    SiteFile.save(s.withoutHost(s.hostNamed("router2").orElseThrow().uuid()), yaml);
    publish(yaml);
    assertThat(ask("router2.mesh.example.com", Type.AAAA)).isEmpty();
    assertThat(ask(ptrName(2), Type.PTR)).isEmpty();
    assertThat(ask(ptrName(1), Type.PTR)).containsExactly("router1.mesh.example.com.");

    // Dropping the section removes every name wgmesh wrote, and nothing else.
    Files.writeString(yaml, Files.readString(yaml).replaceFirst("(?s)\nnames:.*", "\n"));
    publish(yaml);
    assertThat(ask("router1.mesh.example.com", Type.AAAA)).isEmpty();
    assertThat(ask(ptrName(1), Type.PTR)).isEmpty();
    assertThat(ask("www.mesh.example.com", Type.AAAA)).containsExactly("2001:db8::80");
    assertThat(ask("5.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0." + REVERSE, Type.PTR))
        .containsExactly("printer.example.com.");
  }

  @Test
  void zoneFile_fragmentsIncludedByKnot_answerNamesAndPtrs() throws Exception {
    Path yaml = site("zonefile:mesh.zone");
    publish(yaml);
    Path zone = dir.resolve("mesh.zone");
    Path fragment = dir.resolve("mesh." + REVERSE + ".zone");
    // Knot may run as nobody: it must read the fragments (they are public, 0644).
    dir.toFile().setExecutable(true, false);
    knot =
        KnotServer.start(
            "example.com",
            List.of("$INCLUDE " + zone),
            Map.of(REVERSE, List.of("$INCLUDE " + fragment)));
    assertThat(ask("router2.mesh.example.com", Type.AAAA)).containsExactly("fd12:3456:789a:0:1::2");
    assertThat(ask(ptrName(2), Type.PTR)).containsExactly("router2.mesh.example.com.");
    assertThat(ask("mesh.example.com", Type.TXT)).isNotEmpty();
  }
}
